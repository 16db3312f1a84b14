/** Homework 2's library side: the ratings data, the two-task recommender and its metrics. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { fixedWeights } from "../../lib/objectives";
import { train } from "../../lib/training/trainer";
import { evaluateRecommender, loadRatings, makeRatings, makeRatingsFiles, parseRatingsCsv, ratedItems, ratingsCsv, ratingsFamily, reciprocalRank, recommender } from "../../lib/recommender";

const ROOT = path.resolve(__dirname, "..", "..");
const SMALL = { users: 40, items: 30, perUser: 8, seed: 3 };

test("ratings are seeded, in 1..5, one held-out rating per user, and the shipped files regenerate byte for byte", async () => {
  await setupBackend({ quiet: true });
  const a = makeRatings(SMALL);
  assert.deepEqual(a, makeRatings(SMALL));
  assert.notDeepEqual(a, makeRatings({ ...SMALL, seed: 4 }));
  assert.equal(a.train.length, 40 * 7);
  assert.deepEqual(a.test.map((r) => r.user), Array.from({ length: 40 }, (_, i) => i));
  assert.ok([...a.train, ...a.test].every((r) => Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5));
  assert.deepEqual(parseRatingsCsv(ratingsCsv(a.train)), a.train);
  assert.throws(() => parseRatingsCsv("a,b\n1,2\n"), /unexpected ratings columns/);
  const files = makeRatingsFiles();
  for (const split of ["train", "test"] as const) assert.ok(files[split].equals(fs.readFileSync(path.join(ROOT, "data", "ratings", `${split}.csv.gz`))), `data/ratings/${split}.csv.gz is stale: run npx tsx data/ratings/generate.ts`);
  const shipped = loadRatings();
  assert.equal(shipped.users, 500);
  assert.equal(shipped.items, 300);
  assert.equal(shipped.test.length, 500);
});

test("the family's ranking triples pair a rated item with an unrated one", () => {
  const data = makeRatings(SMALL);
  const family = ratingsFamily(data, { negatives: 3, seed: 1 });
  const rated = ratedItems(data);
  const [ranking, rating] = family.tasks;
  assert.equal(ranking.train.n, data.train.length * 3);
  for (let n = 0; n < ranking.train.n; n++) {
    const [u, i, j] = ranking.train.x.subarray(3 * n, 3 * n + 3);
    assert.ok(rated[u].has(i) && !rated[u].has(j) && i !== j);
  }
  assert.deepEqual(Array.from(rating.test.y), data.test.map((r) => r.rating));
  assert.deepEqual(ratingsFamily(data, { negatives: 3, seed: 1 }).tasks[0].train.x, ranking.train.x);
});

test("the recommender: shapes, shared variables, the ranking output is s(u, i) − s(u, j), and no leaks", async () => {
  await setupBackend({ quiet: true });
  for (const config of [{ embeddings: "shared" as const }, { embeddings: "separate" as const }, { embeddings: "shared" as const, mode: "mmoe" as const }]) {
    const model = recommender({ users: 10, items: 12, dim: 4, seed: 2, ...config });
    const x = tf.tensor2d([[0, 1, 2], [3, 4, 5], [9, 11, 0]]);
    const [rank, rate] = model.forward(x, [0, 1]);
    assert.deepEqual(rank.shape, [3, 1]);
    assert.deepEqual(rate.shape, [3, 1]);
    const direct = tf.tidy(() => model.score(tf.tensor1d([0, 3, 9], "int32"), tf.tensor1d([1, 4, 11], "int32")).sub(model.score(tf.tensor1d([0, 3, 9], "int32"), tf.tensor1d([2, 5, 0], "int32"))).dataSync());
    Array.from(rank.dataSync()).forEach((v, k) => assert.ok(Math.abs(v - direct[k]) < 1e-5));
    assert.equal(model.sharedVariables.length > 0, config.embeddings === "shared" || config.mode === "mmoe", model.name);
    tf.dispose([x, rank, rate]);
    const family = ratingsFamily(makeRatings({ users: 10, items: 12, perUser: 5, seed: 1 }));
    await train(model, family, { steps: 3, batchSize: 8, progress: false, evalEvery: 0 });
    const before = tf.memory().numTensors;
    await train(model, family, { steps: 20, batchSize: 8, progress: false, evalEvery: 0 });
    assert.equal(tf.memory().numTensors, before, `${model.name} leaks tensors`);
    model.dispose();
  }
});

test("reciprocal rank: excluded items are skipped, ties favour the positive", () => {
  assert.equal(reciprocalRank([0.1, 0.9, 0.5], 2), 1 / 2);
  assert.equal(reciprocalRank([0.1, 0.9, 0.5], 2, [1]), 1);
  assert.equal(reciprocalRank([0.5, 0.5, 0.5], 1), 1);
  assert.equal(reciprocalRank([3, 2, 1, 0], 3), 1 / 4);
});

test("training on both tasks beats the untrained model on MRR and the rating MSE (seeded, repeatable)", async () => {
  await setupBackend({ quiet: true });
  const data = makeRatings({ users: 300, items: 100, perUser: 20, seed: 5 });
  const family = ratingsFamily(data, { seed: 1 });
  const run = async (steps: number) => {
    const model = recommender({ users: data.users, items: data.items, dim: 8, seed: 1 });
    if (steps) await train(model, family, { weighting: fixedWeights([0.5, 0.5]), steps, batchSize: 128, learningRate: 0.01, progress: false, evalEvery: 0, seed: 1 });
    const ev = evaluateRecommender(model, data);
    model.dispose();
    return ev;
  };
  const untrained = await run(0);
  const trained = await run(150);
  assert.ok(trained.mse < untrained.mse, `MSE ${trained.mse} vs ${untrained.mse}`);
  assert.ok(trained.mrr > untrained.mrr, `MRR ${trained.mrr} vs ${untrained.mrr}`);
  assert.deepEqual(await run(150), trained);
});

test("the recommender shares exactly what both heads read: the item bias is the ranking head's, and no variable is unused", async () => {
  await setupBackend({ quiet: true });
  for (const embeddings of ["shared", "separate"] as const) {
    const model = recommender({ users: 6, items: 5, dim: 3, embeddings });
    assert.ok(!model.sharedVariables.includes(model.itemBias), `${embeddings}: the item bias is not shared`);
    const x = tf.tensor2d([[0, 1, 2], [3, 4, 0]]);
    for (const v of model.variables) {
      // Which tasks' outputs move when this variable moves: a shared variable must reach both.
      const reaches = [0, 1].filter((task) => {
        try {
          const { grads, value } = tf.variableGrads(() => model.forward(x, [task])[0].sum() as tf.Scalar, [v]);
          const size = grads[v.name].abs().sum().dataSync()[0];
          value.dispose();
          grads[v.name].dispose();
          return size > 0;
        } catch {
          return false; // the output does not depend on this variable at all
        }
      });
      assert.ok(reaches.length > 0, `${embeddings}: ${v.name} is used by no task`);
      assert.equal(model.sharedVariables.includes(v), reaches.length === 2, `${embeddings}: ${v.name} reaches tasks ${reaches} but shared=${model.sharedVariables.includes(v)}`);
    }
    x.dispose();
    model.dispose();
  }
});
