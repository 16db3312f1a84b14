/**
 * `validate`, the student's pre-submit check, against the grader: on the same submissions, every
 * question's public verdict is the same in both (they share gradeNotebook); validate fails the
 * untouched homework and passes the solution; it flags unanswered written questions, stubs left
 * in place and notebooks changed since Jupyter's last save.
 *
 * The homework is generated into a temporary course from the current solution, so the test does
 * not depend on the committed homework files being regenerated.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateHomework } from "../../grader/src/commands/make-homework";
import { checkpointWarning, validateNotebook, type Validation } from "../../grader/src/commands/validate";
import { computeReference, gradeSubmission, type GradeResult } from "../../grader/src/grade-submission";

const ROOT = path.resolve(__dirname, "..", "..");
const COURSE = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-validate-course-"));
const SOLUTION = path.join(COURSE, "solutions", "hw1.ipynb");
const SUBS = path.join(COURSE, "submissions");

type Nb = { metadata: Record<string, any>; cells: Array<{ source: string | string[]; metadata: { mtl?: { id: string; role: string; question?: string } } }> };
const read = (f: string): Nb => JSON.parse(fs.readFileSync(f, "utf8"));
const withCell = (nb: Nb, id: string, source: string): Nb => {
  const copy: Nb = JSON.parse(JSON.stringify(nb));
  copy.cells.find((c) => c.metadata.mtl?.id === id)!.source = source;
  return copy;
};

const validations: Record<string, Validation> = {};
const grades: Record<string, GradeResult> = {};

before(async () => {
  for (const dir of ["solutions", "homework", "submissions"]) fs.mkdirSync(path.join(COURSE, dir));
  fs.copyFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), SOLUTION);
  fs.copyFileSync(path.join(ROOT, "solutions", "hw1.inputs.ts"), path.join(COURSE, "solutions", "hw1.inputs.ts"));
  // As in a course folder: the packages (the course library and the grader) beside it.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(COURSE, "node_modules"), "dir");
  for (const [file, text] of Object.entries(await generateHomework(SOLUTION))) fs.writeFileSync(file, text);

  const solved = read(SOLUTION);
  const homework = read(path.join(COURSE, "homework", "hw1.ipynb"));
  const firstAnswer = solved.cells.find((c) => c.metadata.mtl?.role === "answer")!;
  const fn = (homework.metadata.mtl.homework.questions as Array<{ id: string; fn?: string }>).find((q) => q.id === firstAnswer.metadata.mtl!.question)!.fn!;
  const submissions: Record<string, Nb> = {
    solution: solved,
    untouched: homework,
    // A function that returns the wrong thing for the first question; the rest correct.
    "wrong-first": withCell(solved, firstAnswer.metadata.mtl!.id, `function ${fn}(...args: any[]): any { return [42]; }`),
    "deleted-answer": { ...solved, cells: solved.cells.filter((c) => c !== firstAnswer) },
    "process-exit": withCell(solved, firstAnswer.metadata.mtl!.id, [].concat(firstAnswer.source as never).join("") + "\nprocess.exit(0);"),
  };
  for (const [name, nb] of Object.entries(submissions)) fs.writeFileSync(path.join(SUBS, `${name}.ipynb`), JSON.stringify(nb));
  const seed = 11;
  const reference = await computeReference(SOLUTION, seed);
  for (const name of Object.keys(submissions)) {
    const file = path.join(SUBS, `${name}.ipynb`);
    validations[name] = await validateNotebook(file, COURSE);
    grades[name] = await gradeSubmission(file, { solution: SOLUTION, seed, reference });
  }
});

test("validate and the grader agree on every question's public verdict, submission by submission", () => {
  for (const name of Object.keys(grades)) {
    const v = validations[name].result;
    assert.ok(v, `${name}: validate ran the notebook (${validations[name].problems.join("; ")})`);
    const verdicts = (r: GradeResult) => Object.fromEntries(r.tests.map((t) => [t.question, t.publicPassed]));
    assert.deepEqual(verdicts(v), verdicts(grades[name]), name);
  }
  // The verdicts are not all alike: the test would show nothing if they were.
  assert.ok(Object.values(grades.solution.tests).every((t) => t.publicPassed));
  assert.ok(grades["wrong-first"].tests.some((t) => !t.publicPassed) && grades["wrong-first"].tests.some((t) => t.publicPassed));
});

test("validate passes the solution and fails the untouched homework, one line per problem", () => {
  assert.deepEqual(validations.solution.problems, []);
  assert.equal(grades.solution.score, grades.solution.maxScore);
  const untouched = validations.untouched.problems;
  const homework = read(path.join(COURSE, "homework", "hw1.ipynb"));
  const questions = homework.metadata.mtl.homework.questions as Array<{ id: string; written?: boolean }>;
  for (const q of questions.filter((q) => q.written))
    assert.ok(untouched.includes(`written question ${q.id} is not answered`), `${q.id}: ${untouched.join("\n")}`);
  for (const c of homework.cells.filter((c) => c.metadata.mtl?.role === "answer"))
    assert.ok(
      untouched.some((p) => p.startsWith(`answer cell "${c.metadata.mtl!.id}"`) && /not filled in/.test(p)),
      c.metadata.mtl!.id,
    );
  for (const q of questions.filter((q) => !q.written))
    assert.ok(
      untouched.some((p) => p.startsWith(`question ${q.id} `) && /public checks fail/.test(p)),
      q.id,
    );
  for (const p of untouched) assert.doesNotMatch(p, /\n/);
  assert.ok(validations["deleted-answer"].problems.some((p) => /was deleted/.test(p)));
});

test("the validate verb exits 1 with one line per problem, and 0 on the solution", () => {
  const bin = path.join(ROOT, "grader", "bin", "mtl-grader.js");
  const bad = spawnSync(process.execPath, [bin, "validate", path.join(SUBS, "wrong-first.ipynb"), "--course", COURSE], {
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  const lines = bad.stdout.trim().split("\n");
  assert.equal(lines.filter((l) => /: problem: /.test(l)).length, validations["wrong-first"].problems.length);
  const good = spawnSync(process.execPath, [bin, "validate", path.join(SUBS, "solution.ipynb"), "--course", COURSE], {
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /every public check passes/);
  const missing = spawnSync(process.execPath, [bin, "validate", path.join(SUBS, "nope.ipynb"), "--course", COURSE], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /nope\.ipynb does not exist/);
});

test("a notebook that differs from Jupyter's checkpoint of the last save gets a warning; an identical one does not", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-checkpoint-"));
  const file = path.join(dir, "hw1.ipynb");
  const nb = read(path.join(COURSE, "homework", "hw1.ipynb"));
  fs.writeFileSync(file, JSON.stringify(nb));
  assert.equal(checkpointWarning(file), null, "no checkpoint, no warning");
  fs.mkdirSync(path.join(dir, ".ipynb_checkpoints"));
  // The checkpoint holds the same cells with other outputs and formatting: still the same save.
  fs.writeFileSync(path.join(dir, ".ipynb_checkpoints", "hw1-checkpoint.ipynb"), JSON.stringify(nb, null, 2));
  assert.equal(checkpointWarning(file), null);
  fs.writeFileSync(file, JSON.stringify(withCell(nb, nb.cells.find((c) => c.metadata.mtl?.role === "answer")!.metadata.mtl!.id, "// changed by autosave")));
  assert.match(checkpointWarning(file) ?? "", /differs from Jupyter's checkpoint of your last save.*Ctrl-S/);
});
