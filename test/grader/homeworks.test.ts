/**
 * Every homework, graded by the real command: its solution earns every automatic point and its
 * untouched student version earns none, with "not implemented" in the feedback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const names = fs
  .readdirSync(path.join(ROOT, "solutions"))
  .filter((f) => /^hw\d+\.ipynb$/.test(f))
  .map((f) => f.replace(/\.ipynb$/, ""));

for (const name of names) {
  test(`${name}: the solution grades full marks and the untouched homework grades 0`, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `mtl-${name}-`));
    const subs = path.join(work, "subs");
    fs.mkdirSync(subs);
    // The solution as committed: its written cells hold the model answers, so none is unanswered.
    const solutionNb = JSON.parse(fs.readFileSync(path.join(ROOT, "solutions", `${name}.ipynb`), "utf8"));
    fs.copyFileSync(path.join(ROOT, "solutions", `${name}.ipynb`), path.join(subs, "solution.ipynb"));
    fs.copyFileSync(path.join(ROOT, "homework", `${name}.ipynb`), path.join(subs, "untouched.ipynb"));
    const r = runGrader(["grade", subs, "--out", path.join(work, "out"), "--jobs", "2"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 15 * 60 * 1000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const grade = (sub: string) => JSON.parse(fs.readFileSync(path.join(work, "out", sub, "grade.json"), "utf8"));
    const solution = grade("solution");
    assert.equal(solution.homework, name);
    assert.equal(
      solution.score,
      solution.maxScore,
      JSON.stringify(
        solution.tests.filter((t: { score: number; max_score: number }) => t.score < t.max_score),
        null,
        1,
      ),
    );
    assert.deepEqual(solution.problems, []);
    assert.deepEqual(solution.unanswered, []);
    // The TAs' file of each written question starts with its rubric and model answer.
    const writtenFiles = fs.readdirSync(path.join(work, "out", "written"));
    for (const f of writtenFiles) assert.match(fs.readFileSync(path.join(work, "out", "written", f), "utf8"), /Rubric[\s\S]*\*\*Model answer/, f);
    assert.ok(writtenFiles.length > 0, "no written/*.md files");
    const untouched = grade("untouched");
    assert.equal(untouched.score, 0);
    for (const t of untouched.tests) assert.match(t.output, /not implemented/, t.name);
    // Unanswered written questions are flagged for the student and in the gradebook.
    const written = solutionNb.metadata.mtl.homework.questions.filter((q: { written?: boolean }) => q.written).map((q: { id: string }) => q.id);
    assert.deepEqual(untouched.unanswered, written);
    for (const q of written) assert.match(fs.readFileSync(path.join(work, "out", "untouched", "feedback.md"), "utf8"), new RegExp(`- ${q}: no answer`));
  });
}
