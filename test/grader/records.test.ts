/**
 * The grader's records without running kernels: CSV round trips (gradebook and manual-score
 * template → --manual), formula cells, the rubric at the top of written/<question>.md, the
 * homework metadata schema, question ids on every test result, and non-finite numbers in checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { showValue, difference, decodeJsonValue, encodeJsonValue } from "../../lib/grading";
import { writeClassFiles, wholeNumber, type WrittenQuestions } from "../../grader/src/commands/grade";
import { newGradeResult, type GradeResult, type TestResult } from "../../grader/src/grade-submission";
import { gradebookCsv, gradescopeJson, manualTemplateCsv, readCsv, readManualScores } from "../../grader/src/results";
import { parseHomeworkSpec } from "../../grader/src/spec";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-records-"));
const test1a = (score: number): TestResult => ({
  question: "1a",
  name: "1a (oneHotDescriptor)",
  score,
  max_score: 1,
  status: score ? "passed" : "failed",
  output: "",
  visibility: "visible",
  publicPassed: true,
});
const result = (over: Partial<GradeResult>): GradeResult =>
  newGradeResult({ submission: "a.ipynb", homework: "hw1", maxScore: 1, tests: [test1a(0)], ...over });

test("--manual reads the quoting its own gradebook writes: a name with a comma, and names a spreadsheet would run as formulas", () => {
  const names = ["Doe, Jane.ipynb", "=cmd.ipynb", "+1.ipynb", "-2.ipynb", "@x.ipynb", 'say "hi".ipynb'];
  const dir = tmp();
  const gradebook = path.join(dir, "gradebook.csv");
  fs.writeFileSync(gradebook, gradebookCsv(names.map((submission) => result({ submission }))));
  const rows = readCsv(gradebook);
  assert.deepEqual(
    rows.map((r) => r.submission),
    names,
    "the gradebook's names read back as written",
  );
  // A TA copies names from the gradebook into the manual scores, in a spreadsheet or by hand.
  const manual = path.join(dir, "manual.csv");
  fs.writeFileSync(
    manual,
    ["submission,question,score", '"Doe, Jane.ipynb",4a,2', ...rows.slice(1).map((r) => `"${r.submission.replace(/"/g, '""')}",4a,1`)].join("\n") + "\n",
  );
  const scores = readManualScores(manual);
  assert.deepEqual(Object.keys(scores).sort(), [...names].sort());
  assert.equal(scores["Doe, Jane.ipynb"]["4a"], 2);
  // And merged into the gradebook, under the same names.
  const merged = readCsv(
    (fs.writeFileSync(
      gradebook,
      gradebookCsv(
        names.map((submission) => result({ submission })),
        scores,
      ),
    ),
    gradebook),
  );
  assert.equal(merged.find((r) => r.submission === "Doe, Jane.ipynb")!["4a (manual)"], "2");
});

test("no CSV cell the grader writes starts with = + - @ (they could run as spreadsheet formulas)", () => {
  const csv = gradebookCsv([result({ submission: '=HYPERLINK("http://x")', problems: ["+1+1", "@SUM(A1)"] }), result({ submission: "-2+3" })]);
  for (const row of csv.trim().split("\n").slice(1))
    for (const cell of row.match(/"(?:[^"]|"")*"|[^,]+/g) ?? []) assert.doesNotMatch(cell.replace(/^"/, ""), /^[=+\-@]/, cell);
});

test("the manual-score template lists every submission × written question, and --manual reads it (empty scores are not graded yet)", () => {
  const dir = tmp();
  const results = [result({ submission: "Doe, Jane.ipynb", written: { "4a": "x", "4b": "" }, unanswered: ["4b"] }), result({ submission: "=evil.ipynb" })];
  const file = path.join(dir, "manual-scores.csv");
  fs.writeFileSync(
    file,
    manualTemplateCsv(results, () => ["4a", "4b"]),
  );
  const rows = readCsv(file);
  assert.deepEqual(Object.keys(rows[0]), ["submission", "question", "score", "comment"]);
  assert.equal(rows.length, 4);
  assert.equal(rows.find((r) => r.submission === "Doe, Jane.ipynb" && r.question === "4b")!.comment, "not answered");
  assert.deepEqual(readManualScores(file), {}, "nothing scored yet");
  // A TA fills in two scores; the rest stay empty.
  fs.writeFileSync(
    file,
    fs
      .readFileSync(file, "utf8")
      .replace('"Doe, Jane.ipynb","4a","",""', '"Doe, Jane.ipynb","4a","3","clear"')
      .replace(`"'=evil.ipynb","4b","",""`, `"'=evil.ipynb","4b","1.5","partly"`),
  );
  assert.deepEqual(readManualScores(file), { "Doe, Jane.ipynb": { "4a": 3 }, "=evil.ipynb": { "4b": 1.5 } });
});

test("a bad manual-score file is refused with every bad line named", () => {
  const file = path.join(tmp(), "bad.csv");
  fs.writeFileSync(file, "submission,question,score\na.ipynb,4a,two\n,4b,1\na.ipynb,4c,-1\n");
  assert.throws(
    () => readManualScores(file),
    (e: Error) => /line 2: score "two"/.test(e.message) && /line 3: submission and question/.test(e.message) && /line 4: score "-1"/.test(e.message),
  );
  fs.writeFileSync(file, "name,points\na,1\n");
  assert.throws(() => readManualScores(file), /header must name the columns submission, question, score, comment/);
  assert.throws(() => readManualScores(path.join(tmp(), "missing.csv")), /cannot read .*missing\.csv: ENOENT/);
});

test("written/<question>.md starts with the question's rubric, then every answer; unanswered ones are marked; the template is not overwritten", () => {
  const out = tmp();
  const written: WrittenQuestions = {
    hw1: { questions: ["4a", "4b"], rubrics: { "4a": "**Rubric 4a.** 2 points: names the trade-off.\n\n**Model answer.** Shared layers." } },
  };
  const results = [result({ submission: "a.ipynb", written: { "4a": "An answer.", "4b": "_Write your answer here._" }, unanswered: ["4b"] })];
  assert.deepEqual(writeClassFiles(out, results, {}, written), []);
  const a = fs.readFileSync(path.join(out, "written", "4a.md"), "utf8");
  assert.ok(a.indexOf("**Rubric 4a.**") < a.indexOf("## Submission: a.ipynb") && a.includes("**Model answer.** Shared layers."), a);
  const b = fs.readFileSync(path.join(out, "written", "4b.md"), "utf8");
  assert.match(b, /No rubric cell in the solution/);
  assert.match(b, /## Submission: a\.ipynb \(not answered\)/);
  const template = path.join(out, "manual-scores.csv");
  fs.writeFileSync(template, "submission,question,score,comment\na.ipynb,4a,2,TA's work\n");
  writeClassFiles(out, results, {}, written);
  assert.match(fs.readFileSync(template, "utf8"), /TA's work/, "a filled-in template is kept");
  assert.match(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8"), /"unanswered written"[\s\S]*"4b"/);
});

test("every test result carries its question id, to the gradebook and to Gradescope (extra_data)", () => {
  const r = result({ tests: [{ ...test1a(1), name: "a display name with spaces" }], score: 1 });
  assert.match(gradebookCsv([r]).split("\n")[0], /"1a"/);
  assert.equal(
    readCsv(
      (() => {
        const f = path.join(tmp(), "g.csv");
        fs.writeFileSync(f, gradebookCsv([r]));
        return f;
      })(),
    )[0]["1a"],
    "1",
  );
  const json = gradescopeJson(r) as { tests: Array<Record<string, unknown>> };
  assert.deepEqual(json.tests[0].extra_data, { question: "1a" });
  assert.deepEqual(Object.keys(json.tests[0]).sort(), ["extra_data", "max_score", "name", "output", "output_format", "score", "status", "visibility"]);
});

test("homework metadata: version 1 is required and every problem is named with its place", () => {
  const ok = {
    version: 1,
    name: "hw1",
    questions: [
      { id: "1a", points: 1, fn: "f", inputs: "g" },
      { id: "4a", points: 2, written: true },
    ],
  };
  assert.equal(parseHomeworkSpec(ok).questions.length, 2);
  assert.throws(() => parseHomeworkSpec({ ...ok, version: undefined }), /homework\.version: version must be 1/);
  assert.throws(() => parseHomeworkSpec({ ...ok, version: 2 }), /version must be 1/);
  assert.throws(() => parseHomeworkSpec({ ...ok, questions: [{ id: "1a", points: "1", fn: "f", inputs: "g" }] }), /questions\.0\.points/);
  assert.throws(
    () => parseHomeworkSpec({ ...ok, questions: [{ id: "1a", points: 1, fn: "f" }] }),
    /questions\.0: a question is either written \(no fn\) or has both fn and inputs/,
  );
  assert.throws(() => parseHomeworkSpec({ ...ok, questions: [ok.questions[0], ok.questions[0]] }), /question ids must be unique/);
  assert.throws(() => parseHomeworkSpec({ ...ok, questions: [{ ...ok.questions[0], pointz: 1 }] }), /pointz/);
});

test("non-finite numbers: checks print Infinity and NaN (not null), survive the checks file, and compare exactly", () => {
  assert.equal(showValue([Infinity, -Infinity, NaN, 1.5, { a: Infinity }]), '[Infinity,-Infinity,NaN,1.5,{"a":Infinity}]');
  const expected = { loss: Infinity, xs: [NaN, -Infinity, 2] };
  const roundTrip = decodeJsonValue(JSON.parse(JSON.stringify(encodeJsonValue(expected))));
  assert.deepEqual(roundTrip, expected);
  assert.equal(difference(Infinity, Infinity), null);
  assert.match(difference(1e308, Infinity) ?? "", /expected Infinity, got 1e\+308/);
  assert.match(difference(Infinity, 3) ?? "", /expected 3, got Infinity/);
  assert.match(difference(null, Infinity) ?? "", /expected a number, got null/);
});

test("numbers on the command line are validated before any work", () => {
  assert.equal(wholeNumber(1)("3"), 3);
  for (const bad of ["abc", "0", "-1", "1.5", ""]) assert.throws(() => wholeNumber(1)(bad), /expected a whole number ≥ 1/);
});
