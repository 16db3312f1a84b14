import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import { multiHead } from "../../lib/models";
import type { TaskFamily } from "../../lib/tasks/task";
import { train } from "../../lib/training/trainer";
import { centralDifference, regressionFamily } from "./helpers";

before(async () => {
  await setupBackend({ quiet: true });
});

const model = () => multiHead({ inputDim: 2, numTasks: 2, bottom: [4], tower: [], seed: 1 });
const ctx = (m = model()) => ({ step: 0, model: m, tasks: [0, 1] });

test("task losses: MSE, stable BCE on logits, softmax cross-entropy", () => {
  tf.tidy(() => {
    const mse = o.taskLoss("mse", tf.tensor2d([[1], [3]]), tf.tensor2d([[0], [1]])).dataSync()[0];
    assert.ok(Math.abs(mse - 2.5) < 1e-6);
    const z = [-30, -1, 0, 2, 40];
    const y = [0, 1, 1, 0, 1];
    const ref =
      z.reduce((s, zi, i) => s - (y[i] * Math.log(1 / (1 + Math.exp(-zi))) + (1 - y[i]) * Math.log(1 - 1 / (1 + Math.exp(-zi)) || 1e-300)), 0) / z.length;
    const bce = o.taskLoss("bce", tf.tensor2d(z, [5, 1]), tf.tensor2d(y, [5, 1])).dataSync()[0];
    assert.ok(Number.isFinite(bce) && Math.abs(bce - ref) < 1e-4, `${bce} vs ${ref}`);
    const ce = o.taskLoss("softmax-ce", tf.tensor2d([[2, 0, 0]]), tf.tensor2d([[1, 0, 0]])).dataSync()[0];
    assert.ok(Math.abs(ce - -Math.log(Math.exp(2) / (Math.exp(2) + 2))) < 1e-5);
  });
});

test("uncertainty weighting: gradient in s matches finite differences, weights are ½e^{−s}", () => {
  const w = o.uncertaintyWeighting(2, 0.3);
  const c = ctx();
  const losses = () => [tf.scalar(0.8), tf.scalar(2.5)];
  const f = () => w.combine(losses(), c);
  const g = tf.tidy(() => Array.from(tf.variableGrads(f, [w.logVariances]).grads[w.logVariances.name].dataSync()));
  // Analytic: d/ds_i = −½ e^{−s_i} L_i + ½.
  [0.8, 2.5].forEach((L, i) => assert.ok(Math.abs(g[i] - (-0.5 * Math.exp(-0.3) * L + 0.5)) < 1e-5));
  for (let i = 0; i < 2; i++) {
    const numeric = centralDifference(w.logVariances, i, f, 1e-3);
    assert.ok(Math.abs(numeric - g[i]) < 1e-3, `s_${i}: ${g[i]} vs ${numeric}`);
  }
  w.weights().forEach((x) => assert.ok(Math.abs(x - 0.5 * Math.exp(-0.3)) < 1e-6));
  w.dispose?.();
});

test("GradNorm's weight gradient follows the numeric derivative of its loss, through the softmax too", () => {
  const w = [1.2, 0.8];
  const norms = [2, 0.5];
  const ratios = [0.9, 0.6];
  const alpha = 1.5;
  // GradNorm loss with the target held constant at the current weights.
  const G = w.map((wi, i) => wi * norms[i]);
  const meanG = (G[0] + G[1]) / 2;
  const meanR = (ratios[0] + ratios[1]) / 2;
  const target = ratios.map((r) => meanG * Math.pow(r / meanR, alpha));
  const loss = (ws: number[]) => ws.reduce((s, wi, i) => s + Math.abs(wi * norms[i] - target[i]), 0);
  const numeric = (f: (v: number[]) => number, at: number[]) =>
    at.map((_, i) => {
      const e = 1e-6;
      const plus = at.slice();
      const minus = at.slice();
      plus[i] += e;
      minus[i] -= e;
      return (f(plus) - f(minus)) / (2 * e);
    });
  const analytic = o.gradNormWeightGradient(w, norms, ratios, alpha);
  numeric(loss, w).forEach((d, i) => assert.ok(Math.abs(d - analytic[i]) < 1e-6, `∂/∂w_${i}: ${analytic[i]} vs ${d}`));
  // Task 0's weighted gradient (2.4) is above its target (≈1.84) and task 1's (0.4) below (≈1.0).
  assert.ok(analytic[0] > 0 && analytic[1] < 0, `gradient ${analytic}`);
  // Through w = T·softmax(s), at logits whose weights are w.
  const s = w.map(Math.log);
  assert.deepEqual(
    o.gradNormWeights(s).map((x) => +x.toFixed(12)),
    w,
  );
  const viaS = o.softmaxWeightsBackward(w, analytic);
  numeric((ss) => loss(o.gradNormWeights(ss)), s).forEach((d, i) => assert.ok(Math.abs(d - viaS[i]) < 1e-6, `∂/∂s_${i}: ${viaS[i]} vs ${d}`));
  // The first Adam step moves each logit by the learning rate against its gradient's sign.
  const next = o.gradNormStep({ ...o.gradNormInitialState(2), logits: s }, norms, ratios, alpha, 0.01);
  next.logits.forEach((si, i) => assert.ok(Math.abs(si - (s[i] - 0.01 * Math.sign(viaS[i]))) < 1e-9, `s_${i}: ${si}`));
  const after = o.gradNormWeights(next.logits);
  assert.ok(Math.abs(after[0] + after[1] - 2) < 1e-12, "weights sum to T");
  assert.ok(after[0] < w[0] && after[1] > w[1], `weights ${after}`);
});

