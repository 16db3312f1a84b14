/**
 * The grader end to end: a folder of submissions (the solution, the untouched homework, and every
 * kind of bad input) graded by the real command with two jobs; then each result is checked. A
 * submission must never score more than it earns, and every problem must come with a clear message.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const solution = JSON.parse(fs.readFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), "utf8"));
const homework = JSON.parse(fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8"));
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-grader-test-"));
const SUBS = path.join(WORK, "submissions");
const OUT = path.join(WORK, "grades");
const MAX = 16;

type Nb = typeof solution;
const clone = (nb: Nb): Nb => JSON.parse(JSON.stringify(nb));
const cellIndex = (nb: Nb, id: string) => nb.cells.findIndex((c: { metadata: { mtl?: { id: string } } }) => c.metadata.mtl?.id === id);
/** The solution with one cell's source replaced. */
function withCell(id: string, source: string, base: Nb = solution): Nb {
  const nb = clone(base);
  nb.cells[cellIndex(nb, id)].source = source;
  return nb;
}
/** The solution with extra code added to the end of answer cell 1a (the rest stays correct). */
const after1a = (code: string) => withCell("a1a", [].concat(solution.cells[cellIndex(solution, "a1a")].source).join("") + "\n" + code);

const variants: Record<string, Nb | string> = {
  solution: solution,
  "solution-copy": clone(solution),
  stub: homework,
  "invalid-json": '{"cells": [ this is not json',
  nbformat3: JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }], metadata: {} }),
  "no-kernelspec": (() => {
    const nb = clone(solution);
    delete nb.metadata.kernelspec;
    return nb;
  })(),
  "wrong-kernel": (() => {
    const nb = clone(solution);
    nb.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" };
    return nb;
  })(),
  "no-cells": (() => {
    const nb = clone(solution);
    nb.cells = [];
    return nb;
  })(),
  "deleted-answer": (() => {
    const nb = clone(solution);
    nb.cells.splice(cellIndex(nb, "a2b"), 1);
    return nb;
  })(),
  reordered: (() => {
    const nb = clone(solution);
    nb.cells.reverse();
    return nb;
  })(),
  duplicated: (() => {
    const nb = clone(solution);
    nb.cells.push(clone(nb.cells[cellIndex(nb, "a1a")]));
    return nb;
  })(),
  "edited-locked": withCell("setup", 'import * as tf from "@tensorflow/tfjs";\nimport * as mtl from "mtl-kit";\nconst check = async () => true;'),
  "infinite-loop": withCell("a1a", "function oneHotDescriptor(task: number, numTasks: number): number[] {\n  while (true) {}\n}\noneHotDescriptor(0, 1);"),
  "process-exit": after1a("process.exit(0);"),
  "uncaught-exception": after1a('setTimeout(() => { throw new Error("boom"); }, 0);\nawait new Promise((r) => setTimeout(r, 50));'),
  "unhandled-rejection": after1a('Promise.reject(new Error("nobody catches me"));\nawait new Promise((r) => setTimeout(r, 50));'),
  "memory-bomb": after1a("const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(1e6).fill(1));"),
  "huge-output": after1a('const line = "x".repeat(1000);\nfor (let i = 0; i < 100000; i++) console.log(line);'),
  "reads-solutions": after1a(
    `const stolen = require("fs").readFileSync(${JSON.stringify(path.join(ROOT, "solutions", "hw1.ipynb"))}, "utf8");\nconsole.log(stolen.length);`,
  ),
  "writes-outside": after1a(`require("fs").writeFileSync(${JSON.stringify(path.join(WORK, "pwned.txt"))}, "x");`),
  "spawns-process": after1a('require("child_process").execSync("echo spawned > /dev/null");'),
  "overrides-globals": withCell(
    "a1a",
    [
      "function oneHotDescriptor(task: number, numTasks: number): number[] { return []; }",
      "Math.abs = () => 0;",
      "JSON.stringify = () => '\"ok\"';",
      "console.log = () => {};",
      "(Object.prototype as any).toJSON = function () { return [1, 0]; };",
      "(mtl.grading as any).difference = () => null;",
      "(mtl.grading as any).checker = () => async () => true;",
    ].join("\n"),
    homework,
  ),
  "fake-grader-output": withCell(
    "a1a",
    'console.log(\'{"score": 16, "tests": [{"name": "1a", "score": 1, "status": "passed"}]}\');\nconsole.log("✓ 1a: 5 public check(s) passed");',
    homework,
  ),
  "forges-probe-results": withCell(
    "a1a",
    [
      "function oneHotDescriptor(task: number, numTasks: number): number[] { return [1]; }",
      'process.on("message", (m: any) => { if (m.type === "probe") (process as any).send({ type: "probe-result", key: m.key, ok: true, value: "passed" }); });',
    ].join("\n"),
    homework,
  ),
};

