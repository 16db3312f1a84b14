/**
 * The optional native matmul (lib/native, OpenBLAS). On Linux x64 the addon is expected: when it
 * did not build or load, these tests fail, unless MTL_NATIVE_BLAS_EXPECTED=0 says this machine is
 * not meant to have it (then they are reported as skipped, with the reason). Its products equal
 * the WASM kernels' to float32 rounding; the install step never fails; and a process under Node's
 * permission model (the grader's sandbox) falls back to WASM and says why.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { loadNativeBlas } from "../../lib/kernels/native-blas";
import { useWasmKernels } from "../../lib/kernels/wasm-kernels";
import { Rng } from "../../lib/random";

const ROOT = path.resolve(__dirname, "..", "..");
const expected = os.platform() === "linux" && os.arch() === "x64" && process.env.MTL_NATIVE_BLAS_EXPECTED !== "0";

before(async () => {
  await setupBackend({ quiet: true, prefer: "wasm" });
});

/** Skips (when native BLAS is not expected here) or fails (when it is) if the addon is missing. */
function needAddon(t: { skip(why: string): void }): boolean {
  const { addon, why } = loadNativeBlas();
  if (addon) return true;
  assert.ok(!expected, `native BLAS did not load: ${why}. Run \`npm run build:native\`, or set MTL_NATIVE_BLAS_EXPECTED=0 where it is not meant to build.`);
  t.skip(`native BLAS not available (${why}) and not expected here`);
  return false;
}

/** Float64 reference of op(A)·op(B) (+ bias, relu) and each entry's error bound Σ|a||b|·γ. */
function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  bias: Float32Array | null,
  relu: boolean,
): { value: Float64Array; bound: Float64Array } {
  const value = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  // γ_k = k·u/(1−k·u) bounds a k-term float32 dot product's error (Higham 3.1), u = 2⁻²⁴; ×2 leaves
  // room for the bias add and for the two sides summing in different orders.
  const u = 2 ** -24;
  const gamma = (2 * (k + 1) * u) / (1 - (k + 1) * u);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      let abs = bias ? Math.abs(bias[j]) : 0;
      for (let p = 0; p < k; p++) {
        const x = ta ? a[p * m + i] : a[i * k + p];
        const y = tb ? b[j * k + p] : b[p * n + j];
        s += x * y;
        abs += Math.abs(x * y);
      }
      value[i * n + j] = relu ? Math.max(0, s) : s;
      bound[i * n + j] = gamma * abs + 1e-30;
    }
  }
  return { value, bound };
}

/** One fused product on the current kernels: values and shape. */
function product(
  a: Float32Array,
  b: Float32Array,
  shapes: { a: number[]; b: number[] },
  ta: boolean,
  tb: boolean,
  bias: Float32Array | null,
  relu: boolean,
): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const out = tf.fused.matMul({
      a: tf.tensor(a, shapes.a),
      b: tf.tensor(b, shapes.b),
      transposeA: ta,
      transposeB: tb,
      bias: bias ? tf.tensor1d(bias) : undefined,
      activation: relu ? "relu" : "linear",
    });
    return { values: out.dataSync() as Float32Array, shape: out.shape };
  });
}

test("native BLAS products equal the WASM kernels' to float32 rounding (transposes, bias, relu, odd sizes)", (t) => {
  if (!needAddon(t)) return;
  const rng = new Rng(21);
  for (let c = 0; c < 60; c++) {
    const [m, n, k] = [1 + rng.int(70), 1 + rng.int(70), 1 + rng.int(90)];
    const ta = rng.next() < 0.5;
    const tb = rng.next() < 0.5;
    const a = Float32Array.from(rng.normals(m * k));
    const b = Float32Array.from(rng.normals(k * n));
    const bias = rng.next() < 0.5 ? Float32Array.from(rng.normals(n)) : null;
    const relu = rng.next() < 0.5;
    const shapes = { a: ta ? [k, m] : [m, k], b: tb ? [n, k] : [k, n] };
    useWasmKernels("js");
    const wasm = product(a, b, shapes, ta, tb, bias, relu);
    assert.equal(useWasmKernels("blas").set, "blas");
    const native = product(a, b, shapes, ta, tb, bias, relu);
    assert.deepEqual(native.shape, wasm.shape);
    const { value, bound } = reference(a, b, m, n, k, ta, tb, bias, relu);
    for (let i = 0; i < m * n; i++) {
      const what = `case ${c} (${m}×${k}·${k}×${n}, ta=${ta}, tb=${tb}, bias=${!!bias}, relu=${relu}) entry ${i}`;
      assert.ok(Math.abs(native.values[i] - value[i]) <= bound[i], `${what}: native ${native.values[i]} vs exact ${value[i]} (bound ${bound[i]})`);
      assert.ok(Math.abs(native.values[i] - wasm.values[i]) <= 2 * bound[i], `${what}: native ${native.values[i]} vs wasm ${wasm.values[i]}`);
    }
  }
});

