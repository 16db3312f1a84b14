/**
 * A batch that never aborts and a reference the student cannot choose, without the kernel: the
 * batch runs with a stand-in reference run, and the real per-file grading for every submission that
 * is refused before any code runs (unreadable, a link, no homework). One submission whose grading
 * throws stands for any fault of the grader itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradeAll, writeClassFiles, type BatchFile } from "../../grader/src/commands/grade";
import { gradeSubmission, identifyHomework, newGradeResult, knownHomeworks, type GradeOptions, type GradeResult } from "../../grader/src/grade-submission";
import { parseNotebook, readSubmissionText } from "../../grader/src/notebook";
import { readFinishedResult, writeResult } from "../../grader/src/results";

const ROOT = path.resolve(__dirname, "..", "..");
const known = knownHomeworks(path.join(ROOT, "solutions"));
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(ROOT, rel), "utf8"));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-robust-batch-"));

/** A stand-in for a graded run: records which solution it was given, scores nothing. */
function fakeResult(file: string, o: GradeOptions): GradeResult {
  return newGradeResult({
    submission: path.basename(file),
    homework: path.basename(o.solution, ".ipynb"),
    score: 1,
    maxScore: 16,
    problems: [`graded against ${o.solution}`],
    written: { "4a": "my answer" },
  });
}

