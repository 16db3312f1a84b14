/** `npm start` as root (containers, JupyterHub images): it passes --allow-root to Jupyter itself. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { serverArgs } from "../scripts/jupyter";
import { freePort, stopGroup, waitFor } from "./support/processes";

const ROOT = path.resolve(__dirname, "..");
const COURSE = path.join(ROOT, "scripts", "course.ts");

test("serverArgs adds --allow-root once for root and never for other users", () => {
  assert.deepEqual(serverArgs(["--no-browser"], 0), ["--no-browser", "--allow-root"]);
  assert.deepEqual(serverArgs(["--allow-root"], 0), ["--allow-root"]);
  assert.deepEqual(serverArgs(["--NotebookApp.allow_root=True"], 0), ["--NotebookApp.allow_root=True"]);
  assert.deepEqual(serverArgs(["--no-browser"], 1000), ["--no-browser"]);
});

test("npm start run as root opens the course without being told --allow-root", async (t) => {
  if (process.getuid?.() !== 0) {
    // Jupyter only refuses root, so the behaviour under test exists only for root.
    t.skip("not running as root: run this test as root (CI and containers do)");
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-course-root-"));
  const port = await freePort();
  const token = "course-root-test";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", COURSE, "--classic", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`],
    { env: { ...process.env, HOME: home, JUPYTER_DATA_DIR: path.join(home, "data"), JUPYTER_RUNTIME_DIR: path.join(home, "rt") }, cwd: ROOT, detached: true },
  );
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  try {
    const specs = await waitFor(120_000, async () => {
      assert.ok(!exited, `the course command exited:\n${log}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`).catch(() => null);
      return res?.ok ? ((await res.json()) as { kernelspecs: Record<string, unknown> }) : null;
    });
    assert.ok(specs.kernelspecs.tslab, `no tslab kernel offered: ${Object.keys(specs.kernelspecs)}`);
    assert.match(log, /passing --allow-root/);
    assert.doesNotMatch(log, /Running as root is not recommended/);
  } finally {
    await stopGroup(child.pid!);
    fs.rmSync(home, { recursive: true, force: true });
  }
});
