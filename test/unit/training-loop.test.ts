import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import { everyWeighting, tinyModel } from "./helpers";
import { dataset, oneHot, type LossKind, type MetricKind, type Task, type TaskFamily } from "../../lib/tasks/task";
import { taskProbabilities } from "../../lib/tasks/sampling";
import { EarlyStopper, History, accuracy, auc, evaluate, stepsPerEpoch, train } from "../../lib/training";

before(async () => {
  await setupBackend({ quiet: true });
});

interface TaskSpec {
  n: number;
  noise?: number;
  loss?: LossKind;
  metric?: MetricKind;
}

/** Linear tasks on 3 inputs: y = a_t·x + noise (or its sign, for classification). */
function family(specs: TaskSpec[], seed: number, sharedInputs = false, testN = 64): TaskFamily {
  const rng = new Rng(seed);
  const d = 3;
  const sharedX = sharedInputs ? rng.normals(specs[0].n * d) : null;
  const sharedTestX = sharedInputs ? rng.normals(testN * d) : null;
  const tasks: Task[] = specs.map((s, t) => {
    const a = rng.normals(d);
    const make = (x: Float32Array, n: number) => {
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = a[0] * x[i * d] + a[1] * x[i * d + 1] + a[2] * x[i * d + 2] + rng.normal(0, s.noise ?? 0.1);
        y[i] = s.loss === "bce" ? (v > 0 ? 1 : 0) : v;
      }
      return dataset(x, y, d, 1);
    };
    const trainX = sharedX ?? rng.normals(s.n * d);
    const testX = sharedTestX ?? rng.normals(testN * d);
    return {
      name: `t${t}`,
      index: t,
      descriptor: oneHot(t, specs.length),
      train: make(trainX, s.n),
      test: make(testX, testN),
      loss: s.loss ?? "mse",
      metric: s.metric ?? "mse",
    };
  });
  return { name: "linear", inputDim: d, outputDim: 1, descriptorDim: specs.length, tasks, sharedInputs };
}

const allWeightings = () => everyWeighting({ dwaPeriod: 10, droEta: 0.05 });

test("every weighting trains the tiny model, lowers the loss, and leaks no tensors over 100 steps", async () => {
  const fam = family([{ n: 200 }, { n: 200, noise: 0.3 }], 1, true);
  for (const w of allWeightings()) {
    const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 8, headScale: 0.3 });
    await train(model, fam, { weighting: w, steps: 1, progress: false, evalEvery: 0 }); // warm-up
    const before = tf.memory().numTensors;
    const h = await train(model, fam, { weighting: w, steps: 100, batchSize: 32, learningRate: 0.02, progress: false, evalEvery: 50 });
    assert.equal(tf.memory().numTensors, before, `${w.name} leaked ${tf.memory().numTensors - before} tensors`);
    assert.equal(h.steps.length, 100);
    assert.deepEqual(
      h.evals.map((e) => e.step),
      [50, 100],
    );
    const start = evaluateOnce(h, 0);
    const end = h.recentLosses(10);
    end.forEach((l, i) => assert.ok(l < start[i], `${w.name}, task ${i}: ${start[i]} → ${l}`));
    assert.equal(h.steps[99].weights.length, 2);
    model.dispose();
    w.dispose?.();
  }
});

/** Mean training loss of the first steps of a run. */
function evaluateOnce(h: History, from: number): number[] {
  return [0, 1].map((t) => {
    const v = h.series("loss", t).y.slice(from, from + 5);
    return v.reduce((a, b) => a + b, 0) / v.length;
  });
}

test("shared inputs: one forward call serves all tasks; otherwise one call per task", async () => {
  const shared = tinyModel({ inputDim: 3, numTasks: 2, seed: 2, hidden: 8, headScale: 0.3 });
  await train(shared, family([{ n: 100 }, { n: 100 }], 2, true), { steps: 5, progress: false, evalEvery: 0 });
  const trainCalls = shared.calls.slice(0, 5);
  assert.deepEqual(trainCalls, Array(5).fill([0, 1]));
  const separate = tinyModel({ inputDim: 3, numTasks: 2, seed: 2, hidden: 8, headScale: 0.3 });
  await train(separate, family([{ n: 100 }, { n: 100 }], 2, false), { steps: 5, progress: false, evalEvery: 0 });
  assert.deepEqual(
    separate.calls.slice(0, 10),
    Array(5)
      .fill([[0], [1]])
      .flat(),
  );
  shared.dispose();
  separate.dispose();
});

