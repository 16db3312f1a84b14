/** The MMoE family's p is the correlation of the linear parts; labelCorrelation measures the labels'. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labelCorrelation, mmoeSyntheticFamily, pearson } from "../../lib/tasks/mmoe-synthetic";
import { sinusoidFamily } from "../../lib/tasks/sinusoid";
import { scaleTargets } from "../../lib/tasks/subsets";

test("labelCorrelation is the Pearson matrix of the tasks' labels, exposed on the MMoE family", () => {
  const fam = mmoeSyntheticFamily({ correlation: 0.5, numTasks: 3, inputDim: 20, trainSize: 2000, testSize: 500, seed: 4 });
  const m = labelCorrelation(fam);
  const ys = fam.tasks.map((t) => t.train.y);
  for (let a = 0; a < 3; a++) {
    assert.equal(m[a][a], 1);
    for (let b = 0; b < 3; b++) assert.equal(m[a][b], a === b ? 1 : pearson(ys[a], ys[b]));
  }
  assert.deepEqual(fam.labelCorrelations, m);
  assert.ok(Math.abs(fam.labelCorrelation - (m[0][1] + m[0][2] + m[1][2]) / 3) < 1e-12);
  assert.notDeepEqual(labelCorrelation(fam, "test"), m, "the test split is measured on its own labels");
  // Positive rescaling of a task's labels leaves the correlation unchanged.
  const scaled = scaleTargets(fam, [1, 10, 1]);
  assert.ok(Math.abs(labelCorrelation(scaled)[0][1] - m[0][1]) < 1e-9);
  assert.throws(() => labelCorrelation(sinusoidFamily({ numTasks: 2, seed: 1 })), /do not share inputs/);
});

test("the MMoE family's p is not the labels' correlation: at p = 0.5 it is lower on average and varies with the seed", () => {
  const at = (p: number, seed: number) => mmoeSyntheticFamily({ correlation: p, inputDim: 20, trainSize: 3000, testSize: 10, seed });
  assert.ok(at(1, 1).labelCorrelation > 0.99, "identical weight vectors give (almost) identical labels");
  assert.ok(Math.abs(at(0, 1).labelCorrelation) < 0.1, "orthogonal weight vectors give uncorrelated labels");
  const half = [1, 2, 3, 4, 5, 6].map((seed) => at(0.5, seed).labelCorrelation);
  // The linear parts correlate at 0.5 on every seed (tasks.test.ts); the labels do not.
  const mean = half.reduce((a, b) => a + b, 0) / half.length;
  assert.ok(mean < 0.4, `label correlations ${half}, mean ${mean}`);
  assert.ok(Math.max(...half) - Math.min(...half) > 0.1, `label correlations ${half} barely vary with the seed`);
});