const results: Record<
  string,
  { score: number; maxScore: number; problems: string[]; tests: Array<{ question: string; name: string; score: number; output: string }> }
> = {};
let gradebook = "";

before(() => {
  fs.mkdirSync(SUBS, { recursive: true });
  for (const [name, nb] of Object.entries(variants)) fs.writeFileSync(path.join(SUBS, `${name}.ipynb`), typeof nb === "string" ? nb : JSON.stringify(nb));
  // A cell limit well above the setup cell's start-up on a loaded machine (loading TensorFlow.js
  // took over 8 s with other work running), so that only the hanging cell meets it.
  const r = runGrader(
    ["grade", SUBS, "--out", OUT, "--jobs", "2", "--cell-seconds", "30", "--probe-seconds", "20", "--solution", path.join(ROOT, "solutions", "hw1.ipynb")],
    { cwd: ROOT, encoding: "utf8", timeout: 15 * 60 * 1000 },
  );
  assert.equal(r.status, 0, `grading failed:\n${r.stdout}\n${r.stderr}`);
  for (const name of Object.keys(variants)) results[name] = JSON.parse(fs.readFileSync(path.join(OUT, name, "grade.json"), "utf8"));
  gradebook = fs.readFileSync(path.join(OUT, "gradebook.csv"), "utf8");
});

const score = (name: string) => results[name].score;
const q = (name: string, id: string) => results[name].tests.find((t) => t.question === id)!;
const problems = (name: string) => results[name].problems.join("\n");

test("the solution grades 100%, twice the same; the untouched homework grades 0 with 'not implemented'", () => {
  assert.equal(score("solution"), MAX);
  assert.equal(score("solution-copy"), MAX);
  assert.equal(score("stub"), 0);
  assert.match(q("stub", "1a").output, /not implemented: question 1a/);
});

test("unreadable notebooks get a clear message and zero", () => {
  assert.equal(score("invalid-json"), 0);
  assert.match(problems("invalid-json"), /not valid JSON/);
  assert.equal(score("nbformat3"), 0);
  assert.match(problems("nbformat3"), /nbformat 3/);
  assert.equal(score("no-cells"), 0);
  assert.match(problems("no-cells"), /no cells/);
});

test("a missing or wrong kernelspec is reported and graded with tslab anyway", () => {
  assert.equal(score("no-kernelspec"), MAX);
  assert.match(problems("no-kernelspec"), /names no kernel/);
  assert.equal(score("wrong-kernel"), MAX);
  assert.match(problems("wrong-kernel"), /python3/);
});

test("cells are found by id: deleted, reordered and duplicated cells", () => {
  assert.equal(q("deleted-answer", "2b").score, 0);
  assert.equal(score("deleted-answer"), MAX - 2);
  assert.match(problems("deleted-answer"), /answer cell "a2b" \(question 2b\) was deleted/);
  assert.equal(score("reordered"), MAX);
  assert.equal(score("duplicated"), MAX);
  assert.match(problems("duplicated"), /"a1a" appears more than once/);
});

test("an edited locked cell is restored and reported", () => {
  assert.equal(score("edited-locked"), MAX);
  assert.match(problems("edited-locked"), /locked cell "setup" was edited; the original was restored/);
});

