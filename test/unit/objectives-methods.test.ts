import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import type { Architecture } from "../../lib/models/architecture";
import { centralDifference, regressionFamily, tinyModel } from "./helpers";
import { train } from "../../lib/training/trainer";

before(async () => {
  await setupBackend({ quiet: true });
});

const ctx = (model: Architecture, tasks = [0, 1], extra: Partial<o.WeightingContext> = {}): o.WeightingContext => ({ step: 0, model, tasks, ...extra });

test("task losses have the gradients of their formulas, and refuse mismatched shapes", () => {
  const z = [-3, -0.5, 0.2, 4];
  const y = [0, 1, 1, 0];
  const g = tf.tidy(() =>
    Array.from(
      tf
        .grad((p: tf.Tensor) => o.taskLoss("bce", p as tf.Tensor2D, tf.tensor2d(y, [4, 1])))(tf.tensor2d(z, [4, 1]))
        .dataSync(),
    ),
  );
  // d/dz of mean BCE-with-logits is (σ(z) − y) / n.
  z.forEach((zi, i) => assert.ok(Math.abs(g[i] - (1 / (1 + Math.exp(-zi)) - y[i]) / 4) < 1e-6, `bce grad ${i}: ${g[i]}`));
  const logits = [1, -1, 0.5];
  const onehot = [0, 1, 0];
  const gce = tf.tidy(() =>
    Array.from(
      tf
        .grad((p: tf.Tensor) => o.taskLoss("softmax-ce", p as tf.Tensor2D, tf.tensor2d(onehot, [1, 3])))(tf.tensor2d(logits, [1, 3]))
        .dataSync(),
    ),
  );
  const e = logits.map(Math.exp);
  const Z = e.reduce((a, b) => a + b, 0);
  // d/dz of softmax cross-entropy is softmax(z) − y.
  gce.forEach((gi, i) => assert.ok(Math.abs(gi - (e[i] / Z - onehot[i])) < 1e-6, `ce grad ${i}: ${gi}`));
  assert.throws(() => tf.tidy(() => o.taskLoss("mse", tf.zeros([4, 1]) as tf.Tensor2D, tf.zeros([4]) as unknown as tf.Tensor2D)), /differ in shape/);
});

test("uncertainty weighting: config form, per-task initial s, gradient in s vs finite differences", () => {
  const w = o.uncertaintyWeighting(3, { initialLogVariance: [0, 1, -0.5] });
  const m = tinyModel({ inputDim: 2, hidden: 3, numTasks: 3, seed: 1 });
  const c = ctx(m, [2, 0]); // a subset of tasks, out of order
  const L = [0.7, 3.1];
  const f = () =>
    w.combine(
      L.map((l) => tf.scalar(l)),
      c,
    );
  const g = tf.tidy(() => Array.from(tf.variableGrads(f, [w.logVariances]).grads[w.logVariances.name].dataSync()));
  const base = Array.from(w.logVariances.dataSync());
  for (let i = 0; i < 3; i++) {
    const numeric = centralDifference(w.logVariances, i, f, 1e-3);
    assert.ok(Math.abs(numeric - g[i]) < 2e-3, `s_${i}: analytic ${g[i]} vs numeric ${numeric}`);
  }
  assert.ok(Math.abs(g[1]) < 1e-7, "task 1 was not in the step: no gradient");
  assert.ok(Math.abs(g[2] - (-0.5 * Math.exp(0.5) * 0.7 + 0.5)) < 1e-5);
  w.weights().forEach((x, i) => assert.ok(Math.abs(x - 0.5 * Math.exp(-base[i])) < 1e-6));
  w.sigmas().forEach((x, i) => assert.ok(Math.abs(x - Math.exp(base[i] / 2)) < 1e-6));
  assert.throws(() => o.uncertaintyWeighting(2, { initialLogVariance: [0, 0, 0] }), /3 initial/);
  w.dispose?.();
  m.dispose();
});

