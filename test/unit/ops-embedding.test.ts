import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { embeddingLookup } from "../../lib/ops/embedding";

before(async () => {
  await setupBackend({ quiet: true, prefer: "wasm" });
});

const table = () =>
  tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]);
const ids = () => tf.tensor1d([2, 0, 2, 3], "int32");
const weights = () =>
  tf.tensor2d([
    [1, -1],
    [2, 0.5],
    [0, 3],
    [-2, 1],
  ]);

test("tf.gather's gradient really is missing on WASM (the reason for this op)", () => {
  assert.throws(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.gather(t, ids()).mul(weights()).sum())(table())), /UnsortedSegmentSum/);
});

test("embeddingLookup's forward pass gathers rows", () => {
  const out = tf.tidy(() => embeddingLookup(table(), ids()).arraySync());
  assert.deepEqual(out, [
    [5, 6],
    [1, 2],
    [5, 6],
    [7, 8],
  ]);
});

test("embeddingLookup's gradient on WASM equals tf.gather's gradient on cpu", async () => {
  const wasm = tf.tidy(() =>
    tf
      .grad((t: tf.Tensor) =>
        embeddingLookup(t as tf.Tensor2D, ids())
          .mul(weights())
          .sum(),
      )(table())
      .arraySync(),
  );
  await tf.setBackend("cpu");
  try {
    const cpu = tf.tidy(() =>
      tf
        .grad((t: tf.Tensor) => tf.gather(t, ids()).mul(weights()).sum())(table())
        .arraySync(),
    );
    assert.deepEqual(wasm, cpu);
    assert.deepEqual(
      cpu,
      [
        [2, 0.5],
        [0, 0],
        [1, 2],
        [-2, 1],
      ],
      "repeated ids accumulate",
    );
  } finally {
    await tf.setBackend("wasm");
  }
});

test("tidyRead returns plain data and frees the scope's tensors", async () => {
  const { tidyRead } = await import("../../lib/ops/read");
  const before = tf.memory().numTensors;
  const values = tidyRead(() => tf.ones([1000]).mul(2).dataSync());
  assert.equal(values.length, 1000);
  assert.equal(values[999], 2);
  assert.equal(tf.memory().numTensors, before);
});
