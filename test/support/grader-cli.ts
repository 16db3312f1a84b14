/** The grader's command line, as tests and the benchmark run it: `node grader/bin/mtl-grader.js VERB ...`. */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from "child_process";
import * as path from "path";

/** The grader package's bin script. */
export const GRADER_BIN = path.resolve(__dirname, "..", "..", "grader", "bin", "mtl-grader.js");

/** Runs the grader with `args` (a verb and its options) and returns what it printed, as text. */
export function runGrader(args: string[], options: Partial<SpawnSyncOptionsWithStringEncoding> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [GRADER_BIN, ...args], { encoding: "utf8", ...options });
}

/**
 * A Node script that starts a grading session from `sessionModule` (built or TypeScript), runs one
 * cell that tries to spawn a process, and prints {output, note}: what the cell printed and the first
 * line of the isolation report.
 */
export function permissionProbeScript(sessionModule: string): string {
  return `
    const { GradingSession, isolationReport } = require(${JSON.stringify(sessionModule)});
    (async () => {
      const s = new GradingSession({ cellSeconds: 60 });
      const r = await s.runCell(0, 'let how = "ran"; try { require("child_process").execSync("true"); } catch (e) { how = "refused: " + (e as any).code; } console.log(how);');
      s.close();
      process.stdout.write(JSON.stringify({ output: r.output, note: isolationReport().notes[0] }));
    })();`;
}
