/** Grading throughput: a folder of N submissions (solutions and stubs, alternating) graded with J jobs. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runGrader } from "../test/support/grader-cli";

const ROOT = path.resolve(__dirname, "..");

/** Seconds to grade `count` submissions with `jobs` jobs, from a cold start of the command. */
export function timeGrading(count: number, jobs: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-bench-grade-"));
  const subs = path.join(dir, "submissions");
  fs.mkdirSync(subs);
  const sources = [path.join(ROOT, "solutions", "hw1.ipynb"), path.join(ROOT, "homework", "hw1.ipynb")];
  for (let i = 0; i < count; i++) fs.copyFileSync(sources[i % 2], path.join(subs, `student-${String(i).padStart(3, "0")}.ipynb`));
  const started = performance.now();
  const r = runGrader(["grade", subs, "--out", path.join(dir, "out"), "--jobs", String(jobs), "--seed", "1", "--solution", sources[0]], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`grading failed: ${r.stderr.slice(-500)}`);
  return seconds;
}
