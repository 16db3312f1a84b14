import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { flatAdam, JS_UPDATE_LIMIT } from "../../lib/optim/adam";

before(async () => {
  await setupBackend({ quiet: true });
});

/** Trains two variables on a fixed quadratic with the given optimizer and returns their values. */
function trajectory(optimizer: tf.Optimizer, steps: number): number[] {
  const a = tf.variable(tf.tensor1d([1, 2, 3]));
  const b = tf.variable(
    tf.tensor2d([
      [1, -1],
      [0.5, 2],
    ]),
  );
  const c = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.tidy(() => a.square().sum().add(b.mul(c).sum()).add(b.square().mul(0.3).sum()) as tf.Scalar));
  }
  const out = [...a.dataSync(), ...b.dataSync()];
  tf.dispose([a, b, c]);
  return out;
}

test("FlatAdam follows tf.train.adam step for step", () => {
  for (const steps of [1, 7, 40]) {
    const ref = trajectory(tf.train.adam(0.05), steps);
    const flat = trajectory(flatAdam({ learningRate: 0.05 }), steps);
    // float32 arithmetic in a different order: agree to a few ulps per step.
    ref.forEach((r, i) => assert.ok(Math.abs(r - flat[i]) < 5e-5 * Math.max(1, Math.abs(r)), `step ${steps}, value ${i}: ${r} vs ${flat[i]}`));
  }
});

test("FlatAdam keeps no tensors beyond its two state vectors", () => {
  const opt = flatAdam({ learningRate: 0.01 });
  const w = tf.variable(tf.ones([5, 3]));
  const loss = () => tf.tidy(() => w.square().sum() as tf.Scalar);
  opt.minimize(loss);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) opt.minimize(loss);
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  w.dispose();
});

test("FlatAdam restarts its state when the set of variables changes", () => {
  const opt = flatAdam({ learningRate: 0.1 });
  const a = tf.variable(tf.scalar(1));
  const b = tf.variable(tf.tensor1d([1, 1]));
  opt.minimize(() => a.square() as tf.Scalar);
  opt.minimize(() => b.square().sum() as tf.Scalar);
  // A fresh Adam's first step moves each coordinate by about the learning rate.
  assert.ok(Math.abs(b.dataSync()[0] - 0.9) < 1e-3, `got ${b.dataSync()[0]}`);
  opt.dispose();
  tf.dispose([a, b]);
});

test("above JS_UPDATE_LIMIT parameters FlatAdam updates with kernels, to the same numbers, without leaks", () => {
  const n = JS_UPDATE_LIMIT + 1000;
  const run = (optimizer: tf.Optimizer): number[] => {
    const w = tf.variable(tf.linspace(-1, 1, n));
    const loss = () =>
      tf.tidy(
        () =>
          w
            .square()
            .mul(tf.linspace(0.5, 2, n))
            .sum() as tf.Scalar,
      );
    optimizer.minimize(loss);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 9; i++) optimizer.minimize(loss);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    const out = Array.from(w.dataSync()).filter((_, i) => i % 997 === 0);
    w.dispose();
    optimizer.dispose();
    return out;
  };
  const ref = run(tf.train.adam(0.05));
  const flat = run(flatAdam({ learningRate: 0.05 }));
  ref.forEach((r, i) => assert.ok(Math.abs(r - flat[i]) < 5e-5 * Math.max(1, Math.abs(r)), `value ${i}: ${r} vs ${flat[i]}`));
});
