/**
 * Gradescope end to end: build the autograder zip with the real command, unpack it with an
 * independent reader into a local copy of Gradescope's layout (/autograder/source, submission,
 * results), run `run_autograder` for several uploads and validate each results.json.
 *
 * setup.sh itself needs Gradescope's Ubuntu image and the network (NodeSource, npm), so here its
 * work is stood in for by linking the checkout's installed node_modules; the test checks that
 * setup.sh is valid bash that installs Node 20 and runs `npm ci`.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-gradescope-"));
const ZIP = path.join(WORK, "hw1-autograder.zip");
const AG = path.join(WORK, "autograder");
const SOURCE = path.join(AG, "source");

let names: string[] = [];

before(() => {
  const r = runGrader(["gradescope", "hw1", "--out", ZIP], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  // Python's zipfile unpacks it, as Gradescope's own tooling would; modes are restored by hand, as unzip does.
  const py =
    "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n  p=z.extract(i,sys.argv[2]); m=i.external_attr>>16\n  if m: os.chmod(p,m)\n  print(i.filename)";
  names = execFileSync("python3", ["-c", py, ZIP, SOURCE], { encoding: "utf8" }).trim().split("\n");
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(SOURCE, "node_modules"));
});

/** Runs run_autograder on one upload (files by relative path) and returns results.json. */
function runUpload(files: Record<string, string>): { status: number | null; results: any; stdout: string } {
  fs.rmSync(path.join(AG, "submission"), { recursive: true, force: true });
  fs.rmSync(path.join(AG, "results"), { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(AG, "submission", rel)), { recursive: true });
    fs.writeFileSync(path.join(AG, "submission", rel), text);
  }
  fs.mkdirSync(path.join(AG, "results"), { recursive: true });
  fs.writeFileSync(path.join(AG, "submission_metadata.json"), JSON.stringify({ id: 1, assignment: { title: "hw1" } }));
  const r = spawnSync(path.join(SOURCE, "run_autograder"), [], {
    cwd: "/",
    encoding: "utf8",
    env: { ...process.env, GRADESCOPE_ROOT: AG },
    timeout: 10 * 60 * 1000,
  });
  const file = path.join(AG, "results", "results.json");
  assert.ok(fs.existsSync(file), `run_autograder wrote no results.json:\n${r.stdout}\n${r.stderr}`);
  return { status: r.status, results: JSON.parse(fs.readFileSync(file, "utf8")), stdout: r.stdout + r.stderr };
}

/** The parts of Gradescope's results.json schema the grader uses. */
function assertSchema(r: any): void {
  assert.equal(typeof r.score, "number");
  assert.ok(r.score >= 0 && !Number.isNaN(r.score));
  assert.ok(["text", "html", "simple_format", "md", "ansi"].includes(r.output_format));
  assert.ok(Array.isArray(r.tests));
  let max = 0;
  for (const t of r.tests) {
    assert.equal(typeof t.name, "string");
    assert.ok(t.score >= 0 && t.score <= t.max_score, `${t.name}: ${t.score} / ${t.max_score}`);
    assert.ok(["passed", "failed"].includes(t.status));
    assert.ok(["hidden", "after_due_date", "after_published", "visible"].includes(t.visibility));
    max += t.max_score;
  }
  assert.ok(r.score <= max || r.tests.length === 0);
}

test("the autograder zip has Gradescope's entry points at its root and no student-facing files", () => {
  assert.ok(names.includes("setup.sh") && names.includes("run_autograder"));
  for (const f of ["run_autograder", "setup.sh"]) assert.ok(fs.statSync(path.join(SOURCE, f)).mode & 0o100, `${f} is executable`);
  assert.ok(
    names.includes("solutions/hw1.ipynb") &&
      names.includes("package-lock.json") &&
      names.includes("grader/bin/mtl-grader.js") &&
      names.includes("homework/hw1.checks.json") &&
      names.includes("solutions/hw1.inputs.ts"),
  );
  // The public checks file is the only homework file: check cells read it, as they do for students.
  assert.ok(
    !names.some((n) => /^(homework|notebooks|test|bench|\.ci)\//.test(n) && n !== "homework/hw1.checks.json"),
    "no homework notebooks, lecture notebooks, tests or CI",
  );
  execFileSync("bash", ["-n", path.join(SOURCE, "setup.sh")]);
  const setup = fs.readFileSync(path.join(SOURCE, "setup.sh"), "utf8");
  assert.match(setup, /setup_20\.x/);
  assert.match(setup, /npm ci/);
});

test("run_autograder grades an uploaded solution in a folder to full marks", () => {
  const { status, results, stdout } = runUpload({ "my work/hw1.ipynb": fs.readFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), "utf8") });
  assert.equal(status, 0, stdout);
  assertSchema(results);
  assert.equal(results.score, 16);
  assert.ok(results.tests.every((t: any) => t.status === "passed"));
});

test("run_autograder gives the untouched homework 0 with 'not implemented'", () => {
  const { status, results, stdout } = runUpload({ "hw1.ipynb": fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8"), "notes.txt": "extra file" });
  assert.equal(status, 0, stdout);
  assertSchema(results);
  assert.equal(results.score, 0);
  assert.match(results.tests[0].output, /not implemented/);
});

test("an upload without a notebook, or a broken one, still gets a results.json with the reason", () => {
  const none = runUpload({ "answers.py": "print(1)" });
  assertSchema(none.results);
  assert.equal(none.results.score, 0);
  assert.match(none.results.output, /No notebook was uploaded: submit your hw1\.ipynb/);
  const broken = runUpload({ "hw1.ipynb": "{ not json" });
  assert.equal(broken.status, 0, broken.stdout);
  assertSchema(broken.results);
  assert.equal(broken.results.score, 0);
  assert.match(broken.results.output, /JSON|read/i);
});
