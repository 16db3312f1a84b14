import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import { deltaM, gradientCosine, lookaheadAffinity, chooseGroups, partitions, groupScore } from "../../lib/diagnostics";
import { multiHead, independent } from "../../lib/models";
import { dataset, oneHot, type TaskFamily } from "../../lib/tasks/task";
import { paretoFront, lossCurves, heatmap } from "../../lib/plots/charts";
import { History } from "../../lib/training/history";

before(async () => {
  await setupBackend({ quiet: true });
});

/** Three regression tasks on shared inputs: y, the same y, and −y. */
function mirrored(): TaskFamily {
  const rng = new Rng(1);
  const n = 256;
  const x = rng.normals(n * 3);
  const y = Float32Array.from({ length: n }, (_, i) => x[3 * i] + 0.5 * x[3 * i + 1]);
  const neg = y.map((v) => -v);
  const t = (name: string, ys: Float32Array, i: number) => ({
    name,
    index: i,
    descriptor: oneHot(i, 3),
    train: dataset(x, ys, 3, 1),
    test: dataset(x, ys, 3, 1),
    loss: "mse" as const,
    metric: "mse" as const,
  });
  return { name: "mirrored", inputDim: 3, outputDim: 1, descriptorDim: 3, tasks: [t("a", y, 0), t("a again", y, 1), t("minus a", neg, 2)], sharedInputs: true };
}

/**
 * A shared-bottom model whose towers are all the same, so tasks differ only by their targets; the
 * tower is scaled down so predictions start near zero and the gradients of y and −y are opposite.
 */
function tiedModel() {
  const m = multiHead({ inputDim: 3, numTasks: 3, bottom: [8], tower: [], seed: 2 });
  tf.tidy(() => m.towers[0].variables.forEach((v) => v.assign(v.mul(0.01))));
  tf.tidy(() => m.towers.slice(1).forEach((tw) => tw.variables.forEach((v, i) => v.assign(m.towers[0].variables[i]))));
  return m;
}

test("Δm: positive when the multi-task model is better, with the right sign per metric", () => {
  assert.ok(Math.abs(deltaM([0.9], [1.0], [true]) - 10) < 1e-9, "10% lower error is +10");
  assert.ok(Math.abs(deltaM([0.9], [1.0], [false]) + 10) < 1e-9, "10% lower accuracy is −10");
  assert.ok(Math.abs(deltaM([0.8, 0.55], [1.0, 0.5], [true, false]) - 15) < 1e-9);
});

test("gradient cosine: identical tasks agree, mirrored tasks conflict", () => {
  const m = tiedModel();
  const c = gradientCosine(m, mirrored(), { batchSize: 64, batches: 2 });
  assert.ok(Math.abs(c[0][1] - 1) < 1e-4, `identical tasks: ${c[0][1]}`);
  assert.ok(c[0][2] < -0.5, `mirrored tasks: ${c[0][2]}`);
  assert.ok(Math.abs(c[2][2] - 1) < 1e-4);
  assert.throws(() => gradientCosine(independent({ inputDim: 3, numTasks: 3 }), mirrored()), /shares no parameters/);
  m.dispose();
});

test("lookahead affinity: a task helps itself and its twin, and hurts its mirror; the model is unchanged", () => {
  const m = tiedModel();
  const before = m.variables.map((v) => Array.from(v.dataSync()));
  const z = lookaheadAffinity(m, mirrored(), { learningRate: 0.05, batchSize: 128 });
  assert.ok(z[0][0] > 0, `self affinity ${z[0][0]}`);
  assert.ok(z[0][1] > 0, `twin affinity ${z[0][1]}`);
  assert.ok(z[0][2] < 0, `mirror affinity ${z[0][2]}`);
  m.variables.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), before[i]));
  m.dispose();
});

test("the grouping chooser recovers planted groups", () => {
  // Tasks {0,1,2} help each other, {3,4} help each other, across blocks they hurt.
  const Z = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : i < 3 === j < 3 ? 0.5 : -0.3)));
  const best = chooseGroups(Z, { numGroups: 2 });
  assert.deepEqual(best.groups, [
    [0, 1, 2],
    [3, 4],
  ]);
  assert.equal(partitions(4, 2).length, 7, "Stirling number S(4,2)");
  assert.equal(groupScore([1], Z), 0);
});

test("Pareto front keeps exactly the non-dominated points", () => {
  const pts = [
    { x: 1, y: 5, label: "a" },
    { x: 2, y: 2, label: "b" },
    { x: 3, y: 3, label: "c" },
    { x: 5, y: 1, label: "d" },
    { x: 2, y: 4, label: "e" },
  ];
  assert.deepEqual(paretoFront(pts), [0, 1, 3]);
});

test("charts build one trace per task from a history", () => {
  const h = new History(["a", "b"]);
  for (let s = 0; s < 5; s++) h.steps.push({ step: s, losses: [1 / (s + 1), 2 / (s + 1)], weights: [1, 1] });
  const f = lossCurves(h, { smoothing: 2 });
  assert.equal(f.data.length, 2);
  assert.deepEqual((f.data[0] as { y: number[] }).y.slice(0, 2), [1, 0.75]);
  const hm = heatmap(
    [
      [1, -1],
      [0, 1],
    ],
    { x: ["a", "b"], y: ["a", "b"], title: "t" },
  );
  assert.equal(hm.data[0].type, "heatmap");
});