test("native BLAS: batched and broadcast products, empty ones and gradients match the cpu backend", async (t) => {
  if (!needAddon(t)) return;
  useWasmKernels("blas");
  const cases: Array<() => tf.Tensor> = [
    () => tf.matMul(tf.randomNormal([3, 8, 5], 0, 1, "float32", 1), tf.randomNormal([3, 7, 8], 0, 1, "float32", 2), true, true),
    () => tf.matMul(tf.randomNormal([1, 4, 6], 0, 1, "float32", 3), tf.randomNormal([5, 6, 3], 0, 1, "float32", 4)),
    () => tf.matMul(tf.randomNormal([2, 3, 4, 6], 0, 1, "float32", 5), tf.randomNormal([6, 2], 0, 1, "float32", 6)),
    () => tf.matMul(tf.zeros([0, 4]), tf.randomNormal([4, 3], 0, 1, "float32", 7)),
    () => tf.matMul(tf.zeros([5, 0]), tf.zeros([0, 3])),
    () =>
      tf.fused.matMul({
        a: tf.randomNormal([6, 4], 0, 1, "float32", 8),
        b: tf.randomNormal([4, 3], 0, 1, "float32", 9),
        bias: tf.randomNormal([3], 0, 1, "float32", 10),
        activation: "elu",
      }),
    () =>
      tf.grad((w: tf.Tensor) =>
        tf
          .relu(tf.matMul(tf.randomNormal([32, 10], 0, 1, "float32", 11), w))
          .square()
          .sum(),
      )(tf.randomNormal([10, 4], 0, 1, "float32", 12)),
  ];
  for (const [i, f] of cases.entries()) {
    await tf.setBackend("cpu");
    const cpu = tf.tidy(() => {
      const r = f();
      return { v: Array.from(r.dataSync()), s: r.shape };
    });
    await tf.setBackend("wasm");
    const nat = tf.tidy(() => {
      const r = f();
      return { v: Array.from(r.dataSync()), s: r.shape };
    });
    assert.deepEqual(nat.s, cpu.s, `case ${i} shape`);
    for (let j = 0; j < cpu.v.length; j++)
      assert.ok(Math.abs(nat.v[j] - cpu.v[j]) <= 1e-4 * (1 + Math.abs(cpu.v[j])), `case ${i} entry ${j}: ${nat.v[j]} vs ${cpu.v[j]}`);
  }
});

test("native BLAS kernels free what they allocate", (t) => {
  if (!needAddon(t)) return;
  useWasmKernels("blas");
  const a = tf.randomNormal([64, 32]);
  const b = tf.randomNormal([64, 16]);
  tf.tidy(() => tf.matMul(a, b, true, false)).dispose();
  const before = tf.engine().backend.numDataIds();
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.fused.matMul({ a, b, transposeA: true, bias: tf.ones([16]), activation: "relu" })).dispose();
  assert.equal(tf.engine().backend.numDataIds(), before);
  tf.dispose([a, b]);
});

test("the addon rejects arrays shorter than the product with a clear message", (t) => {
  if (!needAddon(t)) return;
  const { addon } = loadNativeBlas();
  assert.throws(
    () => addon!.gemm(new Float32Array(5), new Float32Array(6), new Float32Array(9), 1, 3, 3, 2, 0, 0, 0, 0, null, false),
    /gemm: an array is shorter than its matrices/,
  );
  assert.throws(
    () => addon!.gemm(new Float32Array(6), new Float32Array(6), new Float32Array(9), 1, 3, 3, 2, 0, 0, 0, 0, new Float32Array(2), false),
    /bias must be a Float32Array of n values/,
  );
});

test("under Node's permission model (the grader's sandbox) the backend refuses the addon cleanly and trains on WASM", () => {
  const code = `const tf=require("@tensorflow/tfjs");require(${JSON.stringify(path.join(ROOT, "lib", "backend.ts"))}).setupBackend().then(i=>{const w=tf.variable(tf.ones([3,2]));const g=tf.grad(v=>tf.matMul(tf.ones([4,3]),v).sum())(w);console.log("RESULT",JSON.stringify(i),g.dataSync()[0])},e=>{console.error(e.message);process.exit(3)})`;
  // The grader's flags minus its scratch paths: reads allowed, no --allow-addons (workers only for tsx, which the
  // grader does not use: its child runs the compiled library).
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--experimental-permission", "--disable-warning=ExperimentalWarning", "--allow-fs-read=*", "--allow-worker", "-e", code],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, MTL_BACKEND: "", MTL_NATIVE_BLAS: "", MTL_WASM_KERNELS: "", MTL_WASM_PATCHES: "" } },
  );
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  const info = JSON.parse(
    out
      .split("RESULT ")[1]
      .split("\n")[0]
      .replace(/ [\d.]+$/, ""),
  );
  assert.equal(info.name, "wasm");
  assert.equal(info.kernels, "js");
  // Where the addon is expected it exists, so the refusal is what keeps it out.
  assert.match(out, expected ? /native BLAS not in use: Node's permission model refuses addons/ : /native BLAS not in use: /);
  assert.match(out, /RESULT .* 4\n/, "a gradient computed on WASM");
});

test("the install step never fails: no compiler, or turned off, is one line and exit 0", () => {
  const script = path.join(ROOT, "lib", "native", "build.cjs");
  const noTools = spawnSync(process.execPath, [script], { encoding: "utf8", env: { PATH: "/nonexistent" } });
  assert.equal(noTools.status, 0, noTools.stderr);
  const lines = noTools.stdout.trim().split("\n");
  assert.equal(lines.length, 1, noTools.stdout);
  assert.match(lines[0], /^mtl-blas: not built \((no C compiler|skipped: built on Linux x64 only|Node's headers).*\); the kit runs on WASM$/);
  const off = spawnSync(process.execPath, [script], { encoding: "utf8", env: { ...process.env, MTL_NATIVE_BLAS: "0" } });
  assert.equal(off.status, 0);
  assert.equal(off.stdout.trim(), "mtl-blas: not built (skipped: MTL_NATIVE_BLAS=0); the kit runs on WASM");
});
