import { test } from "node:test";
import assert from "node:assert/strict";
import { mmoeSyntheticFamily, normalizeTargets, scaleTargets } from "../../lib/tasks";

const meanOf = (y: Float32Array) => y.reduce((a, b) => a + b, 0) / y.length;
const sdOf = (y: Float32Array) => {
  const m = meanOf(y);
  return Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / (y.length - 1));
};

test("normalizeTargets puts every task's training labels at mean 0, sd 1, whatever their scale", () => {
  const base = mmoeSyntheticFamily({ correlation: 0.5, inputDim: 8, trainSize: 400, testSize: 100, seed: 3 });
  const family = scaleTargets(base, [1, 10]);
  const normalized = normalizeTargets(family);
  for (const t of normalized.tasks) {
    assert.ok(Math.abs(meanOf(t.train.y)) < 1e-4, `${t.name} train mean ${meanOf(t.train.y)}`);
    assert.ok(Math.abs(sdOf(t.train.y) - 1) < 1e-4, `${t.name} train sd ${sdOf(t.train.y)}`);
  }
  // The ×10 task's scale is found, and recorded so predictions can be mapped back.
  const ratio = normalized.targetScales[1].sd / sdOf(base.tasks[1].train.y);
  assert.ok(Math.abs(ratio - 10) < 1e-3, `sd ratio ${ratio}`);
});

test("normalizeTargets standardizes the test labels with the training statistics", () => {
  const family = mmoeSyntheticFamily({ correlation: 0.5, inputDim: 8, trainSize: 300, testSize: 50, seed: 4 });
  const normalized = normalizeTargets(family);
  family.tasks.forEach((t, i) => {
    const { mean, sd } = normalized.targetScales[i];
    const back = normalized.tasks[i].test.y.map((v) => mean + sd * v);
    back.forEach((v, k) => assert.ok(Math.abs(v - t.test.y[k]) < 1e-4));
    assert.notEqual(meanOf(normalized.tasks[i].test.y), 0);
  });
  // Inputs are untouched: the same rows, the same array.
  assert.equal(normalized.tasks[0].train.x, family.tasks[0].train.x);
});
