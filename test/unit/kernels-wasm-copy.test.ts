/**
 * The kit's JavaScript GatherV2, Slice and Concat kernels for WASM give exactly the cpu backend's
 * values, dtypes and shapes: seeded random shapes and the edge cases (empty tensors, one row,
 * int32 and bool, negative axes, batchDims), clear errors for bad ids, and no leaked buffers.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { stockWasmKernel } from "../../lib/kernels/wasm-backend";
import { useWasmKernels } from "../../lib/kernels/wasm-kernels";
import { Rng } from "../../lib/random";
import { onCpuAndWasm } from "./kernel-helpers";

before(async () => {
  await setupBackend({ quiet: true, prefer: "wasm" });
  useWasmKernels("js");
});

const DTYPES = ["float32", "int32", "bool"] as const;

/** A tensor of `shape` and `dtype` whose values come from `seed`. */
function tensorOf(shape: number[], dtype: (typeof DTYPES)[number], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => (dtype === "float32" ? rng.normal() : dtype === "int32" ? rng.int(2001) - 1000 : rng.int(2)));
  return tf.tensor(values, shape, dtype);
}

async function sameOnBoth(f: () => tf.Tensor, what: string): Promise<void> {
  assert.ok(tf.getKernel("GatherV2", "wasm")?.kernelFunc !== stockWasmKernel("GatherV2")?.kernelFunc, "the kit's kernels are registered");
  const r = await onCpuAndWasm(f);
  assert.deepEqual(r.wasm, r.cpu, what);
}

test("Slice equals the cpu backend on 150 random shapes, dtypes and windows", async () => {
  const rng = new Rng(11);
  for (let c = 0; c < 150; c++) {
    const rank = 1 + rng.int(5);
    const shape = Array.from({ length: rank }, () => rng.int(6) + (rng.next() < 0.1 ? 0 : 1));
    const begin = shape.map((d) => rng.int(d + 1));
    // -1 takes the rest of an axis; otherwise anything that fits.
    const size = shape.map((d, i) => (rng.next() < 0.2 ? -1 : rng.int(d - begin[i] + 1)));
    const dtype = DTYPES[rng.int(3)];
    await sameOnBoth(() => tf.tidy(() => tf.slice(tensorOf(shape, dtype, c), begin, size)), `slice ${dtype} [${shape}] at [${begin}] size [${size}]`);
  }
});

test("Slice edge cases: whole tensor, one row, one column, empty window, rank 6", async () => {
  const x = () => tensorOf([5, 7], "float32", 1);
  await sameOnBoth(() => tf.tidy(() => tf.slice(x(), [0, 0], [-1, -1])), "whole");
  await sameOnBoth(() => tf.tidy(() => tf.slice(x(), [3, 0], [1, -1])), "one row");
  await sameOnBoth(() => tf.tidy(() => tf.slice(x(), [0, 6], [-1, 1])), "one column");
  await sameOnBoth(() => tf.tidy(() => tf.slice(x(), [2, 2], [0, 3])), "empty");
  await sameOnBoth(() => tf.tidy(() => tf.slice(tensorOf([2, 3, 2, 3, 2, 3], "int32", 2), [1, 0, 1, 1, 0, 1], [1, 2, 1, 2, 2, 2])), "rank 6");
  await sameOnBoth(() => tf.tidy(() => tf.slice(tensorOf([0, 4], "float32", 3), [0, 1], [0, 2])), "empty input");
});

test("Concat equals the cpu backend on 150 random shapes, axes (negative too) and dtypes", async () => {
  const rng = new Rng(12);
  for (let c = 0; c < 150; c++) {
    const rank = 1 + rng.int(4);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
    const axis = rng.int(rank);
    const count = 2 + rng.int(3);
    const dtype = DTYPES[rng.int(3)];
    // Each input has its own extent along the axis, sometimes 0.
    const shapes = Array.from({ length: count }, () => shape.map((d, i) => (i === axis ? rng.int(4) : d)));
    const signedAxis = rng.next() < 0.5 ? axis : axis - rank;
    await sameOnBoth(
      () =>
        tf.tidy(() =>
          tf.concat(
            shapes.map((s, i) => tensorOf(s, dtype, c * 10 + i)),
            signedAxis,
          ),
        ),
      `concat ${dtype} ${JSON.stringify(shapes)} on ${signedAxis}`,
    );
  }
});

