/**
 * OS-level isolation of the grading child: no network (not even the host's loopback) and, when the
 * grader runs as root, the user nobody. Each case also runs with isolation turned off, to show that
 * the same cell does reach the network there: the test can tell the difference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "child_process";
import { promisify } from "util";
import * as http from "http";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs cells in a fresh grading session in another process (isolation is probed once per process);
 * asynchronously, so that this process's test server can answer meanwhile.
 */
async function runCells(cells: string[], env: Record<string, string> = {}): Promise<{ outputs: string[]; notes: string[] }> {
  const script = `
    const { GradingSession, osIsolation } = require(${JSON.stringify(path.join(ROOT, "lib", "grading"))});
    (async () => {
      const s = new GradingSession({ cellSeconds: 30 });
      const outputs = [];
      for (const [i, c] of ${JSON.stringify(cells)}.entries()) { const r = await s.runCell(i, c); outputs.push(r.output + (r.reason ? "[" + r.reason + "]" : "")); }
      s.close();
      const notes = osIsolation([]).notes;
      process.stdout.write(JSON.stringify({ outputs, notes }));
    })();`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120000 });
  return JSON.parse(stdout);
}

test("a submission cannot reach the network, not even a server on the grader's own loopback", async (t) => {
  const server = http.createServer((_, res) => res.end("secret answers"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const cell = `try { const r = await fetch("http://127.0.0.1:${port}/"); console.log("got: " + (await r.text())); } catch (e) { console.log("blocked: " + (e as Error).message); }`;
  try {
    const open = await runCells([cell], { MTL_GRADER_ISOLATION: "0" });
    assert.match(open.outputs[0], /got: secret answers/, "without isolation the cell reaches the server (so the test can fail)");
    const isolated = await runCells([cell]);
    if (!isolated.notes.some((n) => n.startsWith("network: a namespace"))) {
      t.skip(`this machine cannot isolate the network: ${isolated.notes.join("; ")}`);
      return;
    }
    assert.match(isolated.outputs[0], /blocked: fetch failed/);
  } finally {
    server.close();
  }
});

test("under root, a submission runs as nobody and can write only its scratch folder", async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip("the grader is not root here, so there is no other user to switch to");
    return;
  }
  const cells = ['console.log("uid " + process.getuid());', 'require("fs").writeFileSync("mine.txt", "ok"); console.log("scratch write ok");'];
  const isolated = await runCells(cells);
  if (!isolated.notes.includes("user: nobody")) {
    t.skip(`nobody cannot run the kit here: ${isolated.notes.join("; ")}`);
    return;
  }
  assert.match(isolated.outputs[0], /uid 65534/);
  assert.match(isolated.outputs[1], /scratch write ok/);
  const open = await runCells(cells, { MTL_GRADER_ISOLATION: "0" });
  assert.match(open.outputs[0], /uid 0/);
});