test("one bad submission never aborts the batch: each fault becomes that submission's result, and the class files are written", async () => {
  const dir = tmp();
  const subs = path.join(dir, "subs");
  const out = path.join(dir, "out");
  fs.mkdirSync(subs);
  const hw1 = read("homework/hw1.ipynb");
  const hw2 = read("homework/hw2.ipynb");
  const write = (name: string, nb: unknown) => fs.writeFileSync(path.join(subs, name), typeof nb === "string" ? nb : JSON.stringify(nb));
  write("null-cell.ipynb", { ...hw1, cells: [hw1.cells[0], null, ...hw1.cells.slice(1)] });
  // Claims a homework that does not exist, and its file name names none: matched by its content.
  write("claims-unknown.ipynb", { ...hw1, metadata: { ...hw1.metadata, mtl: { homework: { name: "hw99", questions: [] } } } });
  // Claims nothing and matches nothing: reported, not guessed.
  write("unrelated.ipynb", {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { mtl: { homework: { name: "hw99" } } },
    cells: [{ cell_type: "code", source: "1 + 1", metadata: {} }],
  });
  // An honest notebook saved under another name, without the kit's notebook metadata.
  write("my_notebook.ipynb", { ...hw2, metadata: { kernelspec: hw2.metadata.kernelspec } });
  write("boom.ipynb", hw1);
  write("...ipynb", "{ not json");
  fs.symlinkSync(path.join(ROOT, "solutions", "hw1.ipynb"), path.join(subs, "hw1.ipynb"));
  // A run stopped between writing grade.json and results.json (the old order): not a finished result.
  fs.mkdirSync(path.join(out, "boom"), { recursive: true });
  fs.writeFileSync(path.join(out, "boom", "grade.json"), JSON.stringify({ submission: "boom.ipynb", score: 16, maxScore: 16, tests: [], problems: [] }));

  const references: string[] = [];
  const batch: BatchFile[] = fs
    .readdirSync(subs)
    .sort()
    .map((f) => ({ file: path.join(subs, f), source: f }));
  const results = await gradeAll(batch, out, {
    jobs: 2,
    force: false,
    seed: 1,
    known,
    limits: {},
    reference: async (solution) => {
      references.push(solution);
      if (solution.endsWith("hw2.ipynb")) throw new Error("the solution notebook itself fails");
      return {};
    },
    grade: async (file, o) => {
      const name = path.basename(file);
      if (name === "boom.ipynb") throw new TypeError("Cannot read properties of null (reading 'metadata')");
      if (name === "claims-unknown.ipynb") return fakeResult(file, o);
      return gradeSubmission(file, o);
    },
  });
  const failed = writeClassFiles(out, results);
  assert.deepEqual(failed, []);
  const by = (name: string) => results.find((r) => r.submission === name) as GradeResult;
  const problems = (name: string) => by(name).problems.join("\n");

  assert.equal(results.length, batch.length);
  assert.match(problems("null-cell.ipynb"), /cell 2 is null, not a cell/);
  assert.match(
    problems("claims-unknown.ipynb"),
    new RegExp(`graded against ${path.join(ROOT, "solutions", "hw1.ipynb").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
  );
  assert.match(problems("unrelated.ipynb"), /Cannot tell which homework this notebook is: its metadata names "hw99"/);
  assert.match(problems("my_notebook.ipynb"), /reference solution of hw2 could not be run, a fault of the grading setup/);
  assert.match(problems("boom.ipynb"), /The grader failed on this submission \(not a fault of the submission.*Cannot read properties of null/);
  assert.match(problems("hw1.ipynb"), /symbolic link/);
  assert.equal(by("hw1.ipynb").score, 0);
  assert.match(problems("...ipynb"), /not valid JSON/);
  // Only the course's solutions were ever run as references, each once.
  assert.deepEqual([...new Set(references)].sort(), references.slice().sort());
  for (const r of references) assert.ok([...known.values()].includes(r), r);

  // Every submission has its files, inside --out; nothing was written next to --out.
  for (const r of results)
    assert.ok(fs.existsSync(path.join(out, r.submission === "...ipynb" ? "_.." : r.submission.replace(/\.ipynb$/, ""), "results.json")), r.submission);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["out", "subs"]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "boom", "grade.json"), "utf8")).score, 0, "the half-written boom was regraded, not skipped");
  const gradebook = fs.readFileSync(path.join(out, "gradebook.csv"), "utf8").trim().split("\n");
  assert.equal(gradebook.length, batch.length + 1);
  assert.match(fs.readFileSync(path.join(out, "summary.md"), "utf8"), new RegExp(`${batch.length} submissions`));
  // Named hwN-<question>.md only when several homeworks of the batch have written answers.
  const answered = new Set(results.filter((r) => r.written["4a"] !== undefined).map((r) => r.homework));
  const written = fs.readdirSync(path.join(out, "written"));
  assert.ok(answered.size > 0);
  for (const h of answered) assert.ok(written.includes(answered.size > 1 ? `${h}-4a.md` : "4a.md"), written.join(", "));
  assert.equal(fs.readFileSync(path.join(out, "identities.csv"), "utf8").trim().split("\n").length, batch.length + 1);
});

test("the homework comes from the course's list: a submission naming a path or its own points is matched by content, never read as a reference", () => {
  const hw1 = read("homework/hw1.ipynb");
  const self = { ...hw1, metadata: { ...hw1.metadata, mtl: { homework: { name: "../../tmp/evil", questions: [{ id: "1a", points: 900 }] } } } };
  const id = identifyHomework(self, "evil.ipynb", known);
  assert.equal(id.name, "hw1");
  assert.match((id as { how: string }).how, /from its content \(\d+ of its cells are hw1's\)/);
  assert.equal(identifyHomework(read("homework/hw2.ipynb"), "hw1-copy.ipynb", known).name, "hw2", "the metadata's known name wins over the file name");
  assert.equal(identifyHomework(null, "alice_HW2.ipynb", known).name, "hw2");
  assert.match((identifyHomework(null, "my_notebook.ipynb", known) as { reason: string }).reason, /Cannot tell which homework/);
  assert.equal(identifyHomework(null, "my_notebook.ipynb", new Map([["hw1", "x"]])).name, "hw1", "one homework only: that one");
});

test("a notebook with null, numeric or malformed cells is refused with the cell's number", () => {
  const base = { nbformat: 4, nbformat_minor: 5, metadata: {} };
  assert.throws(() => parseNotebook(JSON.stringify({ ...base, cells: [null] }), "x.ipynb"), /x\.ipynb: cell 1 is null, not a cell/);
  assert.throws(() => parseNotebook(JSON.stringify({ ...base, cells: [{ cell_type: "code", source: "1", metadata: {} }, 7] })), /cell 2 is a number/);
  assert.throws(() => parseNotebook(JSON.stringify({ ...base, cells: [{ cell_type: "code", source: [1], metadata: {} }] })), /source that is not text/);
  assert.throws(
    () => parseNotebook(JSON.stringify({ ...base, cells: [{ cell_type: "code", source: "", metadata: { mtl: { id: 5 } } }] })),
    /without a text id/,
  );
  assert.throws(() => parseNotebook(JSON.stringify({ ...base, metadata: null, cells: [] })), /metadata that is not an object/);
});

test("submissions are read without following links: a link or a folder is refused", () => {
  const dir = tmp();
  fs.symlinkSync(path.join(ROOT, "solutions", "hw1.ipynb"), path.join(dir, "hw1.ipynb"));
  assert.throws(() => readSubmissionText(path.join(dir, "hw1.ipynb")), /symbolic link/);
  fs.mkdirSync(path.join(dir, "folder.ipynb"));
  assert.throws(() => readSubmissionText(path.join(dir, "folder.ipynb")), /not a regular file/);
  fs.writeFileSync(path.join(dir, "ok.ipynb"), "{}");
  assert.equal(readSubmissionText(path.join(dir, "ok.ipynb")), "{}");
  assert.throws(() => readSubmissionText(path.join(dir, "ok.ipynb"), 1), /over the/);
});

test("grade.json, the resume marker, is written last: a stop before it leaves a submission that is regraded", () => {
  const dir = tmp();
  const r = newGradeResult({ submission: "a.ipynb", homework: "hw1", score: 3, maxScore: 16, seconds: 1 });
  // results.json cannot be written (a folder stands in its place): the stop happens there.
  fs.mkdirSync(path.join(dir, "results.json"));
  assert.throws(() => writeResult(dir, r));
  assert.equal(fs.existsSync(path.join(dir, "grade.json")), false, "no marker without results.json");
  assert.equal(readFinishedResult(dir), null);
  fs.rmdirSync(path.join(dir, "results.json"));
  writeResult(dir, r);
  assert.equal(readFinishedResult(dir)?.score, 3);
  // A marker left by an older grader without results.json is not trusted either.
  fs.rmSync(path.join(dir, "results.json"));
  assert.equal(readFinishedResult(dir), null);
});