test("Concat edge cases: one row, all but one empty, all empty, wide rows, many inputs", async () => {
  await sameOnBoth(() => tf.tidy(() => tf.concat([tensorOf([1, 3], "float32", 1), tensorOf([1, 2], "float32", 2)], 1)), "one row");
  await sameOnBoth(
    () => tf.tidy(() => tf.concat([tensorOf([4, 0], "int32", 1), tensorOf([4, 3], "int32", 2), tensorOf([4, 0], "int32", 3)], 1)),
    "one non-empty",
  );
  await sameOnBoth(() => tf.tidy(() => tf.concat([tensorOf([0, 3], "float32", 1), tensorOf([0, 3], "float32", 2)], 0)), "all empty");
  await sameOnBoth(
    () => tf.tidy(() => tf.concat([tensorOf([3, 100], "float32", 1), tensorOf([3, 40], "float32", 2)], -1)),
    "rows longer than the copy loop's threshold",
  );
  await sameOnBoth(
    () =>
      tf.tidy(() =>
        tf.concat(
          Array.from({ length: 12 }, (_, i) => tensorOf([2, 1], "float32", i)),
          1,
        ),
      ),
    "many inputs",
  );
});

test("GatherV2 equals the cpu backend on 150 random shapes, axes, batchDims and dtypes", async () => {
  const rng = new Rng(13);
  for (let c = 0; c < 150; c++) {
    const rank = 1 + rng.int(4);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
    const axis = rng.int(rank);
    const batchDims = rng.int(axis + 1);
    // Indices: the batch axes of x, then 0–2 axes of ids (some empty).
    const idShape = [...shape.slice(0, batchDims), ...Array.from({ length: rng.int(3) }, () => rng.int(4))];
    const nIds = idShape.reduce((a, b) => a * b, 1);
    const ids = Array.from({ length: nIds }, () => rng.int(shape[axis]));
    const dtype = DTYPES[rng.int(3)];
    const signedAxis = rng.next() < 0.5 ? axis : axis - rank;
    await sameOnBoth(
      () => tf.tidy(() => tf.gather(tensorOf(shape, dtype, c), tf.tensor(ids, idShape, "int32"), signedAxis, batchDims)),
      `gather ${dtype} [${shape}] ids [${idShape}] axis ${signedAxis} batchDims ${batchDims}`,
    );
  }
});

test("GatherV2 edge cases: embedding rows, one id, no ids, repeated ids, wide rows", async () => {
  const table = () => tensorOf([50, 16], "float32", 1);
  await sameOnBoth(() => tf.tidy(() => tf.gather(table(), tf.tensor1d([3, 49, 0, 3, 3], "int32"))), "repeated ids");
  await sameOnBoth(() => tf.tidy(() => tf.gather(table(), tf.tensor1d([7], "int32"))), "one id");
  await sameOnBoth(() => tf.tidy(() => tf.gather(table(), tf.tensor1d([], "int32"))), "no ids");
  await sameOnBoth(
    () =>
      tf.tidy(() =>
        tf.gather(
          tensorOf([6, 70], "int32", 2),
          tf.tensor2d(
            [
              [5, 1],
              [0, 0],
            ],
            [2, 2],
            "int32",
          ),
        ),
      ),
    "2-d ids, wide rows",
  );
});

test("GatherV2 rejects bad ids with a clear message", () => {
  const table = tensorOf([4, 2], "float32", 1);
  assert.throws(() => tf.gather(table, tf.tensor1d([0, 4], "int32")), /GatherV2: the index value 4 is not in \[0, 3\]/);
  assert.throws(() => tf.gather(table, tf.tensor1d([-1], "int32")), /GatherV2: the index value -1 is not in \[0, 3\]/);
  // tf.gather insists on int32 ids; a direct kernel call can still pass floats.
  const ids = tf.tensor1d([1.5], "float32");
  assert.throws(
    () => tf.engine().runKernel("GatherV2", { x: table, indices: ids }, { axis: 0, batchDims: 0 }),
    /GatherV2: the index value 1.5 is not an integer/,
  );
  ids.dispose();
  table.dispose();
});

test("the JavaScript kernels free everything they allocate", () => {
  const x = tensorOf([64, 16], "float32", 1);
  const ids = tf.tensor1d([1, 5, 9, 63], "int32");
  const once = () =>
    tf
      .tidy(() =>
        tf.concat(
          [
            tf.gather(x, ids),
            tf.slice(x, [2, 3], [4, 5]).pad([
              [0, 0],
              [0, 11],
            ]),
          ],
          0,
        ),
      )
      .dispose();
  once();
  const before = tf.engine().backend.numDataIds();
  for (let i = 0; i < 20; i++) once();
  assert.equal(tf.engine().backend.numDataIds(), before);
  tf.dispose([x, ids]);
});

test("gradients through slice and concat equal the cpu backend's", async () => {
  // (Gather's gradient needs UnsortedSegmentSum, which WASM lacks: ops/embedding.ts has its own.)
  const g = () =>
    tf.tidy(() =>
      tf.grad((v: tf.Tensor) =>
        tf
          .concat([tf.slice(v, [1, 0], [3, -1]), tf.slice(v, [4, 1], [3, 2]).mul(2)], 1)
          .square()
          .sum(),
      )(tensorOf([10, 4], "float32", 7)),
    );
  await sameOnBoth(g, "slice + concat gradient");
});