test("GradNorm: weights move by one step on its loss over the last shared layer; the update is Σ w_i g_i", () => {
  const m = tinyModel({ inputDim: 3, hidden: 4, numTasks: 2, seed: 2 });
  const rng = new Rng(3);
  const x = tf.tensor2d(rng.normals(16 * 3), [16, 3]);
  // Two targets of very different scale, so the gradient norms differ.
  const ys = [tf.tensor2d(rng.normals(16, 0, 5), [16, 1]), tf.tensor2d(rng.normals(16, 0, 0.2), [16, 1])];
  const gn = o.gradNorm(2, { alpha: 1.5, learningRate: 0.05 });
  const lossFns = [0, 1].map((t) => () => o.taskLoss("mse", m.forward(x, [t])[0], ys[t]));
  const gradsAt = () =>
    lossFns.map((f) => {
      const { value, grads } = tf.variableGrads(f, [...m.variables]);
      const v = value.dataSync()[0];
      value.dispose();
      return { v, grads };
    });
  const W = m.lastSharedVariables;
  const normOnW = (g: o.Gradients) => o.norm(o.flattenGradients(g, W));

  // Step 0 records L_i(0); step 1 uses ratios L_i(1)/L_i(0). Fake a later loss by scaling.
  const first = gradsAt();
  tf.dispose(
    Object.values(
      gn.combineGradients(
        first.map((r) => r.grads),
        first.map((r) => r.v),
        ctx(m),
      ),
    ),
  );
  const w0 = gn.weights();
  const second = gradsAt();
  const values = [second[0].v * 0.5, second[1].v * 0.9]; // task 0 "trains faster"
  const norms = second.map((r) => normOnW(r.grads));
  const update = gn.combineGradients(
    second.map((r) => r.grads),
    values,
    ctx(m),
  );
  const w1 = gn.weights();

  // The update is Σ w_i g_i with the weights before this step's GradNorm move.
  for (const v of m.variables) {
    const part = (k: number) => (second[k].grads[v.name] ?? tf.zerosLike(v)).mul(w0[k]);
    const expect = tf.tidy(() => part(0).add(part(1)));
    const diff = tf.tidy(() => update[v.name].sub(expect).abs().max().dataSync()[0]);
    assert.ok(diff < 1e-5, `${v.name}: update differs from Σ w_i g_i by ${diff}`);
    expect.dispose();
  }
  // The weight move is one GradNorm step (∂L_grad/∂w through the softmax, Adam on the logits) from
  // the state after step 0, whose loss ratios were all 1.
  const ratios = [values[0] / first[0].v, values[1] / first[1].v];
  const firstNorms = first.map((r) => normOnW(r.grads));
  const state1 = o.gradNormStep(o.gradNormInitialState(2), firstNorms, [1, 1], 1.5, 0.05);
  assert.deepEqual(o.gradNormWeights(state1.logits), w0);
  const expected = o.gradNormWeights(o.gradNormStep(state1, norms, ratios, 1.5, 0.05).logits);
  expected.forEach((e, i) => assert.ok(Math.abs(e - w1[i]) < 1e-9, `w_${i}: ${w1[i]} vs ${e}`));
  // Task 0 trains faster (ratio 0.5 vs 0.9): its weight goes down relative to task 1's.
  assert.ok(w1[0] / w1[1] < w0[0] / w0[1], `weights ${w0} → ${w1}`);
  assert.ok(Math.abs(w1[0] + w1[1] - 2) < 1e-9, "Σ w = T");
  assert.notDeepEqual(w1, w0);

  tf.dispose(Object.values(update));
  [...first, ...second].forEach((r) => tf.dispose(Object.values(r.grads)));
  tf.dispose([x, ...ys]);
  m.dispose();
});

