/**
 * Locating the kit's data/ folder from library code, which runs from lib/ (tests) or lib/dist/
 * (notebooks): walk up until data/<name> exists.
 */
import * as fs from "fs";
import * as path from "path";

/** The absolute path of data/<relative>, or a clear error naming what is missing. */
export function dataFile(relative: string): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "data", relative);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(
    `data file data/${relative} was not found above ${__dirname}: the kit's data/ folder is missing or incomplete (see its README for the command that regenerates it)`,
  );
}
