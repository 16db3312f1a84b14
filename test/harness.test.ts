/** The notebook harness itself: a notebook that fails in any of tslab's ways must fail the test. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../scripts/notebook-runner";

const ROOT = path.resolve(__dirname, "..");

function notebook(cells: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-harness-"));
  // tslab resolves imports from the notebook's folder: this one reaches the course's packages.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
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

test("a kernel that runs out of heap is reported with V8's own words and its memory", async () => {
  // A small heap (the kernel inherits NODE_OPTIONS) makes the death quick.
  const run = await runNotebook(notebook(["console.log(1)", "const keep: number[][] = []; while (true) keep.push(new Array(1e5).fill(1));"]), {
    env: { NODE_OPTIONS: "--max-old-space-size=400" },
  });
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /kernel died \(its process ended on SIGABRT, aborted: Node aborts this way when the JavaScript heap is exhausted\)/);
  assert.match(run.error ?? "", /cell 1[\s\S]*Its memory after the last cell that finished: \d+ MB resident, \d+ MB at peak/);
  assert.match(run.error ?? "", /last words on stderr:\nFATAL ERROR: .*JavaScript heap out of memory/);
  assert.ok((run.peakMemoryMB ?? 0) > 50, `peak memory ${run.peakMemoryMB} MB`);
});

/** Every output of an executed notebook's cells: [stream text, number of display outputs] per cell. */
function outputsOf(executed: string): Array<{ text: string; displays: number }> {
  const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: Array<{ outputs?: Array<{ output_type: string; text?: string | string[] }> }> };
  return nb.cells.map((c) => ({
    text: (c.outputs ?? []).map((o) => [o.text ?? ""].flat().join("")).join(""),
    displays: (c.outputs ?? []).filter((o) => o.output_type === "display_data").length,
  }));
}

test("with mtl-kit imported, cells that print 600 lines and show 600 outputs lose none of them", async () => {
  // tslab never waits for a send; zeromq.js defers every 513th send on a socket and throws EBUSY at
  // the next one in that turn: without the kit's guard, lines after the 500th were lost and the
  // displays broke their cell. (600 stays under zeromq's high-water mark of 1,000 queued messages,
  // past which a slow reader loses messages whatever the kernel does; see the README.)
  const run = await runNotebook(
    notebook([
      'import * as mtl from "mtl-kit";',
      'for (let i = 0; i < 600; i++) console.log("line", i);',
      'import * as tslab from "tslab";\nfor (let i = 0; i < 600; i++) tslab.display.text("shown " + i);',
      'console.log("after")',
    ]),
  );
  assert.equal(run.ok, true, run.error ?? "");
  const cells = outputsOf(run.executed);
  const lines = cells[1].text.trim().split("\n");
  assert.equal(lines.length, 600);
  assert.deepEqual(lines.slice(-2), ["line 598", "line 599"], "in order, to the last");
  assert.equal(cells[2].displays, 600);
  assert.match(cells[3].text, /after/);
});

test("on the WASM backend, a promise nobody awaits is reported under its cell and the kernel lives on", async () => {
  // tfjs-backend-wasm's Emscripten glue rethrows unhandled rejections, which ended the kernel
  // (exit code 7); setupBackend removes its handlers, so tslab prints the error instead. It does so
  // once the cell is over, as later output of that cell, which nbclient alone would drop.
  const run = await runNotebook(
    notebook([
      'import * as mtl from "mtl-kit";\nconst info = await mtl.setupBackend({ prefer: "wasm", quiet: true });\nconsole.log(info.name);',
      'void Promise.reject(new Error("nobody waits for me"));',
      'console.log("still alive")',
    ]),
  );
  assert.equal(run.ok, false, "the rejection is an error the notebook shows");
  assert.doesNotMatch(run.error ?? "", /kernel died/);
  assert.match(run.error ?? "", /\(cell 1\): stderr after the cell finished: UnhandledPromiseRejection: Error: nobody waits for me/);
  const cells = outputsOf(run.executed);
  assert.match(cells[0].text, /^wasm/);
  assert.match(cells[2].text, /still alive/);
});

test("an error thrown by a timer after the last cell finished fails the notebook", async () => {
  const run = await runNotebook(notebook(["console.log(1)", 'setTimeout(() => { throw new Error("thrown after the last cell"); }, 0);']));
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /\(cell 1\): stderr after the cell finished: UncaughtException: Error: thrown after the last cell/);
});

test("a malformed notebook is reported, not crashed on", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-harness-"));
  const file = path.join(dir, "bad.ipynb");
  fs.writeFileSync(file, "{ not json");
  const run = await runNotebook(file);
  assert.equal(run.ok, false);
  assert.match(run.error ?? "", /cannot read notebook/);
});
