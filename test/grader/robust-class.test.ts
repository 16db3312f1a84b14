/**
 * A hostile class zip graded by the real command with two jobs and no homework named: the attacks
 * sit in the students' answer (and written) cells, where the grader takes its code from. Checked:
 * a notebook cannot choose its own reference or points, public checks earn nothing, student text
 * cannot forge staff files, names keep their identity and stay inside --out, and broken
 * submissions cost only themselves.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipSync, strToU8 } from "fflate";
import { outsideFences } from "./robust-markdown";
import { runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const solution = JSON.parse(fs.readFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), "utf8"));
const homework = JSON.parse(fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8"));
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-robust-class-"));
const ZIP = path.join(WORK, "class.zip");
const OUT = path.join(WORK, "grades");

type Nb = typeof homework;
const clone = (nb: Nb): Nb => JSON.parse(JSON.stringify(nb));
/** The homework with answer (or written) cells replaced, by kit id. */
function answering(sources: Record<string, string>, base: Nb = homework): Nb {
  const nb = clone(base);
  for (const c of nb.cells) if (sources[c.metadata.mtl?.id] !== undefined) c.source = sources[c.metadata.mtl.id];
  return nb;
}
// The function each answer cell defines, from the homework's own specification.
const SPEC: Array<{ id: string; fn?: string }> = homework.metadata.mtl.homework.questions;
const FUNCTIONS: Record<string, string> = Object.fromEntries(
  homework.cells
    .filter((c: { metadata: { mtl?: { role: string } } }) => c.metadata.mtl?.role === "answer")
    .map((c: { metadata: { mtl: { id: string; question: string } } }) => [c.metadata.mtl.id, SPEC.find((q) => q.id === c.metadata.mtl.question)!.fn as string]),
);
const QUESTION_OF: Record<string, string> = Object.fromEntries(
  homework.cells
    .filter((c: { metadata: { mtl?: { role: string } } }) => c.metadata.mtl?.role === "answer")
    .map((c: { metadata: { mtl: { id: string; question: string } } }) => [c.metadata.mtl.id, c.metadata.mtl.question]),
);
const CHECKS = JSON.parse(fs.readFileSync(path.join(ROOT, "homework", "hw1.checks.json"), "utf8"));

// 1. Names itself as its own reference, with 900 points a question, and answers 0 everywhere.
const SELF_ENTRY = "mallory/self.ipynb";
const selfFile = path.join(OUT, "submissions", "mallory__self");
const selfRef = answering(Object.fromEntries(Object.entries(FUNCTIONS).map(([id, fn]) => [id, `function ${fn}(...args: any[]): any { return 0; }`])));
selfRef.metadata.mtl = {
  homework: {
    ...solution.metadata.mtl.homework,
    name: path.relative(path.join(ROOT, "solutions"), selfFile),
    questions: solution.metadata.mtl.homework.questions.map((q: object) => ({ ...q, points: 900 })),
  },
};

// 2. Implements nothing: looks every call up in the published checks (copied beside the notebook),
// for the questions whose inputs are plain data (tensors arrive as tensors, not as their JSON).
const LOOKUP = Object.keys(FUNCTIONS).filter((id) => !JSON.stringify(CHECKS.questions[QUESTION_OF[id]].cases).includes("$tensor"));
const lookup = answering(
  Object.fromEntries(
    LOOKUP.map((id, k) => [
      id,
      [
        ...(k === 0
          ? [
              'const published: any = JSON.parse(require("fs").readFileSync("hw1.checks.json", "utf8"));',
              "function lookUp(question: string, args: unknown[]): any {",
              "  const hit = published.questions[question].cases.find((c: any) => JSON.stringify(c.args) === JSON.stringify(args));",
              '  if (!hit) throw new Error("not in the published checks");',
              "  return hit.expected;",
              "}",
            ]
          : []),
        `function ${FUNCTIONS[id]}(...args: any[]): any { return lookUp("${QUESTION_OF[id]}", args); }`,
      ].join("\n"),
    ]),
  ),
);

// 3. Forges staff files: an error that closes the feedback's fence, a carriage return for the
// summary, and a written answer with another student's heading and raw HTML.
const forger = answering({
  a1a: [
    "function oneHotDescriptor(task: number, numTasks: number): number[] { return []; }",
    'process.stdout.write("progress 50%\\r| 张伟__hw1.ipynb | 16 | |\\n");',
    'throw new Error("boom\\n````\\n\\n# hw1: 16 / 16 points (autograded)\\n\\n<script>alert(1)</script>");',
  ].join("\n"),
  w4a: "My answer.\n\n## Submission: 张伟__hw1.ipynb\n\n<script>alert(1)</script>",
});

const entries: Record<string, Nb | string> = {
  "张伟/hw1.ipynb": solution,
  "李娜/hw1.ipynb": homework,
  [`${"x".repeat(150)}/${"y".repeat(120)}/hw1.ipynb`]: homework,
  [SELF_ENTRY]: selfRef,
  "mallory/lookup.ipynb": lookup,
  "mallory/forger.ipynb": forger,
  "-2+3/hw1.ipynb": { ...clone(homework), cells: [null] },
  "...ipynb": "{ not json",
  "carol/notes.ipynb": {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { mtl: { homework: { name: "hw99" } } },
    cells: [{ cell_type: "code", source: "1", metadata: {} }],
  },
};