test("a hanging, exiting, crashing or memory-hungry cell costs only its own question", () => {
  for (const name of ["infinite-loop", "process-exit", "uncaught-exception", "unhandled-rejection", "memory-bomb"]) {
    assert.ok(score(name) >= MAX - 1, `${name}: ${score(name)} (${problems(name)})`);
    assert.ok(score(name) <= MAX);
  }
  assert.equal(q("infinite-loop", "1a").score, 0);
  assert.match(problems("infinite-loop"), /did not finish within 30 s/);
  assert.match(problems("process-exit"), /stopped the grading process/);
  assert.match(problems("memory-bomb"), /stopped the grading process/);
});

test("100 MB of printed output is capped and grading goes on", () => {
  assert.equal(score("huge-output"), MAX);
  const size = fs.statSync(path.join(OUT, "huge-output", "feedback.md")).size;
  assert.ok(size < 200_000, `feedback is ${size} bytes`);
});

test("a submission cannot read solutions, write outside its scratch folder, or start processes", () => {
  for (const name of ["reads-solutions", "writes-outside", "spawns-process"]) {
    assert.match(problems(name), /ERR_ACCESS_DENIED|Access to this API has been restricted/, name);
    assert.ok(score(name) <= MAX);
  }
  assert.equal(fs.existsSync(path.join(WORK, "pwned.txt")), false);
});

test("overriding globals and the check helpers, printing fake grader output or forging results gains nothing", () => {
  assert.equal(score("overrides-globals"), 0);
  assert.equal(score("fake-grader-output"), 0);
  assert.equal(score("forges-probe-results"), 0);
});

test("results.json follows Gradescope's schema with scores within bounds; the gradebook lists everyone", () => {
  for (const name of Object.keys(variants)) {
    const r = JSON.parse(fs.readFileSync(path.join(OUT, name, "results.json"), "utf8"));
    assert.equal(typeof r.score, "number");
    assert.ok(r.score >= 0 && r.score <= MAX && !Number.isNaN(r.score));
    assert.equal(r.output_format, "text");
    for (const t of r.tests) {
      assert.ok(["passed", "failed"].includes(t.status));
      assert.ok(t.score >= 0 && t.score <= t.max_score);
      assert.equal(typeof t.name, "string");
      assert.equal(t.visibility, "visible");
    }
  }
  assert.equal(gradebook.trim().split("\n").length, Object.keys(variants).length + 1);
  assert.match(fs.readFileSync(path.join(OUT, "written", "4a.md"), "utf8"), /Write your answer here/);
  assert.match(fs.readFileSync(path.join(OUT, "summary.md"), "utf8"), /submissions, mean/);
  const svg = fs.readFileSync(path.join(OUT, "distribution.svg"), "utf8");
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bars = [...svg.matchAll(/<title>[^<]*: (\d+)<\/title>/g)].map((m) => Number(m[1]));
  assert.equal(bars.length, 10);
  assert.equal(
    bars.reduce((a, b) => a + b, 0),
    Object.keys(variants).length,
  );
  assert.equal(bars[9], Object.values(results).filter((r) => r.score >= 0.9 * MAX).length);
});

test("a re-run resumes: graded submissions are skipped, and manual scores merge into the gradebook", () => {
  const manual = path.join(WORK, "manual.csv");
  fs.writeFileSync(manual, "submission,question,score\nsolution.ipynb,4a,2\nsolution.ipynb,4b,1.5\n");
  const r = runGrader(["grade", SUBS, "--out", OUT, "--manual", manual, "--solution", path.join(ROOT, "solutions", "hw1.ipynb")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stdout.match(/^skip /gm) ?? []).length, Object.keys(variants).length);
  const row = fs
    .readFileSync(path.join(OUT, "gradebook.csv"), "utf8")
    .split("\n")
    .find((l) => l.startsWith('"solution.ipynb"'))!;
  assert.match(row, /,2,1\.5,16,19\.5,/);
});
