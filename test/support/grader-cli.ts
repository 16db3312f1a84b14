/** The grader's command line, as tests and the benchmark run it: `node grader/bin/mtl-grader.js VERB ...`. */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from "child_process";
import * as path from "path";

/** The grader package's bin script. */
export const GRADER_BIN = path.resolve(__dirname, "..", "..", "grader", "bin", "mtl-grader.js");

/** Runs the grader with `args` (a verb and its options) and returns what it printed, as text. */
export function runGrader(args: string[], options: Partial<SpawnSyncOptionsWithStringEncoding> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [GRADER_BIN, ...args], { encoding: "utf8", ...options });
}
