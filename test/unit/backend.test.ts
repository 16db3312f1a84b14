import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs setupBackend in a fresh process (the choice is process-wide). */
function choose(env: Record<string, string>): { out: string; code: number | null } {
  const code = `require("${path.join(ROOT, "lib", "backend.ts")}").setupBackend().then(i => console.log(JSON.stringify(i)), e => { console.error(e.message); process.exit(3); })`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { encoding: "utf8", env: { ...process.env, ...env }, cwd: ROOT });
  return { out: r.stdout + r.stderr, code: r.status };
}

test("without native tfjs-node the kit picks WASM and says why", () => {
  const r = choose({ MTL_BACKEND: "" });
  assert.equal(r.code, 0, r.out);
  const info = JSON.parse(r.out.trim().split("\n").pop()!);
  assert.equal(info.name, "wasm");
  assert.match(r.out, /'wasm' backend \(WebAssembly with SIMD; [^)]*(kernels|\(OpenBLAS\))\): chosen automatically; skipped 'node'/);
});

test("MTL_BACKEND forces a backend", () => {
  const r = choose({ MTL_BACKEND: "cpu" });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /'cpu' backend .*forced by MTL_BACKEND=cpu/);
  assert.doesNotMatch(r.out, /looks like you are running/i, "tfjs's install hint is silenced");
});

test("an unknown MTL_BACKEND is a clear error", () => {
  const r = choose({ MTL_BACKEND: "gpu" });
  assert.equal(r.code, 3);
  assert.match(r.out, /MTL_BACKEND=gpu is not one of node, wasm, cpu/);
});

test("forcing the absent native backend fails with a message, not a crash", () => {
  const r = choose({ MTL_BACKEND: "node" });
  assert.equal(r.code, 3);
  assert.match(r.out, /'node': @tensorflow\/tfjs-node is not installed/);
});

test("the backend line says whether native BLAS is in use, and why not", () => {
  const off = choose({ MTL_BACKEND: "", MTL_NATIVE_BLAS: "0" });
  assert.equal(off.code, 0, off.out);
  assert.match(off.out, /the kit's matmul, gather, slice and concat kernels; native BLAS not in use: turned off by MTL_NATIVE_BLAS=0\)/);
  const stock = choose({ MTL_BACKEND: "", MTL_WASM_KERNELS: "stock" });
  assert.match(stock.out, /tfjs's stock kernels; native BLAS not in use: not requested \(MTL_WASM_KERNELS=stock\)/);
  const auto = choose({ MTL_BACKEND: "", MTL_NATIVE_BLAS: "", MTL_WASM_KERNELS: "" });
  const info = JSON.parse(auto.out.trim().split("\n").pop()!);
  // Either it runs (and the line says so) or the line says why not: never silent.
  if (info.kernels === "blas") assert.match(auto.out, /matmul on native BLAS \(OpenBLAS\)/);
  else assert.match(auto.out, /native BLAS not in use: \S/);
});

test("an unknown MTL_WASM_KERNELS is a clear error", () => {
  const r = choose({ MTL_BACKEND: "", MTL_WASM_KERNELS: "fast" });
  assert.equal(r.code, 3);
  assert.match(r.out, /MTL_WASM_KERNELS=fast is not one of stock, matmul, js, blas/);
});
