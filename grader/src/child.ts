/**
 * The untrusted side of grading: a separate Node process that runs a submission's cells the way the
 * tslab kernel does (tslab's own converter and executor) and answers probes: "call function f on
 * these inputs and send back the result". It decides nothing; the parent compares results with the
 * reference outside this process. Messages travel as V8-serialized frames over file descriptor 3
 * (channel.ts), with the encoder captured before any student code runs, so student code that
 * overrides JSON, console or Object.prototype cannot change how results travel; bytes it writes into
 * the channel itself only stop its own grading.
 */
const { encodeFrame, FrameReader } = require("./channel") as typeof import("./channel");
const channel = new (require("net") as typeof import("net")).Socket({ fd: 3, readable: true, writable: true });
const writeFrame = channel.write.bind(channel);
const send = (message: Record<string, unknown>) => writeFrame(encodeFrame(message));
const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");
const { decodeArgs, toPlain } = require("mtl-kit/grading") as typeof import("mtl-kit/grading");
const format = (require("util") as typeof import("util")).format;
const OUTPUT_CAP = 64 * 1024;

let outputBytes = 0;
let pending: string[] = [];
/** Keeps printed text, up to the cap. */
const append = (text: string) => {
  if (outputBytes > OUTPUT_CAP) return;
  outputBytes += text.length;
  pending.push(outputBytes > OUTPUT_CAP ? text.slice(0, 200) + "\n[output truncated at 64 KB]\n" : text);
};
const capture = (...args: unknown[]) => {
  let text: string;
  try {
    text = format(...args) + "\n";
  } catch {
    text = args.map(safeString).join(" ") + "\n";
  }
  append(text);
};
// Like the kernel, capture everything written to stdout and stderr (libraries print too).
process.stdout.write = ((chunk: unknown) => (
  append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8")),
  true
)) as typeof process.stdout.write;
process.stderr.write = process.stdout.write;
function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "[unprintable value]";
  }
}

const converter = createConverter({ isJS: false, isBrowser: false });
const executor = createExecutor(process.cwd(), { node: converter, browser: converter, close: () => converter.close() }, { log: capture, error: capture });

type Encoded = unknown;

function flush(): string {
  const text = pending.join("");
  pending = [];
  return text;
}

type GraderRequest = { type: string; index?: number; source?: string; key?: string; fn?: string; args?: Encoded[] };

async function handle(msg: GraderRequest): Promise<void> {
  if (msg.type === "cell") {
    let ok = false;
    try {
      ok = await executor.execute(msg.source ?? "");
    } catch (e) {
      capture(String(e));
    }
    send({ type: "cell-done", index: msg.index, ok, output: flush() });
  } else if (msg.type === "probe") {
    try {
      const fn = executor.locals[msg.fn as string];
      if (typeof fn !== "function") throw new Error(`function ${msg.fn} is not defined (was its cell run without errors?)`);
      const result = await fn(...(msg.args ?? []).map(decodeArgs));
      send({ type: "probe-result", key: msg.key, ok: true, value: toPlain(result) });
    } catch (e) {
      send({ type: "probe-result", key: msg.key, ok: false, error: e instanceof Error ? e.message.slice(0, 2000) : String(e).slice(0, 2000) });
    }
  }
}

// Requests come one at a time from the grader; a malformed one means the channel is not the grader's.
const reader = new FrameReader(
  (msg) => void handle(msg as unknown as GraderRequest),
  () => process.exit(70),
);
channel.on("data", (chunk: Buffer) => reader.push(chunk));
// The grader gone means nothing left to answer.
channel.on("close", () => process.exit(0));
channel.on("error", () => process.exit(0));

send({ type: "ready" });
