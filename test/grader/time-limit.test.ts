/**
 * Time limits, with verdicts that do not depend on the machine's speed or load: the limits that
 * must be hit are either far below anything a submission can do (a deadline already passed) or far
 * below the total a submission needs (hanging cells), and the reference run is shown not to be
 * bound by a student's limits at all.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradeSubmission, referenceLimits } from "../../grader/src/grade-submission";

const ROOT = path.resolve(__dirname, "..", "..");
const SOLUTION = path.join(ROOT, "solutions", "hw1.ipynb");
const tmpFile = (name: string, nb: unknown) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mtl-time-limit-")), name);
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
};

test("the reference run's limits are never a student's: at least the defaults whatever the student's limits", () => {
  const tight = referenceLimits({ cellSeconds: 0.001, probeSeconds: 0.001, submissionSeconds: 0.001, heapMb: 256 });
  assert.ok(tight.cellSeconds! >= 60 && tight.probeSeconds! >= 60 && tight.submissionSeconds! >= 600, JSON.stringify(tight));
  assert.equal(tight.heapMb, 256, "other limits are kept");
  const generous = referenceLimits({ cellSeconds: 900, probeSeconds: 900, submissionSeconds: 9000 });
  assert.deepEqual([generous.cellSeconds, generous.probeSeconds, generous.submissionSeconds], [900, 900, 9000]);
});

test("the reference solution is not run under the student's limit: with a deadline already passed, the solution as a submission scores 0 for time, not a grader failure", async () => {
  // 1 ms for the whole submission: passed before its first cell on any machine. The reference run
  // (the same notebook) must still finish, or the result would be "the grader failed".
  const file = tmpFile("solution.ipynb", JSON.parse(fs.readFileSync(SOLUTION, "utf8")));
  const r = await gradeSubmission(file, { solution: SOLUTION, seed: 7, limits: { cellSeconds: 0.001, probeSeconds: 0.001, submissionSeconds: 0.001 } });
  const problems = r.problems.join("\n");
  assert.doesNotMatch(problems, /grader failed|reference solution/, problems);
  assert.match(problems, /used up its 0\.001 s time limit/);
  assert.equal(r.score, 0);
  assert.ok(r.tests.length > 0 && r.tests.every((t) => /not run|time limit/.test(t.output)), JSON.stringify(r.tests.map((t) => t.output)));
});

test("a submission that keeps hanging is stopped at its time limit and told so", async () => {
  const nb = JSON.parse(fs.readFileSync(SOLUTION, "utf8"));
  // Five hanging cells of 5 s each need 25 s, more than the 12 s the submission has, however fast
  // or slow the machine: the submission's limit is always reached, wherever it falls.
  for (const cell of nb.cells) if (cell.metadata?.mtl?.role === "answer") cell.source = "while (true) {}";
  const r = await gradeSubmission(tmpFile("slow.ipynb", nb), {
    solution: SOLUTION,
    seed: 7,
    limits: { cellSeconds: 5, probeSeconds: 5, submissionSeconds: 12 },
  });
  const problems = r.problems.join("\n");
  assert.match(problems, /did not finish (within 5 s|before the submission's 12 s time limit)/);
  assert.match(problems, /Grading stopped: the submission used up its 12 s time limit/);
  assert.equal(r.score, 0);
  for (const t of r.tests) assert.match(t.output, /not run|not defined|time limit/, t.name);
});
