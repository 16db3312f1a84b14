/** The course command: kernel registration, the missing-Jupyter message, and a real server start. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const COURSE = path.join(ROOT, "scripts", "course.ts");

function course(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", COURSE, ...args], { encoding: "utf8", env: { ...process.env, ...env }, cwd: ROOT });
}

test("--register-only writes a kernelspec that runs this project's tslab", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-course-"));
  const r = course(["--register-only"], { HOME: home, JUPYTER_DATA_DIR: path.join(home, "data") });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(home, "data", "kernels", "tslab", "kernel.json"), "utf8"));
  assert.equal(spec.argv[1], path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
  assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
  assert.equal(spec.argv[0], process.execPath);
});

test("without Jupyter the command explains how to install it and exits non-zero", () => {
  const r = course([], { MTL_PYTHON: "/nonexistent/python3" });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Jupyter was not found/);
  assert.match(r.stderr, /pip install jupyterlab/);
  assert.match(r.stderr, /apt install jupyter-notebook/);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

test("the course opens in a Jupyter server that offers the tslab kernel", async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-course-"));
  const port = await freePort();
  const token = "course-test";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", COURSE, "--classic", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, "--allow-root"],
    { env: { ...process.env, HOME: home, JUPYTER_DATA_DIR: path.join(home, "data"), JUPYTER_RUNTIME_DIR: path.join(home, "rt") }, cwd: ROOT, detached: true },
  );
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    type Specs = { kernelspecs: Record<string, { spec: { argv: string[] } }> };
    let specs: Specs | null = null as Specs | null;
    for (let i = 0; i < 120 && !specs; i++) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
        if (res.ok) specs = (await res.json()) as Specs;
      } catch {
        /* not up yet */
      }
    }
    assert.ok(specs, `server did not start:\n${log}`);
    assert.ok(specs!.kernelspecs.tslab, `no tslab kernel offered: ${Object.keys(specs!.kernelspecs)}`);
    assert.match(log, /Opening the course in the classic Jupyter Notebook/);
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
});