test("PCGrad: random conflicting pairs never conflict after projection; agreeing ones are unchanged", () => {
  const rng = new Rng(11);
  let conflicting = 0;
  for (let trial = 0; trial < 200; trial++) {
    const g = [rng.normals(6), rng.normals(6)];
    const d = o.dot(g[0], g[1]);
    const p = o.projectConflicting(g, rng);
    if (d < 0) {
      conflicting++;
      assert.ok(o.dot(p[0], g[1]) > -1e-5 && o.dot(p[1], g[0]) > -1e-5, `trial ${trial}: still conflicts with the other's original`);
      assert.ok(o.dot(p[0], p[1]) > -1e-5, `trial ${trial}: projected pair conflicts (${o.dot(p[0], p[1])})`);
    } else {
      assert.deepEqual(p, g, `trial ${trial}: agreeing gradients must not change`);
    }
  }
  assert.ok(conflicting > 50 && conflicting < 150, `${conflicting} conflicting trials`);
  // Three tasks whose dot products are all positive pass through untouched.
  const agree = [Float32Array.from([1, 0.2, 0]), Float32Array.from([0.5, 1, 0.1]), Float32Array.from([0.3, 0.3, 1])];
  assert.deepEqual(o.projectConflicting(agree, rng), agree);
});

test("PCGrad on tensors matches the array form with the same seed; the order of projection is seeded", () => {
  const g = [Float32Array.from([1, -2, 0.5]), Float32Array.from([-1, 1, 1]), Float32Array.from([0.2, 1, -2])];
  const fromArrays = o.projectConflicting(g, new Rng(4));
  const tensors = g.map((a) => tf.tensor1d(a));
  const fromTensors = o.projectConflicting(tensors, new Rng(4));
  fromTensors.forEach((t, i) => {
    assert.deepEqual(t.shape, [3]);
    assert.deepEqual(t.dataSync(), fromArrays[i]);
  });
  tf.dispose([...tensors, ...fromTensors]);
  // With three tasks the order matters: some seed gives a different result.
  const other = [1, 2, 3, 5, 6, 7, 8, 9].map((s) => o.projectConflicting(g, new Rng(s)));
  assert.ok(
    other.some((p) => p.some((v, i) => v.some((x, k) => Math.abs(x - fromArrays[i][k]) > 1e-6))),
    "different seeds never changed the projection order",
  );
});

test("PCGrad as a weighting: shared gradients projected and summed, task-specific ones passed through", () => {
  const m = tinyModel({ inputDim: 2, hidden: 2, numTasks: 2, seed: 5 });
  const [W, h0, h1] = m.variables;
  const gW = [Float32Array.from([1, 0, 1, 0]), Float32Array.from([-1, 1, 0, 0])]; // conflicting on W
  const grads: o.Gradients[] = [
    { [W.name]: tf.tensor(gW[0], W.shape), [h0.name]: tf.tensor2d([[0.3], [0.4]]) },
    { [W.name]: tf.tensor(gW[1], W.shape), [h1.name]: tf.tensor2d([[-0.7], [0.1]]) },
  ];
  const pc = o.pcgrad(2, { seed: 3 });
  const update = pc.combineGradients(grads, [1, 1], ctx(m));
  const projected = o.projectConflicting(gW, new Rng(3));
  const expectW = projected[0].map((x, k) => x + projected[1][k]);
  Array.from(update[W.name].dataSync()).forEach((x, k) => assert.ok(Math.abs(x - expectW[k]) < 1e-6));
  assert.deepEqual(Array.from(update[h0.name].dataSync()), Array.from(Float32Array.from([0.3, 0.4])));
  assert.deepEqual(Array.from(update[h1.name].dataSync()), Array.from(Float32Array.from([-0.7, 0.1])));
  assert.equal(pc.conflicts(), 1);
  assert.deepEqual(pc.weights(), [1, 1]);
  // Naive summation would differ from the projected one.
  assert.ok(Math.abs(expectW[0] - (gW[0][0] + gW[1][0])) + Math.abs(expectW[1] - (gW[0][1] + gW[1][1])) > 0.1);
  tf.dispose(Object.values(update));
  grads.forEach((g) => tf.dispose(Object.values(g)));
  m.dispose();
});

