/**
 * Watch on a bug in stock tfjs-backend-wasm 4.22: _FusedMatMul with a bias and a transpose flag
 * returns wrong values (max error ~1.9 on a 51×37·37×29 product). The kit's kernels never reach
 * that path (they transpose first, or use native BLAS). The first test documents the stock
 * kernel's behaviour: when a tfjs upgrade fixes it, it fails, and the workaround's note in
 * lib/kernels/wasm-matmul.ts can go. The second checks the kit's kernels are right.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { stockKernelFunc, type KernelArgs, type TensorInfo } from "../../lib/kernels/wasm-backend";
import { useWasmKernels, type WasmKernelSet } from "../../lib/kernels/wasm-kernels";
import { maxDiff, onCpuAndWasm, randomTensor } from "./kernel-helpers";

before(async () => {
  await setupBackend({ quiet: true, prefer: "wasm" });
});

/** The 51×37·37×29 product with bias, b given transposed: what tf.fused.matMul computes. */
const fused = () =>
  tf.tidy(() => tf.fused.matMul({ a: randomTensor([51, 37], 1), b: randomTensor([29, 37], 2), transposeB: true, bias: randomTensor([29], 3) }));

test("stock tfjs-backend-wasm 4.22's _FusedMatMul is wrong with a bias and transposeB (upstream bug still present)", async () => {
  await tf.setBackend("cpu");
  const expected = fused();
  const reference = Array.from(expected.dataSync());
  expected.dispose();
  await tf.setBackend("wasm");
  const backend = tf.backend() as unknown as KernelArgs["backend"] & { readSync(id: object): Float32Array };
  const runStock = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, transposeB: boolean): number[] => {
    const out: TensorInfo = stockKernelFunc("_FusedMatMul")({
      inputs: { a, b, bias } as never,
      backend,
      attrs: { transposeA: false, transposeB, activation: "linear" },
    });
    assert.deepEqual(out.shape, [1, 51, 29]);
    const values = Array.from(backend.readSync(out.dataId));
    backend.disposeData(out.dataId);
    return values;
  };
  // Control: called the same way without the transpose flag, the stock kernel is right.
  const plain = tf.tidy(() => [
    randomTensor([51, 37], 1).reshape([1, 51, 37]),
    randomTensor([29, 37], 2).transpose().reshape([1, 37, 29]),
    randomTensor([29], 3),
  ]);
  assert.ok(maxDiff(runStock(plain[0], plain[1], plain[2], false), reference) < 1e-4, "the stock kernel without a transpose flag matches the cpu backend");
  tf.dispose(plain);
  // Call the stock kernel directly, whichever kernels are registered; tf.fused.matMul hands kernels rank-3 operands.
  const [a, b, bias] = [randomTensor([51, 37], 1).reshape([1, 51, 37]), randomTensor([29, 37], 2).reshape([1, 29, 37]), randomTensor([29], 3)];
  const stock = runStock(a, b, bias, true);
  tf.dispose([a, b, bias]);
  const err = maxDiff(stock, reference);
  assert.ok(
    err > 0.1,
    `the stock kernel now matches the cpu backend (max error ${err}): the upstream bug is fixed; update lib/kernels/wasm-matmul.ts's note and this test`,
  );
});

for (const set of ["matmul", "js", "blas"] as WasmKernelSet[]) {
  test(`the kit's '${set}' kernels compute the fused product with a bias and transposes correctly`, async (t) => {
    const { set: got, why } = useWasmKernels(set);
    if (got !== set) {
      t.skip(`'${set}' is not available here: ${why} (kernels-native-blas.test.ts decides whether that is allowed)`);
      return;
    }
    for (const [ta, tb] of [
      [false, true],
      [true, false],
      [true, true],
    ]) {
      const r = await onCpuAndWasm(() =>
        tf.tidy(() =>
          tf.fused.matMul({
            a: randomTensor(ta ? [37, 51] : [51, 37], 1),
            b: randomTensor(tb ? [29, 37] : [37, 29], 2),
            transposeA: ta,
            transposeB: tb,
            bias: randomTensor([29], 3),
            activation: "relu",
          }),
        ),
      );
      assert.deepEqual(r.wasm.shape, [51, 29]);
      assert.ok(maxDiff(r.wasm.values, r.cpu.values) < 1e-4, `transposeA=${ta} transposeB=${tb}: max diff ${maxDiff(r.wasm.values, r.cpu.values)}`);
    }
  });
}
