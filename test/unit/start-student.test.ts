/** The hub's per-student start script, with a stand-in for jupyterhub-singleuser that reports how it was started. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

function start(prepare: (home: string) => void): { status: number | null; stdout: string; stderr: string; home: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-start-student-"));
  const home = path.join(base, "home");
  const bin = path.join(base, "bin");
  fs.mkdirSync(home);
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "jupyterhub-singleuser"), '#!/bin/sh\necho "root=$JUPYTERHUB_ROOT_DIR args=$*"\n', { mode: 0o755 });
  prepare(home);
  const r = spawnSync("/bin/sh", [path.join(ROOT, "jupyterhub", "start-student.sh"), "--debug"], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: home,
      MTL_NODE: process.execPath,
      MTL_COURSE_DIR: ROOT,
      MTL_STUDENT_DIR: "mtl-course",
      JUPYTERHUB_ROOT_DIR: path.join(home, "mtl-course"),
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, home };
}

test("it copies the course into the student's folder, then becomes the server with the hub's arguments", () => {
  const r = start(() => {});
  try {
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(r.home, "mtl-course", "notebooks", "00-setup.ipynb")));
    assert.match(r.stdout, /Course copy in .*mtl-course: \d+ file\(s\) copied in/);
    assert.match(r.stdout, new RegExp(`root=${path.join(r.home, "mtl-course")} args=--debug`));
  } finally {
    fs.rmSync(path.dirname(r.home), { recursive: true, force: true });
  }
});

test("when the copy cannot be made, the server still starts, in the home folder, and the log says why", () => {
  const r = start((home) => fs.writeFileSync(path.join(home, "mtl-course"), "my notes"));
  try {
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(r.home, "mtl-course"), "utf8"), "my notes", "nothing of the student's is replaced");
    assert.match(r.stderr, /exists and is not a folder: rename it/);
    assert.match(r.stderr, /Starting in .* instead/);
    assert.match(r.stdout, new RegExp(`root=${r.home} args=--debug`));
  } finally {
    fs.rmSync(path.dirname(r.home), { recursive: true, force: true });
  }
});
