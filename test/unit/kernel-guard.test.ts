/**
 * The kernel guard (lib/kernel-guard.ts), outside the kernel: zeromq's busy-socket error and the
 * queue that replaces it, and the WASM backend's process handlers removed once it is up. The same
 * hazards inside the real kernel are in test/harness.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs `code` in a fresh Node process (both hazards are process-wide). */
function run(code: string): { out: string; code: number | null } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { encoding: "utf8", cwd: ROOT, timeout: 60000 });
  return { out: r.stdout + r.stderr, code: r.status };
}

/** A script that sends `n` messages on a Push socket without waiting, as tslab does, and counts what a Pull socket gets. */
const burst = (guarded: boolean, n: number) => `
  const zmq = require("zeromq");
  ${guarded ? `require(${JSON.stringify(path.join(ROOT, "lib", "kernel-guard.ts"))}).guardKernelSends();` : ""}
  (async () => {
    const push = new zmq.Push(), pull = new zmq.Pull();
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint);
    await new Promise((r) => setTimeout(r, 100));
    let thrown = "";
    for (let i = 0; i < ${n}; i++) {
      try { push.send(String(i)); } catch (e) { thrown ||= e.code + " at send " + i; }
    }
    const got = [];
    const deadline = Date.now() + 20000;
    while (got.length < ${n} && Date.now() < deadline) {
      const [m] = await Promise.race([pull.receive(), new Promise((r) => setTimeout(() => r([null]), 2000))]);
      if (m === null) break;
      got.push(Number(String(m)));
    }
    console.log(JSON.stringify({ thrown, received: got.length, inOrder: got.every((v, i) => v === i) }));
    push.close(); pull.close();
  })();`;

test("zeromq throws EBUSY when a send follows its deferred 513th without waiting (the hazard is real)", () => {
  const r = run(burst(false, 1500));
  assert.equal(r.code, 0, r.out);
  const result = JSON.parse(r.out.trim().split("\n").pop()!);
  assert.equal(result.thrown, "EBUSY at send 513", r.out);
});

test("guardKernelSends: 1,500 sends without waiting all arrive, in order", () => {
  const r = run(burst(true, 1500));
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(JSON.parse(r.out.trim().split("\n").pop()!), { thrown: "", received: 1500, inOrder: true });
});

test("guardKernelSends does nothing where zeromq is not loaded (a script, the grader's sandbox)", () => {
  const r = run(`const g = require(${JSON.stringify(path.join(ROOT, "lib", "kernel-guard.ts"))});
    console.log(g.guardKernelSends(), Object.keys(require.cache).some((f) => /[\\\\/]zeromq[\\\\/]/.test(f)));`);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out.trim(), "0 false");
});

/** A script that starts the WASM backend through the kit, then leaves a rejection unhandled with a handler of its own installed first. */
const rejectAfterWasm = (viaKit: boolean) => `
  process.on("unhandledRejection", (reason) => console.log("handled by the process's own handler:", reason.message));
  const tf = require("@tensorflow/tfjs");
  (async () => {
    if (${viaKit}) await require(${JSON.stringify(path.join(ROOT, "lib", "backend.ts"))}).setupBackend({ prefer: "wasm", quiet: true });
    else {
      require("@tensorflow/tfjs-backend-wasm").setWasmPaths(require("path").dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + "/");
      await tf.setBackend("wasm");
      await tf.ready();
    }
    console.log("backend", tf.getBackend());
    void Promise.reject(new Error("nobody waits for me"));
    setTimeout(() => console.log("still alive"), 200);
  })();`;

test("the WASM backend's own start-up installs handlers that end the process on an unhandled rejection (the hazard is real)", () => {
  const r = run(rejectAfterWasm(false));
  assert.equal(r.code, 7, r.out);
  assert.doesNotMatch(r.out, /still alive/);
});

test("setupBackend removes them: the process's own handler sees the rejection and the process lives on", () => {
  const r = run(rejectAfterWasm(true));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /backend wasm[\s\S]*handled by the process's own handler: nobody waits for me[\s\S]*still alive/);
});
