/**
 * The whole-submission time limit: a submission whose cells hang one after another is stopped
 * when its time is up, the questions it did not reach score 0, and the result says why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradeSubmission } from "../../grader/src/grade-submission";

const ROOT = path.resolve(__dirname, "..", "..");
const SOLUTION = path.join(ROOT, "solutions", "hw1.ipynb");

test("a submission that keeps hanging is stopped at its time limit and told so", async () => {
  const nb = JSON.parse(fs.readFileSync(SOLUTION, "utf8"));
  // Enough hanging cells (5 × 15 s) that the 40 s limit falls on one of them however long the
  // setup cell takes on a loaded machine (up to 25 s, so that the first hang gets its full 15 s).
  for (const cell of nb.cells) if (["a1a", "a1b", "a1c", "a1d", "a1e"].includes(cell.metadata?.mtl?.id)) cell.source = "while (true) {}";
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mtl-time-limit-")), "slow.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb));
  const r = await gradeSubmission(file, { solution: SOLUTION, seed: 7, limits: { cellSeconds: 15, probeSeconds: 15, submissionSeconds: 40 } });
  const problems = r.problems.join("\n");
  assert.match(problems, /did not finish within 15 s/);
  assert.match(problems, /did not finish before the submission's 40 s time limit/);
  assert.match(problems, /was not run: the submission used up its 40 s time limit/);
  assert.match(problems, /Grading stopped: the submission used up its 40 s time limit/);
  assert.equal(r.score, 0);
  for (const t of r.tests) assert.match(t.output, /not run|not defined|time limit/, t.name);
});