test("the same seed gives an identical history; a different seed does not", async () => {
  const fam = family([{ n: 300 }, { n: 60 }, { n: 120 }], 3);
  const run = async (seed: number, weighting: () => o.Weighting) => {
    const model = tinyModel({ inputDim: 3, numTasks: 3, seed: 4, hidden: 8, headScale: 0.3 });
    const w = weighting();
    const h = await train(model, fam, {
      weighting: w,
      steps: 40,
      batchSize: 16,
      seed,
      progress: false,
      taskSampling: "temperature",
      tasksPerStep: 2,
      evalEvery: 20,
    });
    model.dispose();
    w.dispose?.();
    h.steps.forEach((s) => assert.equal(s.losses.filter(Number.isFinite).length, 2, "two distinct tasks per step"));
    return JSON.stringify({ s: h.steps, e: h.evals });
  };
  for (const weighting of [() => o.uncertaintyWeighting(3), () => o.pcgrad(3, { seed: 1 })]) {
    assert.equal(await run(7, weighting), await run(7, weighting));
    assert.notEqual(await run(7, weighting), await run(8, weighting));
  }
});

test("task sampling in the trainer: frequencies match uniform, proportional and temperature probabilities", async () => {
  const sizes = [400, 100, 25];
  const fam = family(
    sizes.map((n) => ({ n })),
    4,
  );
  const steps = 600;
  for (const strategy of ["uniform", "proportional", "temperature"] as const) {
    const model = tinyModel({ inputDim: 3, numTasks: 3, seed: 1, hidden: 2, headScale: 0.3 });
    const h = await train(model, fam, { steps, batchSize: 4, taskSampling: strategy, temperature: 2, tasksPerStep: 1, progress: false, evalEvery: 0 });
    const counts = [0, 1, 2].map((t) => h.steps.filter((s) => Number.isFinite(s.losses[t])).length);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      steps,
      "one task per step",
    );
    // Expected by hand: uniform 1/3; proportional n_i/Σn; temperature 2: √n_i/Σ√n (= [20, 10, 5]/35).
    const expected = { uniform: [1 / 3, 1 / 3, 1 / 3], proportional: [400 / 525, 100 / 525, 25 / 525], temperature: [20 / 35, 10 / 35, 5 / 35] }[strategy];
    taskProbabilities(strategy, sizes, 2).forEach((q, i) => assert.ok(Math.abs(q - expected[i]) < 1e-12));
    const p = expected;
    // Tolerance: 4 binomial standard deviations.
    counts.forEach((c, i) =>
      assert.ok(Math.abs(c / steps - p[i]) < 4 * Math.sqrt((p[i] * (1 - p[i])) / steps) + 1e-9, `${strategy}: task ${i} ${c / steps} vs ${p[i]}`),
    );
    model.dispose();
  }
});

test("epochs: steps = epochs × steps per epoch; DWA's epoch period follows the trainer's epoch", async () => {
  const fam = family([{ n: 100 }, { n: 40 }], 5);
  assert.equal(stepsPerEpoch(fam, 32), 4); // ⌈100/32⌉: all tasks every step
  assert.equal(stepsPerEpoch(fam, 10, "uniform", 1), 14); // ⌈140/10⌉
  const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 8, headScale: 0.3 });
  const dwa = o.dynamicWeightAverage(2, { period: "epoch" });
  const seen: number[] = [];
  const h = await train(model, fam, {
    weighting: dwa,
    epochs: 3,
    batchSize: 32,
    progress: false,
    evalEvery: 0,
    callbacks: { onStep: (r) => seen.push(r.step) },
  });
  assert.equal(h.steps.length, 12);
  assert.deepEqual(
    seen,
    Array.from({ length: 12 }, (_, i) => i),
  );
  // Records hold the weights after each step. Epochs 1 and 2 (steps 0–7) train with equal weights;
  // the last step of epoch 2 sets the weights epoch 3 uses, which then stay fixed for the epoch.
  h.steps.slice(0, 7).forEach((s) => assert.deepEqual(s.weights, [1, 1]));
  assert.notDeepEqual(h.steps[7].weights, [1, 1]);
  h.steps.slice(8, 11).forEach((s) => assert.deepEqual(s.weights, h.steps[7].weights));
  assert.notDeepEqual(h.steps[11].weights, h.steps[7].weights, "updated again at the end of epoch 3");
  await assert.rejects(train(model, fam, { steps: 5, epochs: 1, progress: false }), /steps or epochs/);
  model.dispose();
});

test("callbacks and observe: onStep/onEval run, gradient weightings see the losses too", async () => {
  const fam = family([{ n: 100 }, { n: 100 }], 6, true);
  const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 8, headScale: 0.3 });
  const observed: number[][] = [];
  const base = o.pcgrad(2);
  const spy: o.GradientWeighting = { ...base, observe: (v) => observed.push([...v]) };
  const evals: number[] = [];
  let shorthand = 0;
  const h = await train(model, fam, {
    weighting: spy,
    steps: 20,
    evalEvery: 5,
    progress: false,
    callbacks: { onEval: (r) => evals.push(r.step) },
    onStep: () => shorthand++,
  });
  assert.deepEqual(evals, [5, 10, 15, 20]);
  assert.equal(shorthand, 20);
  assert.equal(observed.length, 20);
  observed.forEach((v, i) => assert.deepEqual(v, h.steps[i].losses));
  await assert.rejects(train(model, fam, { weighting: o.equalWeights(3), steps: 1, progress: false }), /3 task weights/);
  model.dispose();
});

