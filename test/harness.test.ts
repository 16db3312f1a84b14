/** The notebook harness itself: a notebook that fails in any of tslab's ways must fail the test. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../scripts/notebook-runner";

function notebook(cells: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-harness-"));
  const file = path.join(dir, "probe.ipynb");
  fs.writeFileSync(
    file,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, execution_count: null, outputs: [], source })),
    }),
  );
  return file;
}

test("a clean notebook passes", async () => {
  const run = await runNotebook(notebook(["const a = 1 + 1;", "console.log(a)"]));
  assert.equal(run.ok, true, run.error ?? "");
  assert.equal(run.cells.length, 2);
});

test("a thrown error fails the notebook and names the cell", async () => {
  const run = await runNotebook(notebook(["const a = 1;", 'throw new Error("deliberate")', "console.log('after')"]));
  assert.equal(run.ok, false);
  assert.equal(run.cell, 1);
  assert.match(run.error ?? "", /deliberate/);
});

test("a type error fails the notebook", async () => {
  const run = await runNotebook(notebook(['const n: number = "text";']));
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /not assignable/);
});

test("a rejected top-level await fails the notebook", async () => {
  const run = await runNotebook(notebook(['await Promise.reject(new Error("async failure"));']));
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /async failure/);
});

test("text on stderr fails the notebook", async () => {
  const run = await runNotebook(notebook(['console.error("something went wrong")']));
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /something went wrong/);
});

test("a kernel that dies is reported with how its process ended, not only as a dead kernel", async () => {
  const run = await runNotebook(notebook(["console.log(1)", 'process.kill(process.pid, "SIGKILL")', "console.log(2)"]));
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /kernel died \(its process ended on SIGKILL, killed from outside/);
  assert.match(run.error ?? "", /cell 1/);
});

test("a malformed notebook is reported, not crashed on", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-harness-"));
  const file = path.join(dir, "bad.ipynb");
  fs.writeFileSync(file, "{ not json");
  const run = await runNotebook(file);
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /cannot read notebook/);
});
