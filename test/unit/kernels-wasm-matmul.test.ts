import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { useWasmKernels } from "../../lib/kernels/wasm-kernels";
import { maxDiff, onCpuAndWasm, randomTensor } from "./kernel-helpers";

before(async () => {
  await setupBackend({ quiet: true, prefer: "wasm" });
  // The transposing kernels themselves, whether or not native BLAS would be picked here.
  useWasmKernels("matmul");
});

/** Runs f on the cpu backend (reference) and on wasm (patched), returning both results. */
async function onBoth(f: () => tf.Tensor): Promise<{ cpu: number[]; wasm: number[]; shape: number[] }> {
  const r = await onCpuAndWasm(f);
  return { cpu: r.cpu.values, wasm: r.wasm.values, shape: r.wasm.shape };
}

for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  test(`matMul with transposeA=${ta}, transposeB=${tb} matches the cpu backend`, async () => {
    const r = await onBoth(() =>
      tf.tidy(() => {
        const a = randomTensor(ta ? [37, 19] : [19, 37], 1);
        const b = randomTensor(tb ? [23, 37] : [37, 23], 2);
        return tf.matMul(a, b, ta, tb);
      }),
    );
    assert.deepEqual(r.shape, [19, 23]);
    assert.ok(maxDiff(r.cpu, r.wasm) < 1e-4, `max diff ${maxDiff(r.cpu, r.wasm)}`);
  });
}

test("batched and fused matmuls (bias + relu) with transposes match the cpu backend", async () => {
  const batched = await onBoth(() => tf.tidy(() => tf.matMul(randomTensor([3, 8, 5], 3), randomTensor([3, 7, 8], 4), true, true)));
  assert.deepEqual(batched.shape, [3, 5, 7]);
  assert.ok(maxDiff(batched.cpu, batched.wasm) < 1e-4);
  const fused = await onBoth(() =>
    tf.tidy(() =>
      tf.fused.matMul({
        a: randomTensor([16, 9], 5),
        b: randomTensor([12, 16], 6),
        transposeA: true,
        transposeB: true,
        bias: randomTensor([12], 7),
        activation: "relu",
      }),
    ),
  );
  assert.ok(maxDiff(fused.cpu, fused.wasm) < 1e-4);
});

test("gradients through matmul match the cpu backend", async () => {
  const r = await onBoth(() =>
    tf.tidy(() => {
      const x = randomTensor([32, 10], 8);
      const w = randomTensor([10, 4], 9);
      const g = tf.grad((wv: tf.Tensor) => tf.relu(tf.matMul(x, wv)).square().sum())(w);
      return g;
    }),
  );
  assert.ok(maxDiff(r.cpu, r.wasm) < 1e-3, `max diff ${maxDiff(r.cpu, r.wasm)}`);
});

test("the patched kernel frees its temporaries", () => {
  const a = randomTensor([64, 32], 10);
  const b = randomTensor([64, 16], 11);
  tf.tidy(() => tf.matMul(a, b, true, false)).dispose();
  // The transposed copies live only in the backend, so count the backend's buffers, not tensors.
  const buffers = () => tf.engine().backend.numDataIds();
  const before = buffers();
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.matMul(a, b, true, false)).dispose();
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.matMul(b, a, true, false)).dispose();
  assert.equal(buffers(), before);
  tf.dispose([a, b]);
});