test("early stopping stops on the test loss and restores the best weights", async () => {
  // Few, noisy training points and a wide model: the test loss turns up as it overfits.
  const fam = family(
    [
      { n: 12, noise: 1 },
      { n: 12, noise: 1 },
    ],
    7,
    false,
    200,
  );
  const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 64, headScale: 0.3 });
  const h = await train(model, fam, { steps: 2000, batchSize: 12, learningRate: 0.05, evalEvery: 10, earlyStopping: { patience: 3 }, progress: false });
  assert.ok(h.stoppedEarlyAt !== null && h.stoppedEarlyAt < 2000, `stopped at ${h.stoppedEarlyAt}`);
  const means = h.evals.map((e) => (e.testLosses[0] + e.testLosses[1]) / 2);
  const bestIndex = means.indexOf(Math.min(...means));
  assert.equal(h.bestStep, h.evals[bestIndex].step);
  assert.equal(h.evals.length - 1 - bestIndex, 3, "stopped at the patience-th evaluation without improvement");
  const now = evaluate(model, fam).losses;
  assert.ok(Math.abs((now[0] + now[1]) / 2 - means[bestIndex]) < 1e-5, "best weights restored");
  assert.ok(h.restoredBest);
  model.dispose();
});

test("early stopping on a metric: direction from the metric kind; restoreBest can be off", () => {
  const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 8, headScale: 0.3 });
  const rec = (step: number, metrics: number[]) => ({ step, testLosses: [1, 1], testMetrics: metrics });
  const acc = new EarlyStopper({ patience: 2, metric: "metric", restoreBest: false }, ["accuracy", "auc"]);
  assert.equal(acc.update(rec(1, [0.6, 0.6]), model), false);
  assert.equal(acc.update(rec(2, [0.8, 0.7]), model), false); // higher is better: an improvement
  assert.equal(acc.bestStep, 2);
  assert.equal(acc.update(rec(3, [0.5, 0.5]), model), false);
  assert.equal(acc.update(rec(4, [0.7, 0.7]), model), true);
  assert.equal(acc.restore(model), false, "restoreBest: false keeps the last weights");
  const one = new EarlyStopper({ patience: 1, metric: "metric", task: 0 }, ["mse", "accuracy"]);
  one.update(rec(1, [0.5, 0.1]), model);
  assert.equal(one.update(rec(2, [0.4, 0.0]), model), false); // task 0's MSE fell: improvement
  assert.equal(one.update(rec(3, [0.45, 0.9]), model), true);
  assert.equal(one.restore(model), true);
  one.dispose();
  assert.throws(() => new EarlyStopper({ patience: 1, metric: "metric" }, ["mse", "accuracy"]), /disagree/);
  assert.throws(() => new EarlyStopper({ patience: 0 }, ["mse"]), /patience/);
  model.dispose();
});

test("metrics and evaluate: accuracy (binary and one-hot), AUC with ties, per-task test metrics", async () => {
  assert.equal(accuracy([1, -1, 2, -0.1], [1, 0, 0, 0]), 0.75);
  assert.equal(accuracy([3, 1, 0, 0, 1, 2], [1, 0, 0, 0, 1, 0], 3), 0.5);
  // Positives {0.8, 0.5}, negatives {0.5, 0.1}: pairs (0.8>0.5, 0.8>0.1, 0.5=0.5 → ½, 0.5>0.1) → 3.5/4.
  assert.equal(auc([0.8, 0.5, 0.5, 0.1], [1, 1, 0, 0]), 0.875);
  const fam = family([{ n: 200 }, { n: 200, loss: "bce", metric: "accuracy" }], 8, false, 200);
  const model = tinyModel({ inputDim: 3, numTasks: 2, seed: 1, hidden: 8, headScale: 0.3 });
  const h = await train(model, fam, { steps: 150, learningRate: 0.03, progress: false, evalEvery: 50 });
  const ev = evaluate(model, fam, "test");
  assert.deepEqual(
    h.final().testLosses.map((x) => +x.toFixed(5)),
    ev.losses.map((x) => +x.toFixed(5)),
  );
  assert.ok(ev.metrics[1] > 0.8 && ev.metrics[1] <= 1, `accuracy ${ev.metrics[1]}`);
  assert.ok(Math.abs(ev.metrics[0] - ev.losses[0]) < 1e-4, "MSE metric equals the MSE loss");
  assert.deepEqual(h.series("testMetric", 1).x, [50, 100, 150]);
  model.dispose();
});
