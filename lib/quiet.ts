/**
 * Silences tfjs's one-time "install the node backend" hint: it goes to stderr, which a notebook
 * test rightly treats as an error, and the kit prints which backend runs anyway.
 */
const HINTS = ["looks like you are running tensorflow.js in node.js", "platform node has already been set"];
const original = console.warn;
console.warn = (...args: unknown[]) => {
  const first = typeof args[0] === "string" ? args[0].toLowerCase() : "";
  if (HINTS.some((h) => first.includes(h))) return;
  original.apply(console, args as []);
};