test("PCGrad removes conflicts and leaves agreeing gradients alone", () => {
  const rng = new Rng(1);
  // Two tasks: after projection neither gradient conflicts with the other's original.
  const pair = [Float32Array.from([1, 0, 1]), Float32Array.from([-1, 1, 0])];
  const p2 = o.projectConflicting(pair, rng);
  assert.ok(o.dot(p2[0], pair[1]) > -1e-6 && o.dot(p2[1], pair[0]) > -1e-6);
  assert.notDeepEqual(p2[0], pair[0]);
  // Three tasks: sequential projection can re-create a small conflict, but it reduces the total.
  const three = [Float32Array.from([1, 0, 1]), Float32Array.from([-1, 1, 0]), Float32Array.from([0.5, -2, 0.2])];
  const p3 = o.projectConflicting(three, rng);
  const conflictMass = (gs: Float32Array[]) => {
    let m = 0;
    gs.forEach((g, i) => three.forEach((h, j) => (m += i !== j ? Math.min(0, o.dot(g, h)) : 0)));
    return m;
  };
  assert.ok(conflictMass(p3) > 0.5 * conflictMass(three), `${conflictMass(p3)} vs ${conflictMass(three)}`);
  const agreeing = [Float32Array.from([1, 1, 0]), Float32Array.from([0.5, 2, 0.1])];
  assert.deepEqual(o.projectConflicting(agreeing, rng), agreeing);
});

test("group DRO moves weight toward the worst task; min-max optimises the max", () => {
  let q = [0.25, 0.25, 0.25, 0.25];
  for (let i = 0; i < 10; i++) q = o.groupDroUpdate(q, [0.1, 0.5, 2.0, 0.3], 0.5);
  assert.ok(q[2] > 0.9, `worst task weight ${q[2]}`);
  assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const big = o.groupDroUpdate([0.5, 0.5], [1e6, 0], 1);
  assert.ok(big.every(Number.isFinite), "no overflow for large losses");
  const mm = o.minMax(3);
  const c = { step: 0, model: model(), tasks: [0, 1, 2] };
  const v = tf.tidy(() => mm.combine([tf.scalar(1), tf.scalar(4), tf.scalar(2)], c).dataSync()[0]);
  assert.equal(v, 4);
  mm.observe?.([1, 4, 2], c);
  assert.deepEqual(mm.weights(), [0, 1, 0]);
  const dro = o.groupDro(2, 0.5);
  for (let i = 0; i < 20; i++) dro.observe?.([0.2, 1.5], ctx());
  assert.ok(dro.weights()[1] > dro.weights()[0]);
});

test("DWA weights sum to T and favour the task whose loss falls slowest", () => {
  const dwa = o.dynamicWeightAverage(2, { period: 1, temperature: 2 });
  const c = ctx();
  dwa.observe?.([1, 1], c);
  dwa.observe?.([0.5, 0.95], c); // task 0 falls fast, task 1 slowly
  const w = dwa.weights();
  assert.ok(Math.abs(w[0] + w[1] - 2) < 1e-9);
  assert.ok(w[1] > w[0], `weights ${w}`);
  assert.deepEqual(o.dwaWeights([1, 1, 1], 2), [1, 1, 1]);
});

/** Two regression tasks on the same inputs; the second is much noisier. */
function noisyFamily(seed: number): TaskFamily {
  const rng = new Rng(seed);
  const n = 512;
  const x = rng.normals(n * 2);
  const make = (noise: number) => Float32Array.from({ length: n }, (_, i) => x[2 * i] - x[2 * i + 1] + rng.normal(0, noise));
  const y0 = make(0.05);
  const y1 = make(1.5);
  return regressionFamily("noisy", x, [y0, y1], ["clean", "noisy"]);
}

test("uncertainty weighting learns a larger σ for the noisier task", async () => {
  const w = o.uncertaintyWeighting(2);
  const m = model();
  await train(m, noisyFamily(1), { weighting: w, steps: 400, batchSize: 64, learningRate: 0.03, progress: false, evalEvery: 0 });
  const [s0, s1] = w.sigmas();
  assert.ok(s1 > 2 * s0, `σ clean ${s0}, σ noisy ${s1}`);
  m.dispose();
  w.dispose?.();
});

test("every loss weighting's gradient in the task losses matches finite differences", () => {
  const c = ctx();
  const base = [0.7, 1.9];
  const weightings: o.LossWeighting[] = [
    o.fixedWeights([0.3, 1.2]),
    o.equalWeights(2),
    o.dynamicWeightAverage(2),
    o.groupDro(2, 0.3),
    o.minMax(2),
    o.uncertaintyWeighting(2, 0.4),
  ];
  // Move DRO's weights away from uniform first, so the check is not trivial.
  weightings[3].observe?.([0.2, 2.0], c);
  for (const w of weightings) {
    const f = (ls: number[]) =>
      tf.tidy(
        () =>
          w
            .combine(
              ls.map((l) => tf.scalar(l)),
              c,
            )
            .dataSync()[0],
      );
    const analytic = tf.tidy(() => {
      const vars = base.map((l) => tf.scalar(l));
      return tf
        .grads((a: tf.Tensor, b: tf.Tensor) => w.combine([a as tf.Scalar, b as tf.Scalar], c))(vars)
        .map((g) => g.dataSync()[0]);
    });
    base.forEach((_, i) => {
      const e = 1e-2;
      const plus = base.slice();
      const minus = base.slice();
      plus[i] += e;
      minus[i] -= e;
      const numeric = (f(plus) - f(minus)) / (2 * e);
      assert.ok(Math.abs(numeric - analytic[i]) < 2e-3, `${w.name}, task ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
    });
  }
});
