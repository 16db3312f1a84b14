/** Reading Markdown as a renderer would, for the tests of staff files (robust-*.test.ts). */

/**
 * What a CommonMark reader sees outside fenced code blocks: a fence closes only with the same
 * character, at least as long, on a line of its own (up to 3 spaces of indent).
 */
export function outsideFences(md: string): string[] {
  const outside: string[] = [];
  let open: string | null = null;
  for (const line of md.split("\n")) {
    const m = line.match(/^ {0,3}(`{3,}|~{3,})(.*)$/);
    if (open) {
      if (m && m[1][0] === open[0] && m[1].length >= open.length && !m[2].trim()) open = null;
    } else if (m && !(m[1][0] === "`" && m[2].includes("`"))) open = m[1];
    else outside.push(line);
  }
  return outside;
}