test("group DRO: the update formula, weight shifts to the worst task, config form; min-max's gradient goes to the max only", () => {
  const q = o.groupDroUpdate([0.2, 0.3, 0.5], [1, 2, 0.5], 0.4);
  const raw = [0.2 * Math.exp(0.4), 0.3 * Math.exp(0.8), 0.5 * Math.exp(0.2)];
  const z = raw.reduce((a, b) => a + b, 0);
  q.forEach((qi, i) => assert.ok(Math.abs(qi - raw[i] / z) < 1e-12));
  const m = tinyModel({ inputDim: 2, hidden: 2, numTasks: 3, seed: 1 });
  const dro = o.groupDro(3, { eta: 0.2 });
  for (let s = 0; s < 30; s++) dro.observe?.([0.5, 2.5, 1.0], ctx(m, [0, 1, 2], { step: s }));
  const qs = dro.q();
  assert.ok(qs[1] > 0.9 && qs[1] > qs[2] && qs[2] > qs[0], `q = ${qs}`);
  assert.ok(Math.abs(qs.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  // Combine is T Σ q_i L_i with q held constant.
  const v = tf.tidy(() => dro.combine([tf.scalar(1), tf.scalar(2), tf.scalar(3)], ctx(m, [0, 1, 2])).dataSync()[0]);
  assert.ok(Math.abs(v - 3 * (qs[0] + 2 * qs[1] + 3 * qs[2])) < 1e-5);
  // A sampled subset: the unseen task's factor is exp(0) = 1, and q is normalised over all tasks.
  const before = dro.q();
  dro.observe?.([10, 0], ctx(m, [0, 1]));
  const expected = o.groupDroUpdate(before, [10, 0, 0], 0.2);
  dro.q().forEach((qi, i) => assert.ok(Math.abs(qi - expected[i]) < 1e-12, `q[${i}] = ${qi}, expected ${expected[i]}`));
  const mm = o.minMax(3);
  const grads = tf.tidy(() =>
    tf
      .grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => mm.combine([a, b, c] as tf.Scalar[], ctx(m, [0, 1, 2])))([
        tf.scalar(0.3),
        tf.scalar(1.7),
        tf.scalar(0.9),
      ])
      .map((g) => g.dataSync()[0]),
  );
  assert.deepEqual(grads, [0, 1, 0]);
  mm.observe?.([0.3, 0.9, 1.7], ctx(m, [0, 1, 2]));
  assert.deepEqual(mm.weights(), [0, 0, 1]);
  m.dispose();
});

test("DWA: equal weights for two periods, then T·softmax(r/τ) summing to T, favouring the slow task; epoch periods", () => {
  const m = tinyModel({ inputDim: 2, hidden: 2, numTasks: 3, seed: 1 });
  const dwa = o.dynamicWeightAverage(3, { period: "epoch", temperature: 1 });
  const c = (step: number) => ctx(m, [0, 1, 2], { step, stepsPerEpoch: 4 });
  // Period averages: period 1 = [2, 2, 2], period 2 = [1, 1.8, 2.2] (task 0 falls fast, task 2 rises).
  const p1 = [2, 2, 2];
  const p2 = [
    [0.5, 1.6, 2.2],
    [1.5, 2.0, 2.2],
    [1.0, 1.8, 2.2],
    [1.0, 1.8, 2.2],
  ];
  let step = 0;
  for (let k = 0; k < 4; k++) {
    dwa.observe?.(p1, c(step++));
    assert.deepEqual(dwa.weights(), [1, 1, 1], "first period: equal weights");
  }
  for (let k = 0; k < 3; k++) {
    dwa.observe?.(p2[k], c(step++));
    assert.deepEqual(dwa.weights(), [1, 1, 1], "second period: equal weights");
  }
  dwa.observe?.(p2[3], c(step)); // end of period 2: r = [0.5, 0.9, 1.1]
  const w = dwa.weights();
  const r = [0.5, 0.9, 1.1];
  const e = r.map((x) => Math.exp(x));
  const z = e.reduce((a, b) => a + b, 0);
  w.forEach((wi, i) => assert.ok(Math.abs(wi - (3 * e[i]) / z) < 1e-9, `w_${i} = ${wi}`));
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 3) < 1e-9);
  assert.ok(w[2] > w[1] && w[1] > w[0]);
  assert.throws(() => o.dynamicWeightAverage(2, { period: 0 }), /period/);
  assert.deepEqual(o.dwaWeights([1000, 1000], 0.01), [1, 1], "no overflow");
  m.dispose();
});

