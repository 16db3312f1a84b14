import { test, before } from "node:test";
import assert from "node:assert/strict";
import { everyWeighting } from "./helpers";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import { mmoe, multiHead } from "../../lib/models";
import { sinusoidFamily } from "../../lib/tasks/sinusoid";
import { mmoeSyntheticFamily } from "../../lib/tasks/mmoe-synthetic";
import { sampleTasks, taskProbabilities } from "../../lib/tasks/sampling";
import { train } from "../../lib/training/trainer";
import { auc, binaryAccuracy, mse } from "../../lib/training/metrics";

before(async () => {
  await setupBackend({ quiet: true });
});

const family = () => mmoeSyntheticFamily({ correlation: 0.8, numTasks: 2, inputDim: 10, trainSize: 400, testSize: 100, seed: 2 });
const weightings = () => everyWeighting({ dwaPeriod: 5 });

test("every weighting trains every step with no tensor leaks", async () => {
  const fam = family();
  for (const w of weightings()) {
    const model = mmoe({ inputDim: 10, numTasks: 2, experts: 3, expertUnits: 8, seed: 1 });
    await train(model, fam, { weighting: w, steps: 2, progress: false, evalEvery: 0 });
    const before = tf.memory().numTensors;
    const h = await train(model, fam, { weighting: w, steps: 100, batchSize: 32, progress: false, evalEvery: 50 });
    assert.equal(tf.memory().numTensors, before, `${w.name} leaked tensors`);
    assert.equal(h.steps.length, 100);
    assert.equal(h.evals.length, 2);
    assert.ok(h.final().testLosses.every(Number.isFinite), `${w.name}: finite test losses`);
    assert.equal(h.steps[99].weights.length, 2);
    model.dispose();
    w.dispose?.();
  }
});

test("training lowers the test loss", async () => {
  const fam = family();
  const model = multiHead({ inputDim: 10, numTasks: 2, bottom: [16], seed: 1 });
  const h = await train(model, fam, { steps: 300, progress: false, evalEvery: 10 });
  const first = h.evals[0].testLosses;
  const last = h.final().testLosses;
  last.forEach((l, i) => assert.ok(l < first[i], `task ${i}: ${first[i]} → ${l}`));
  model.dispose();
});

test("the same seed gives identical histories; another seed does not", async () => {
  const run = async (seed: number) => {
    const model = mmoe({ inputDim: 10, numTasks: 2, experts: 3, expertUnits: 8, seed: 4 });
    const h = await train(model, family(), { steps: 60, batchSize: 16, seed, progress: false, taskSampling: "uniform", weighting: o.uncertaintyWeighting(2) });
    model.dispose();
    return JSON.stringify({ s: h.steps, e: h.evals });
  };
  assert.equal(await run(7), await run(7));
  assert.notEqual(await run(7), await run(8));
});

test("early stopping stops and restores the best weights", async () => {
  const fam = sinusoidFamily({ numTasks: 2, trainPerTask: 20, testPerTask: 50, seed: 3 });
  const model = multiHead({ inputDim: 1, numTasks: 2, bottom: [64, 64], seed: 1 });
  const h = await train(model, fam, { steps: 3000, learningRate: 0.02, evalEvery: 25, earlyStopping: { patience: 3 }, progress: false });
  assert.ok(h.stoppedEarlyAt !== null && h.stoppedEarlyAt < 3000, `stopped at ${h.stoppedEarlyAt}`);
  const best = Math.min(...h.evals.map((e) => (e.testLosses[0] + e.testLosses[1]) / 2));
  const { evaluate } = await import("../../lib/training/evaluate");
  const now = evaluate(model, fam).losses;
  assert.ok(Math.abs((now[0] + now[1]) / 2 - best) < 1e-4, "best weights restored");
  model.dispose();
});

test("task sampling frequencies follow uniform, proportional and temperature probabilities", () => {
  const sizes = [900, 90, 10];
  assert.deepEqual(
    taskProbabilities("proportional", sizes).map((p) => +p.toFixed(3)),
    [0.9, 0.09, 0.01],
  );
  const t2 = taskProbabilities("temperature", sizes, 2);
  const expected = sizes.map(Math.sqrt);
  const z = expected.reduce((a, b) => a + b, 0);
  t2.forEach((p, i) => assert.ok(Math.abs(p - expected[i] / z) < 1e-12));
  for (const strategy of ["uniform", "proportional", "temperature"] as const) {
    const rng = new Rng(5);
    const counts = [0, 0, 0];
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleTasks(strategy, sizes, 1, rng)[0]]++;
    const p = taskProbabilities(strategy, sizes);
    counts.forEach((c, i) => assert.ok(Math.abs(c / draws - p[i]) < 0.015, `${strategy}: task ${i} ${c / draws} vs ${p[i]}`));
  }
});

test("metrics: MSE, accuracy, and rank AUC with ties", () => {
  assert.equal(mse([1, 2], [1, 4]), 2);
  assert.equal(binaryAccuracy([2, -1, 0.5, -3], [1, 0, 0, 0]), 0.75);
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5);
  assert.ok(Number.isNaN(auc([1, 2], [1, 1])));
});
