/** A student's own copy of the course: copied once, updated with new files only, never overwritten. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, syncStudentCopy } from "../../scripts/student-copy";

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function fakeCourse(): { course: string; dest: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-student-copy-"));
  const course = path.join(base, "course");
  write(path.join(course, "notebooks", "00-setup.ipynb"), "setup v1");
  write(path.join(course, "notebooks", ".ipynb_checkpoints", "00-setup-checkpoint.ipynb"), "scratch");
  write(path.join(course, "homework", "hw1.ipynb"), "hw1 v1");
  write(path.join(course, "homework", "hw1.checks.json"), "{}");
  write(path.join(course, "package.json"), "{}");
  write(path.join(course, "lib", "index.ts"), "export {}");
  fs.mkdirSync(path.join(course, "node_modules"));
  return { course, dest: path.join(base, "home", "mtl-course") };
}

test("the first run copies the notebooks and homework, links the machinery, and makes the copy private", () => {
  const { course, dest } = fakeCourse();
  const r = syncStudentCopy(course, dest);
  assert.deepEqual(r.copied.sort(), ["homework/hw1.checks.json", "homework/hw1.ipynb", "notebooks/00-setup.ipynb"]);
  assert.deepEqual(r.problems, []);
  assert.equal(fs.readFileSync(path.join(dest, "notebooks", "00-setup.ipynb"), "utf8"), "setup v1");
  assert.ok(!fs.existsSync(path.join(dest, "notebooks", ".ipynb_checkpoints")), "Jupyter's scratch files are not copied");
  for (const name of ["package.json", "lib", "node_modules"]) {
    assert.equal(fs.readlinkSync(path.join(dest, name)), path.join(course, name), `${name} links to the course`);
  }
  assert.ok(!r.linked.includes("scripts"), "a folder the course lacks is not linked");
  assert.equal(fs.statSync(dest).mode & 0o777, 0o700);
});

test("a course update brings new files and leaves every file the student has as it is", () => {
  const { course, dest } = fakeCourse();
  syncStudentCopy(course, dest);
  fs.writeFileSync(path.join(dest, "notebooks", "00-setup.ipynb"), "my answers");
  fs.writeFileSync(path.join(dest, "homework", "hw1.ipynb"), "");
  fs.writeFileSync(path.join(course, "notebooks", "00-setup.ipynb"), "setup v2");
  fs.writeFileSync(path.join(course, "homework", "hw1.ipynb"), "hw1 v2");
  write(path.join(course, "homework", "hw2.ipynb"), "hw2 v1");
  const r = syncStudentCopy(course, dest);
  assert.deepEqual(r.copied, ["homework/hw2.ipynb"]);
  assert.equal(fs.readFileSync(path.join(dest, "notebooks", "00-setup.ipynb"), "utf8"), "my answers");
  assert.equal(fs.readFileSync(path.join(dest, "homework", "hw1.ipynb"), "utf8"), "", "even an emptied file is the student's");
  assert.match(describe(r, dest), /1 file\(s\) copied in, 3 of yours kept/);
  assert.match(describe(r, dest), /New: homework\/hw2\.ipynb/);
});

test("a deleted notebook comes back at the next run (the way to get the course's version again)", () => {
  const { course, dest } = fakeCourse();
  syncStudentCopy(course, dest);
  fs.rmSync(path.join(dest, "notebooks", "00-setup.ipynb"));
  assert.deepEqual(syncStudentCopy(course, dest).copied, ["notebooks/00-setup.ipynb"]);
});

test("things in the way are reported, never replaced, and the rest is still copied", () => {
  const { course, dest } = fakeCourse();
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(path.join(dest, "homework"), "a file where a folder goes");
  fs.writeFileSync(path.join(dest, "package.json"), '{"name": "mine"}');
  const r = syncStudentCopy(course, dest);
  assert.deepEqual(r.copied, ["notebooks/00-setup.ipynb"]);
  assert.equal(fs.readFileSync(path.join(dest, "homework"), "utf8"), "a file where a folder goes");
  assert.equal(fs.readFileSync(path.join(dest, "package.json"), "utf8"), '{"name": "mine"}');
  assert.equal(r.problems.length, 2, r.problems.join("\n"));
  assert.match(r.problems.join("\n"), /homework is in the way/);
  assert.match(r.problems.join("\n"), /package\.json is yours/);
});

test("a copy folder that is a file, or a course that is not one, is a clear error", () => {
  const { course, dest } = fakeCourse();
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, "not a folder");
  assert.throws(() => syncStudentCopy(course, dest), /exists and is not a folder: rename it/);
  assert.equal(fs.readFileSync(dest, "utf8"), "not a folder");
  assert.throws(() => syncStudentCopy(path.dirname(dest), dest + "2"), /is not the course/);
});
