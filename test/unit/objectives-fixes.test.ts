/**
 * Regression tests for weightings that silently did the wrong thing: group DRO with one task per
 * step, GradNorm without shared parameters, GradNorm's weights flipping every step.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import type { Architecture } from "../../lib/models/architecture";
import { regressionFamily, tinyModel } from "./helpers";
import { train } from "../../lib/training/trainer";
import { mmoeSyntheticFamily } from "../../lib/tasks/mmoe-synthetic";
import { scaleTargets } from "../../lib/tasks/subsets";
import { independent } from "../../lib/models/independent";
import { softSharing } from "../../lib/models/soft-sharing";
import { multiHead } from "../../lib/models/multi-head";

before(async () => {
  await setupBackend({ quiet: true });
});

const ctx = (model: Architecture, tasks: number[], step = 0): o.WeightingContext => ({ step, model, tasks });

test("group DRO with one sampled task per step moves q toward the worst task (Sagawa et al.'s update over all groups)", () => {
  const m = tinyModel({ inputDim: 2, hidden: 2, numTasks: 3, seed: 1 });
  const dro = o.groupDro(3, { eta: 0.1 });
  // Round-robin, one task per step, task 2 always the worst.
  const losses = [0.5, 1.0, 3.0];
  for (let s = 0; s < 60; s++) dro.observe?.([losses[s % 3]], ctx(m, [s % 3], s));
  const q = dro.q();
  assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-9, `q sums to ${q}`);
  assert.ok(q[2] > 0.5 && q[2] > q[1] && q[1] > q[0], `q = ${q}`);
  // One step in detail: only the sampled task's factor differs from 1.
  const one = o.groupDro(3, { eta: 0.1 });
  one.observe?.([2], ctx(m, [1]));
  const z = 2 + Math.exp(0.2);
  assert.deepEqual(
    one.q().map((x) => +x.toFixed(12)),
    [1 / z, Math.exp(0.2) / z, 1 / z].map((x) => +x.toFixed(12)),
  );
  m.dispose();
});

test("group DRO trained with uniform task sampling puts most weight on the hard task", async () => {
  const rng = new Rng(5);
  const n = 256;
  const x = rng.normals(n * 2);
  // Task 0 is easy and clean; task 1 has label noise of variance 4, so its loss stays the largest.
  const ys = [Float32Array.from({ length: n }, (_, i) => 0.5 * x[2 * i]), Float32Array.from({ length: n }, (_, i) => x[2 * i + 1] + rng.normal(0, 2))];
  const fam = regressionFamily("easy and noisy", x, ys);
  const m = tinyModel({ inputDim: 2, hidden: 4, numTasks: 2, seed: 2 });
  const dro = o.groupDro(2, { eta: 0.05 });
  const history = await train(m, fam, { weighting: dro, steps: 100, taskSampling: "uniform", tasksPerStep: 1, progress: false, evalEvery: 0, seed: 3 });
  const q = dro.q();
  assert.ok(q[1] > 0.8, `q = ${q}`);
  // The recorded weights move too (they stayed at 0.5 when each step renormalised over one task).
  assert.notEqual(history.steps[10].weights[1], history.steps[90].weights[1]);
  m.dispose();
});

test("GradNorm on a model without shared parameters (independent, soft sharing) throws a clear error", async () => {
  const fam = mmoeSyntheticFamily({ correlation: 0.5, inputDim: 4, trainSize: 64, testSize: 16, seed: 1 });
  for (const model of [independent({ inputDim: 4, numTasks: 2, hidden: [4], seed: 1 }), softSharing({ inputDim: 4, numTasks: 2, hidden: [4], seed: 1 })]) {
    await assert.rejects(train(model, fam, { weighting: o.gradNorm(2), steps: 3, progress: false, evalEvery: 0 }), /GradNorm .* shares no parameters/);
    model.dispose();
  }
  // One task per step leaves nothing to balance: also an error, not a silent w = 1.
  const shared = tinyModel({ inputDim: 4, hidden: 3, numTasks: 2, seed: 1 });
  await assert.rejects(train(shared, fam, { weighting: o.gradNorm(2), steps: 3, taskSampling: "uniform", progress: false, evalEvery: 0 }), /single task/);
  shared.dispose();
});

test("GradNorm's weights settle instead of flipping every step on notebook 03's family (×10 second task)", async () => {
  const base = mmoeSyntheticFamily({ correlation: 0.5, inputDim: 20, trainSize: 3000, testSize: 200, seed: 31 });
  const fam = scaleTargets(base, [1, 10]);
  const model = multiHead({ inputDim: 20, numTasks: 2, bottom: [32], tower: [8], seed: 1 });
  const history = await train(model, fam, { weighting: o.gradNorm(2), steps: 500, batchSize: 64, learningRate: 0.01, progress: false, evalEvery: 0 });
  model.dispose();
  const d = history.steps.map((s) => s.weights[0] - s.weights[1]);
  const diff = d.slice(1).map((x, i) => x - d[i]);
  // The gap w₁ − w₂ changing sign, and the weights reversing direction, from one step to the next.
  const signChanges = d.slice(1).filter((x, i) => Math.sign(x) !== Math.sign(d[i])).length / (d.length - 1);
  const reversals = diff.slice(1).filter((x, i) => x * diff[i] < 0).length / (diff.length - 1);
  // Plain gradient steps with renormalisation: sign changes 0–9% of steps, reversals 75–98% (bang-bang).
  assert.ok(signChanges <= 0.01, `w₁ − w₂ changed sign on ${(100 * signChanges).toFixed(1)}% of steps`);
  assert.ok(reversals < 0.3, `the weights reversed direction on ${(100 * reversals).toFixed(1)}% of steps`);
  // And they still find the scale problem: the ×10 task ends down-weighted.
  const last = history.steps[history.steps.length - 1].weights;
  assert.ok(last[1] < 0.5 * last[0], `final weights ${last}`);
});

test("GradNorm with initialLossSteps k: weights stay 1 for k steps, then L_i(0) is the mean of the first k losses", () => {
  const m = tinyModel({ inputDim: 2, hidden: 3, numTasks: 2, seed: 4 });
  const W = m.lastSharedVariables[0];
  const rng = new Rng(8);
  const losses = [
    [2, 40],
    [1.6, 35],
    [1.5, 33],
    [1.2, 30],
    [1.0, 29],
  ];
  const grads = losses.map(() => [0, 1].map((t) => Array.from(rng.normals(W.size, 0, t ? 5 : 1))));
  const gn = o.gradNorm(2, { initialLossSteps: 3 });
  const seen: number[][] = [];
  losses.forEach((values, step) => {
    tf.tidy(() => {
      gn.combineGradients(
        grads[step].map((g) => ({ [W.name]: tf.tensor(g, W.shape) })),
        values,
        ctx(m, [0, 1], step),
      );
    });
    seen.push(gn.weights());
  });
  assert.deepEqual(seen[0], [1, 1]);
  assert.deepEqual(seen[1], [1, 1]);
  // The first move, at step 2, uses L(0) = mean of steps 0..2 and ratios of step 2.
  const L0 = [0, 1].map((t) => (losses[0][t] + losses[1][t] + losses[2][t]) / 3);
  const n = (step: number) => grads[step].map((g) => Math.hypot(...g));
  let state = o.gradNormStep(
    o.gradNormInitialState(2),
    n(2),
    [0, 1].map((t) => losses[2][t] / L0[t]),
    1.5,
    0.025,
  );
  o.gradNormWeights(state.logits).forEach((w, i) => assert.ok(Math.abs(w - seen[2][i]) < 1e-9, `step 2, w_${i}: ${seen[2][i]} vs ${w}`));
  state = o.gradNormStep(
    state,
    n(3),
    [0, 1].map((t) => losses[3][t] / L0[t]),
    1.5,
    0.025,
  );
  o.gradNormWeights(state.logits).forEach((w, i) => assert.ok(Math.abs(w - seen[3][i]) < 1e-9, `step 3, w_${i}: ${seen[3][i]} vs ${w}`));
  assert.throws(() => o.gradNorm(2, { initialLossSteps: 0 }), /positive integer/);
  m.dispose();
});