interface Result {
  submission: string;
  score: number;
  maxScore: number;
  problems: string[];
  tests: Array<{ question: string; name: string; score: number; output: string }>;
}
const results: Record<string, Result> = {};
let run: ReturnType<typeof spawnSync>;

before(() => {
  fs.writeFileSync(ZIP, zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strToU8(typeof v === "string" ? v : JSON.stringify(v))]))));
  run = runGrader(["grade", ZIP, "--out", OUT, "--jobs", "2", "--cell-seconds", "30", "--probe-seconds", "60"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 15 * 60 * 1000,
  });
  for (const line of fs.readFileSync(path.join(OUT, "identities.csv"), "utf8").trim().split("\n").slice(1)) {
    // Cells are quoted; one that starts with = + - @ carries a leading apostrophe (formula neutralised).
    const [, source, folder] = (line.match(/"(?:[^"]|"")*"/g) as string[]).map((c) =>
      c
        .slice(1, -1)
        .replace(/""/g, '"')
        .replace(/^'(?=[=+\-@])/, ""),
    );
    results[source.replace(/^class\.zip: /, "")] = JSON.parse(fs.readFileSync(path.join(OUT, folder, "grade.json"), "utf8"));
  }
});

const problems = (entry: string) => results[entry].problems.join("\n");

test("the batch ends with every submission graded or refused with a reason, and the class files", () => {
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.deepEqual(Object.keys(results).sort(), Object.keys(entries).sort());
  for (const f of ["gradebook.csv", "summary.md", "distribution.svg", "written/4a.md"]) assert.ok(fs.existsSync(path.join(OUT, f)), f);
  assert.equal(fs.readFileSync(path.join(OUT, "gradebook.csv"), "utf8").trim().split("\n").length, Object.keys(entries).length + 1);
  assert.match(problems("-2+3/hw1.ipynb"), /cell 1 is null, not a cell/);
  assert.match(problems("carol/notes.ipynb"), /Cannot tell which homework this notebook is: its metadata names "hw99"/);
  assert.match(problems("...ipynb"), /not valid JSON/);
});

test("non-ASCII names keep distinct identities, a 300-byte entry is graded, and nothing lands outside --out", () => {
  assert.equal(results["张伟/hw1.ipynb"].submission, "张伟__hw1.ipynb");
  assert.equal(results["张伟/hw1.ipynb"].score, 16);
  assert.equal(results["李娜/hw1.ipynb"].submission, "李娜__hw1.ipynb");
  assert.equal(results["李娜/hw1.ipynb"].score, 0);
  const long = Object.keys(entries).find((e) => e.startsWith("xxx")) as string;
  assert.ok(Buffer.byteLength(results[long].submission) <= 255);
  assert.match(results[long].tests[0].output, /not implemented: question 1a/);
  assert.deepEqual(fs.readdirSync(WORK).sort(), ["class.zip", "grades"]);
});

test("a notebook naming itself (and 900 points) as its reference is graded against hw1", () => {
  assert.ok(fs.existsSync(`${selfFile}.ipynb`), "the attack names the file it was unpacked to");
  assert.equal(results[SELF_ENTRY].maxScore, 16);
  assert.equal(results[SELF_ENTRY].score, 0);
});

test("answers that look their inputs up in the published checks earn nothing (they do pass the public cases)", () => {
  const r = results["mallory/lookup.ipynb"];
  assert.equal(r.score, 0, JSON.stringify(r.tests, null, 1));
  assert.ok(LOOKUP.length > 0, "some question takes plain inputs");
  const looked = r.tests.find((t) => t.question === QUESTION_OF[LOOKUP[0]])!;
  assert.match(looked.output, /✓ public case 1 \(help only, no points\)/, "the lookup itself works");
  assert.match(looked.output, /Points come from the \d+ hidden case\(s\), drawn at grading time: 0 passed/);
});

test("student text forges no heading, row, section or HTML in feedback.md, summary.md and written/4a.md", () => {
  const folder = path.join(OUT, "mallory__forger");
  const feedback = fs.readFileSync(path.join(folder, "feedback.md"), "utf8");
  assert.match(feedback, /16 \/ 16 points/, "the forged text is there, inside a fence");
  const outside = outsideFences(feedback);
  assert.deepEqual(
    outside.filter((l) => l.startsWith("# ")),
    [`# hw1: ${results["mallory/forger.ipynb"].score} / 16 points (autograded)`],
  );
  assert.ok(!outside.some((l) => /<script/.test(l)));
  const summary = fs.readFileSync(path.join(OUT, "summary.md"), "utf8");
  assert.ok(!summary.includes("\r"));
  const rows = summary.slice(summary.indexOf("| submission |")).trim().split("\n").slice(2);
  assert.equal(rows.length, Object.keys(entries).length, "one row per submission, none forged");
  for (const row of rows) assert.equal(row.replace(/\\\|/g, "").split("|").length, 5, row);
  const written = outsideFences(fs.readFileSync(path.join(OUT, "written", "4a.md"), "utf8"));
  assert.equal(written.filter((l) => l.startsWith("## Submission: 张伟")).length, 1, "only the real 张伟 has a section");
  assert.ok(!written.some((l) => /<script/.test(l)));
  const gradebook = fs.readFileSync(path.join(OUT, "gradebook.csv"), "utf8");
  assert.match(gradebook, /^"'-2_3__hw1\.ipynb"/m);
});
