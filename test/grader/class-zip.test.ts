/**
 * Grading a class's zip as an LMS exports it: notebooks in per-student folders, stray files, and
 * a zip that is not one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipSync, strToU8 } from "fflate";
import { runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-class-zip-"));
const grade = (...args: string[]) => runGrader(["grade", ...args], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60 * 1000 });

test("a zip of student folders is graded submission by submission, with a gradebook and a score plot", () => {
  const zip = path.join(WORK, "hw1-submissions.zip");
  fs.writeFileSync(
    zip,
    zipSync({
      "alice/hw1.ipynb": strToU8(fs.readFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), "utf8")),
      "bob/hw1.ipynb": strToU8(fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8")),
      "bob/notes.txt": strToU8("not a notebook"),
    }),
  );
  const r = grade(zip, "--jobs", "1");
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = path.join(WORK, "hw1-submissions-grades");
  const gradebook = fs.readFileSync(path.join(out, "gradebook.csv"), "utf8").trim().split("\n");
  assert.equal(gradebook.length, 3);
  const total = (name: string) => {
    const row = gradebook.find((l) => l.startsWith(`"${name}"`));
    assert.ok(row, `${name} is in the gradebook`);
    const header = gradebook[0].split(",").map((h) => h.replace(/"/g, ""));
    return Number(row!.split(",")[header.indexOf("autograded")]);
  };
  assert.equal(total("alice__hw1.ipynb"), 16);
  assert.equal(total("bob__hw1.ipynb"), 0);
  assert.ok(fs.existsSync(path.join(out, "alice__hw1", "results.json")));
  assert.match(fs.readFileSync(path.join(out, "distribution.svg"), "utf8"), /<svg/);
  // A second run finds the unpacked submissions graded and skips them.
  const again = grade(zip, "--jobs", "1");
  assert.equal(again.status, 0, again.stderr);
  assert.equal((again.stdout.match(/^skip /gm) ?? []).length, 2);
});

test("a file that is not a zip is refused with a clear message", () => {
  const bad = path.join(WORK, "broken.zip");
  fs.writeFileSync(bad, "this is not a zip");
  const r = grade(bad);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /broken\.zip is not a readable zip archive/);
});
