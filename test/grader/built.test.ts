/**
 * The grader works the same built as from its TypeScript sources: compiled with tsc (into a folder
 * inside the package, so its packages resolve as an installed package's would), the built command
 * validates the homework with the same lines and exit status as the sources do through tsx, and
 * its grading child runs under Node's permission model too.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { permissionProbeScript, runGrader } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "grader", `.build-test-${process.pid}`);
after(() => fs.rmSync(OUT, { recursive: true, force: true }));

test("built and from source, validate prints the same problems and exits the same", () => {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "grader"), "--outDir", OUT], {
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  const notebook = path.join("homework", "hw1.ipynb");
  const built = spawnSync(process.execPath, [path.join(OUT, "src", "cli.js"), "validate", notebook], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60 * 1000 });
  const source = runGrader(["validate", notebook], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  assert.equal(built.status, 1, built.stdout + built.stderr);
  assert.equal(source.status, built.status);
  assert.equal(built.stdout, source.stdout);
  assert.match(built.stdout, /problem: answer cell "[^"]+" \(question [^)]+\) is not filled in/);
});

test("built, a grading child runs under Node's permission model", () => {
  const script = permissionProbeScript(path.join(OUT, "src", "session.js"));
  const r = spawnSync(process.execPath, ["-e", script], { cwd: "/", encoding: "utf8", timeout: 180000 });
  assert.equal(r.status, 0, r.stderr);
  const { output, note } = JSON.parse(r.stdout);
  assert.match(note, /^Node's permission model: on/);
  assert.match(output, /refused: ERR_ACCESS_DENIED/);
});
