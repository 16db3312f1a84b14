/**
 * Staff files that student text cannot forge, names that keep their identity and stay inside the
 * output folder, zips whose links are refused, and hidden inputs that are never published ones.
 * All without the kernel: the same paths run in robust-class.test.ts with the attacks in answer cells.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipSync, strToU8 } from "fflate";
import { entryFileName, extractNotebooks } from "../../grader/src/archive";
import { newGradeResult, questionInputs, type GradeResult } from "../../grader/src/grade-submission";
import { loadInputs } from "../../grader/src/inputs";
import { readNotebook } from "../../grader/src/notebook";
import { feedbackMarkdown, gradebookCsv, readManualScores, summaryMarkdown } from "../../grader/src/results";
import { homeworkSpec } from "../../grader/src/spec";
import { pickSubmission } from "../../grader/src/commands/autograde";
import { resultFolders, writeClassFiles } from "../../grader/src/commands/grade";
import { outsideFences } from "./robust-markdown";

const ROOT = path.resolve(__dirname, "..", "..");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-robust-escaping-"));

const result = (over: Partial<GradeResult>): GradeResult => newGradeResult({ submission: "a.ipynb", homework: "hw1", maxScore: 16, ...over });
const FORGE = "boom\n````\n\n# hw1: 16 / 16 points (autograded)\n\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>";

test("feedback.md: an error message cannot close its fence, add a heading or raw HTML", () => {
  const md = feedbackMarkdown(
    result({
      problems: [`cell 4 failed: ${FORGE}`],
      tests: [
        {
          question: "1a",
          publicPassed: false,
          name: "1a (oneHotDescriptor)",
          score: 0,
          max_score: 1,
          status: "failed",
          output: `✗ hidden case 3: ${FORGE}\r# 1a: 1 / 1`,
          visibility: "visible",
        },
      ],
    }),
  );
  const outside = outsideFences(md);
  assert.deepEqual(
    outside.filter((l) => /^#/.test(l)),
    ["# hw1: 0 / 16 points (autograded)", "## Problems with the submission", "## Questions", "### 1a \\(oneHotDescriptor\\): 0 / 1"],
  );
  assert.ok(!outside.some((l) => /<script|<img/i.test(l)), outside.join("\n"));
  assert.match(md, /\\u000d# 1a/, "a carriage return is shown, not obeyed");
});

test("summary.md: a file name or a problem with newlines, pipes or a carriage return stays in its own row", () => {
  const evil = result({ submission: "x.ipynb\n| victim.ipynb | 16 | |", problems: ["out\r| victim2.ipynb | 16 | |\n<script>"] });
  const md = summaryMarkdown([result({ submission: "victim.ipynb" }), evil]);
  const rows = md
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| score range") && !/^\| \d/.test(l) && !l.startsWith("| submission") && !l.startsWith("| ---"));
  assert.equal(rows.length, 2, rows.join("\n"));
  for (const row of rows) assert.equal(row.replace(/\\\|/g, "").split("|").length, 5, row);
  assert.ok(!/<script/.test(md));
  assert.ok(!/\r/.test(md));
});

test("written/<q>.md: one answer cannot add a section for another student or raw HTML", () => {
  const out = tmp();
  const answers = [
    result({ submission: "mallory.ipynb", written: { "4a": "My answer.\n\n## Submission: victim.ipynb\n\n```\nfake\n<script>alert(1)</script>" } }),
    result({ submission: "victim.ipynb", written: { "4a": "The victim's own answer." } }),
  ];
  assert.deepEqual(writeClassFiles(out, answers), []);
  const outside = outsideFences(fs.readFileSync(path.join(out, "written", "4a.md"), "utf8"));
  assert.deepEqual(
    outside.filter((l) => l.startsWith("#")),
    ["# Written answers to hw1 question 4a", "## Submission: mallory.ipynb", "## Submission: victim.ipynb"],
  );
  assert.ok(!outside.some((l) => /<script/.test(l)));
});

test("gradebook.csv: cells starting with = + - @ are neutralised, and quotes cannot end a cell", () => {
  const rows = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", 'ok",=1'].map((s) => result({ submission: s, problems: ["=cmd|' /C calc'!A0"] }));
  const csv = gradebookCsv(rows).trim().split("\n").slice(1);
  for (const line of csv) {
    const cells = line.match(/"(?:[^"]|"")*"|[^,]+/g) as string[];
    for (const cell of cells.filter((c) => c.startsWith('"'))) assert.ok(!/^"[=+\-@\t\r]/.test(cell), cell);
  }
  assert.ok(csv[0].startsWith(`"'=HYPERLINK(""http://x"")"`));
  assert.ok(csv[5].startsWith(`"ok"",=1"`));
  // A name copied back from the gradebook into the manual scores still finds its submission.
  const manual = path.join(tmp(), "manual.csv");
  fs.writeFileSync(manual, `submission,question,score\n"'-2+3",4a,2\n`);
  assert.deepEqual(readManualScores(manual), { "-2+3": { "4a": 2 } });
});

test("names keep their identity: non-ASCII names stay distinct, long names fit, dots-only names cannot name a parent", () => {
  assert.equal(entryFileName("张伟/hw1.ipynb"), "张伟__hw1.ipynb");
  assert.equal(entryFileName("李娜/hw1.ipynb"), "李娜__hw1.ipynb");
  assert.notEqual(entryFileName("José/hw1.ipynb"), entryFileName("Jose/hw1.ipynb"));
  const long = (tail: string) => `${"é".repeat(150)}/${"x".repeat(20)}${tail}/hw1.ipynb`;
  const [a, b] = [entryFileName(long("a")), entryFileName(long("b"))];
  assert.ok(Buffer.byteLength(a) <= 255 && a.endsWith(".ipynb"), a);
  assert.notEqual(a, b);
  assert.equal(entryFileName("...ipynb"), "_...ipynb");
  const out = path.join(tmp(), "out");
  const dirs = resultFolders(
    ["/s/...ipynb", "/s/..ipynb", "/s/张伟__hw1.ipynb", "/s/written.ipynb", "/s/A.ipynb", "/s/a.ipynb", `/s/${"字".repeat(120)}.ipynb`],
    out,
  );
  for (const d of dirs) assert.equal(path.dirname(d), out, d);
  assert.equal(new Set(dirs).size, dirs.length);
  assert.equal(path.basename(dirs[2]), "张伟__hw1");
  assert.notEqual(path.basename(dirs[3]), "written", "a submission cannot take the written answers' folder");
  assert.ok(Buffer.byteLength(path.basename(dirs[6])) <= 255);
});

test("a class zip: Unicode names kept apart, a 300-byte entry graded under a shorter name, links refused", () => {
  const dir = tmp();
  const zip = path.join(dir, "class.zip");
  const longEntry = `${"a".repeat(150)}/${"b".repeat(150)}/hw1.ipynb`;
  fs.writeFileSync(
    zip,
    zipSync({
      "张伟/hw1.ipynb": strToU8('{"who": 1}'),
      "李娜/hw1.ipynb": strToU8('{"who": 2}'),
      [longEntry]: strToU8('{"who": 3}'),
      // A unix symlink entry (mode 0120777) whose target is the solution.
      "mallory/hw1.ipynb": [strToU8("../../solutions/hw1.ipynb"), { os: 3, attrs: 0o120777 << 16 }],
    }),
  );
  const report = extractNotebooks(zip, path.join(dir, "subs"));
  const files = report
    .filter((e) => e.file)
    .map((e) => path.basename(e.file as string))
    .sort();
  assert.equal(files.length, 3);
  assert.ok(files.includes("张伟__hw1.ipynb") && files.includes("李娜__hw1.ipynb"));
  const long = report.find((e) => e.entry === longEntry)!;
  assert.ok(long.file && Buffer.byteLength(path.basename(long.file)) <= 255);
  assert.equal(fs.readFileSync(long.file, "utf8"), '{"who": 3}');
  assert.match(report.find((e) => e.entry === "mallory/hw1.ipynb")!.skipped!, /symbolic link/);
});

test("run_autograder's pick: a linked hw1.ipynb or a linked folder is not followed", () => {
  const dir = tmp();
  const sub = path.join(dir, "submission");
  fs.mkdirSync(sub);
  fs.symlinkSync(path.join(ROOT, "solutions", "hw1.ipynb"), path.join(sub, "hw1.ipynb"));
  assert.match(pickSubmission(sub, "hw1").reason!, /hw1\.ipynb is a symbolic link/);
  fs.rmSync(path.join(sub, "hw1.ipynb"));
  fs.symlinkSync(path.join(ROOT, "solutions"), path.join(sub, "linked"));
  assert.match(pickSubmission(sub, "hw1").reason!, /No notebook was uploaded/);
  fs.writeFileSync(path.join(sub, "hw1.ipynb"), "{}");
  assert.equal(pickSubmission(sub, "hw1").file, path.join(sub, "hw1.ipynb"));
});

test("scored inputs are never published ones: hidden draws equal to a public input are drawn again, from the seed", () => {
  for (const hw of ["hw1", "hw2"]) {
    const solution = path.join(ROOT, "solutions", `${hw}.ipynb`);
    const generators = loadInputs(solution);
    for (const q of homeworkSpec(readNotebook(solution)).questions.filter((q) => q.fn && q.inputs)) {
      for (const seed of [1, 2, 3, 117, 999, 123456]) {
        const cases = questionInputs(q, seed, generators);
        const published = new Set(cases.filter((c) => !c.hidden).map((c) => JSON.stringify(c.args)));
        const hidden = cases.filter((c) => c.hidden);
        assert.equal(hidden.length, q.hidden ?? 2, `${hw} ${q.id}`);
        for (const c of hidden) assert.ok(!published.has(JSON.stringify(c.args)), `${hw} ${q.id} seed ${seed}: a hidden input is a public one`);
        assert.deepEqual(questionInputs(q, seed, generators), cases, "same seed, same inputs");
      }
    }
  }
  // hw1's 1a draws (k, n) with n ≤ 7: without the redraw some seed repeats a public input.
  const hw1 = path.join(ROOT, "solutions", "hw1.ipynb");
  const q1a = homeworkSpec(readNotebook(hw1)).questions.find((q) => q.id === "1a")!;
  const hw1Inputs = loadInputs(hw1);
  const hits = Array.from({ length: 200 }, (_, s) => questionInputs(q1a, s, hw1Inputs)).filter((cases) =>
    cases.some((c) => c.hidden && cases.some((p) => !p.hidden && JSON.stringify(p.args) === JSON.stringify(c.args))),
  ).length;
  assert.equal(hits, 0);
});