test("every loss weighting's gradient in the model's parameters matches finite differences", () => {
  const m = tinyModel({ inputDim: 2, hidden: 3, numTasks: 2, seed: 7 });
  const rng = new Rng(8);
  const x = tf.tensor2d(rng.normals(8 * 2), [8, 2]);
  const ys = [tf.tensor2d(rng.normals(8), [8, 1]), tf.tensor2d(rng.normals(8, 0, 3), [8, 1])];
  const c = ctx(m);
  const unc = o.uncertaintyWeighting(2, { initialLogVariance: [0.3, -0.2] });
  const dro = o.groupDro(2, 0.5);
  dro.observe?.([0.1, 2], c);
  const weightings: o.LossWeighting[] = [o.fixedWeights([0.2, 1.5]), o.equalWeights(2), dro, o.minMax(2), unc];
  const W = m.variables[0];
  for (const w of weightings) {
    const objective = () =>
      w.combine(
        [0, 1].map((t) => o.taskLoss("mse", m.forward(x, [t])[0], ys[t])),
        c,
      );
    const analytic = tf.tidy(() => Array.from(tf.variableGrads(objective, [W]).grads[W.name].dataSync()));
    for (const k of [0, 4]) {
      const numeric = centralDifference(W, k, objective, 1e-2);
      assert.ok(Math.abs(numeric - analytic[k]) < 2e-2 * Math.max(1, Math.abs(numeric)), `${w.name}, W[${k}]: analytic ${analytic[k]} vs numeric ${numeric}`);
    }
  }
  unc.dispose?.();
  tf.dispose([x, ...ys]);
  m.dispose();
});

test("uncertainty weighting learns a larger σ for the noisier of two regression tasks (tiny model, trainer)", async () => {
  const rng = new Rng(21);
  const n = 256;
  const x = rng.normals(n * 2);
  const target = (noise: number) => Float32Array.from({ length: n }, (_, i) => 0.8 * x[2 * i] - 0.5 * x[2 * i + 1] + rng.normal(0, noise));
  const ys = [target(0.1), target(1.0)];
  const fam = regressionFamily("two noise levels", x, ys, ["clean", "noisy"]);
  const w = o.uncertaintyWeighting(2);
  const m = tinyModel({ inputDim: 2, hidden: 8, numTasks: 2, seed: 3 });
  await train(m, fam, { weighting: w, steps: 300, batchSize: 64, learningRate: 0.03, progress: false, evalEvery: 0 });
  const [clean, noisy] = w.sigmas();
  // At the optimum σ_i² ≈ L_i: about 0.1² for the clean task, 1 for the noisy one.
  assert.ok(noisy > 3 * clean, `σ clean ${clean}, σ noisy ${noisy}`);
  assert.ok(noisy > 0.7 && noisy < 1.4, `σ noisy ${noisy}`);
  const [w0, w1] = w.weights();
  assert.ok(w0 > w1, "the clean task weighs more");
  w.dispose?.();
  m.dispose();
});
