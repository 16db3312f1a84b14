/** Homework 2's library side: the ratings data, the two-task recommender and its metrics. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { fixedWeights } from "../../lib/objectives";
import { train } from "../../lib/training/trainer";
import {
  evaluateRecommender,
  loadRatings,
  makeRatings,
  makeRatingsFiles,
  parseRatingsCsv,
  ratedItems,
  ratingsCsv,
  ratingsFamily,
  reciprocalRank,
  recommender,
  recommenderBaselines,
  trainWithCurves,
  SHIPPED_RATINGS,
} from "../../lib/recommender";

const ROOT = path.resolve(__dirname, "..", "..");
const SMALL = { users: 40, items: 30, perUser: 8, seed: 3 };

test("ratings are seeded, in 1..5, one held-out rating per user, and the shipped files regenerate byte for byte", async () => {
  await setupBackend({ quiet: true });
  const a = makeRatings(SMALL);
  assert.deepEqual(a, makeRatings(SMALL));
  assert.notDeepEqual(a, makeRatings({ ...SMALL, seed: 4 }));
  assert.equal(a.train.length, 40 * 7);
  assert.deepEqual(
    a.test.map((r) => r.user),
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.ok([...a.train, ...a.test].every((r) => Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5));
  assert.deepEqual(parseRatingsCsv(ratingsCsv(a.train)), a.train);
  assert.throws(() => parseRatingsCsv("a,b\n1,2\n"), /unexpected ratings columns/);
  const files = makeRatingsFiles();
  for (const split of ["train", "test"] as const)
    assert.ok(
      files[split].equals(fs.readFileSync(path.join(ROOT, "data", "ratings", `${split}.csv.gz`))),
      `data/ratings/${split}.csv.gz is stale: run npx tsx data/ratings/generate.ts`,
    );
  const shipped = loadRatings();
  assert.equal(shipped.users, SHIPPED_RATINGS.users);
  assert.equal(shipped.items, SHIPPED_RATINGS.items);
  assert.equal(shipped.test.length, SHIPPED_RATINGS.users);
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
  assert.deepEqual(
    Array.from(rating.test.y),
    data.test.map((r) => r.rating),
  );
  assert.deepEqual(ratingsFamily(data, { negatives: 3, seed: 1 }).tasks[0].train.x, ranking.train.x);
});

test("the recommender: shapes, shared variables, the ranking output is s(u, i) − s(u, j), and no leaks", async () => {
  await setupBackend({ quiet: true });
  for (const config of [
    { embeddings: "shared" as const },
    { embeddings: "separate" as const },
    { mode: "mmoe" as const },
    { mode: "mmoe" as const, experts: 3 },
  ]) {
    const model = recommender({ users: 10, items: 12, dim: 4, seed: 2, ...config });
    const x = tf.tensor2d([
      [0, 1, 2],
      [3, 4, 5],
      [9, 11, 0],
    ]);
    const [rank, rate] = model.forward(x, [0, 1]);
    assert.deepEqual(rank.shape, [3, 1]);
    assert.deepEqual(rate.shape, [3, 1]);
    const direct = tf.tidy(() =>
      model
        .score(tf.tensor1d([0, 3, 9], "int32"), tf.tensor1d([1, 4, 11], "int32"))
        .sub(model.score(tf.tensor1d([0, 3, 9], "int32"), tf.tensor1d([2, 5, 0], "int32")))
        .dataSync(),
    );
    Array.from(rank.dataSync()).forEach((v, k) => assert.ok(Math.abs(v - direct[k]) < 1e-5));
    assert.equal(model.sharedVariables.length > 0, config.embeddings === "shared" || "mode" in config, model.name);
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
    if (steps)
      await train(model, family, { weighting: fixedWeights([0.5, 0.5]), steps, batchSize: 128, learningRate: 0.01, progress: false, evalEvery: 0, seed: 1 });
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

test("the recommender shares exactly what both heads read: the biases are the ranking head's, and no variable is unused", async () => {
  await setupBackend({ quiet: true });
  for (const embeddings of ["shared", "separate", "mmoe"] as const) {
    const model = embeddings === "mmoe" ? recommender({ users: 6, items: 5, dim: 3, mode: "mmoe" }) : recommender({ users: 6, items: 5, dim: 3, embeddings });
    assert.ok(!model.sharedVariables.includes(model.itemBias) && !model.sharedVariables.includes(model.userBias), `${embeddings}: the biases are not shared`);
    const x = tf.tensor2d([
      [0, 1, 2],
      [3, 4, 0],
    ]);
    for (const v of model.variables) {
      // Which tasks' outputs move when this variable moves: a shared variable must reach both.
      const reaches = [0, 1].filter((task) => {
        try {
          // The user bias cancels in s(u, i) − s(u, j): for the ranking task, probe the score s(u, i) itself.
          const out = () => (task === 0 ? model.score(tf.tensor1d([0, 3], "int32"), tf.tensor1d([1, 4], "int32")) : model.forward(x, [task])[0]);
          const { grads, value } = tf.variableGrads(() => out().sum() as tf.Scalar, [v]);
          const size = grads[v.name].abs().sum().dataSync()[0];
          value.dispose();
          grads[v.name].dispose();
          return size > 0;
        } catch {
          return false; // the output does not depend on this variable at all
        }
      });
      assert.ok(reaches.length > 0, `${embeddings}: ${v.name} is used by no task`);
      assert.equal(
        model.sharedVariables.includes(v),
        reaches.length === 2,
        `${embeddings}: ${v.name} reaches tasks ${reaches} but shared=${model.sharedVariables.includes(v)}`,
      );
    }
    x.dispose();
    model.dispose();
  }
});

test("the ranking output ignores the user bias (it cancels in s(u, i) − s(u, j)) while the score uses it; the item bias moves it", async () => {
  await setupBackend({ quiet: true });
  const model = recommender({ users: 4, items: 6, dim: 3, seed: 1 });
  const x = tf.tensor2d([
    [0, 1, 2],
    [3, 4, 5],
    [1, 0, 5],
  ]);
  const users = tf.tensor1d([0, 3, 1], "int32");
  const items = tf.tensor1d([1, 4, 0], "int32");
  const before = { rank: model.forward(x, [0])[0].dataSync(), score: model.score(users, items).dataSync() };
  tf.tidy(() => model.userBias.assign(tf.fill([4, 1], 2.5)));
  const after = { rank: model.forward(x, [0])[0].dataSync(), score: model.score(users, items).dataSync() };
  Array.from(after.rank).forEach((v, k) => assert.ok(Math.abs(v - before.rank[k]) < 1e-5, "the margin does not see b_a"));
  Array.from(after.score).forEach((v, k) => assert.ok(Math.abs(v - before.score[k] - 2.5) < 1e-5, "the score adds b_a"));
  tf.tidy(() => model.itemBias.assign(tf.tensor2d([[0], [1], [0], [0], [0], [0]])));
  assert.ok(Math.abs(model.forward(x, [0])[0].dataSync()[0] - before.rank[0] - 1) < 1e-5, "b_i of the rated item raises its margin");
  tf.dispose([x, users, items]);
  model.dispose();
});

test("MMoE embeddings: gates start even (the mean of the expert tables) and each head's mix is Σ g_e · table_e", async () => {
  await setupBackend({ quiet: true });
  const model = recommender({ users: 5, items: 4, dim: 3, mode: "mmoe", experts: 2, seed: 3 });
  const users = tf.tensor1d([0, 4, 2], "int32");
  const items = tf.tensor1d([3, 1, 1], "int32");
  const mean = (k: "user" | "item", ids: tf.Tensor1D) =>
    tf.tidy(() =>
      tf
        .addN(model.tables.map((t) => tf.gather(t[k].table, ids)))
        .div(2)
        .arraySync(),
    );
  for (const task of [0, 1]) {
    const { u, q } = model.embed(users, items, task);
    assert.ok(tf.tidy(() => tf.max(tf.abs(u.sub(mean("user", users)))).dataSync()[0]) < 1e-6);
    assert.ok(tf.tidy(() => tf.max(tf.abs(q.sub(mean("item", items)))).dataSync()[0]) < 1e-6);
    tf.dispose([u, q]);
  }
  // A gate pushed all the way to expert 2 for user 4 reads expert 2's rows only, for that head only.
  tf.tidy(() =>
    model.gates[1].user.assign(
      tf.tensor2d([
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
        [-50, 50],
      ]),
    ),
  );
  const { u } = model.embed(users, items, 1);
  const row = tf.tidy(() => tf.gather(model.tables[1].user.table, [4]).arraySync()[0]);
  u.arraySync()[1].forEach((v, k) => assert.ok(Math.abs(v - row[k]) < 1e-5));
  const other = model.embed(users, items, 0);
  assert.notDeepEqual(other.u.arraySync()[1], u.arraySync()[1]);
  tf.dispose([u, other.u, other.q, users, items]);
  model.dispose();
});

test("baselines and curves: popularity MRR by hand, one record per epoch, training loss falls, no leaks", async () => {
  await setupBackend({ quiet: true });
  const data = {
    users: 2,
    items: 4,
    train: [
      { user: 0, item: 1, rating: 4 },
      { user: 1, item: 1, rating: 2 },
      { user: 1, item: 2, rating: 3 },
    ],
    test: [
      { user: 0, item: 2, rating: 5 },
      { user: 1, item: 0, rating: 1 },
    ],
  };
  const base = recommenderBaselines(data);
  // User 0: items by popularity 1 (rated, skipped), 2, then 0 and 3 tied: item 2 ranks first → 1. User 1: 1 and 2 skipped, 0 ties 3 → 1.
  assert.equal(base.popularityMrr, 1);
  assert.ok(Math.abs(base.meanRatingMse - ((5 - 3) ** 2 + (1 - 3) ** 2) / 2) < 1e-12);
  const world = makeRatings({ users: 30, items: 20, perUser: 6, seed: 2 });
  const family = ratingsFamily(world, { seed: 1 });
  const model = recommender({ users: 30, items: 20, dim: 4, seed: 1 });
  await trainWithCurves(model, family, world, { epochs: 1, batchSize: 16, progress: false });
  const start = tf.memory().numTensors;
  const curves = await trainWithCurves(model, family, world, { epochs: 3, batchSize: 16, learningRate: 0.02, progress: false, seed: 2 });
  assert.equal(tf.memory().numTensors, start, "trainWithCurves leaks tensors");
  assert.deepEqual(
    curves.map((r) => r.epoch),
    [0, 1, 2, 3],
  );
  assert.ok(curves[3].trainLosses[0] < curves[0].trainLosses[0] && curves[3].trainLosses[1] < curves[0].trainLosses[1]);
  const ev = evaluateRecommender(model, world);
  assert.deepEqual([curves[3].mrr, curves[3].mse], [ev.mrr, ev.mse]);
  assert.ok(Math.abs(curves[3].testLosses[1] - ev.mse) < 1e-4, "the rating test loss is the held-out MSE");
  model.dispose();
});

test("batched MRR equals the per-user definition", async () => {
  await setupBackend({ quiet: true });
  const world = makeRatings({ users: 12, items: 15, perUser: 5, seed: 4 });
  const model = recommender({ users: 12, items: 15, dim: 3, seed: 5 });
  const rated = ratedItems(world);
  const all = tf.tensor1d(
    Array.from({ length: 15 }, (_, i) => i),
    "int32",
  );
  const byUser = world.test.map((r) => {
    const scores = tf.tidy(() => model.score(tf.fill([15], r.user, "int32") as tf.Tensor1D, all).dataSync());
    return reciprocalRank(scores, r.item, rated[r.user]);
  });
  assert.ok(Math.abs(evaluateRecommender(model, world).mrr - byUser.reduce((a, b) => a + b, 0) / byUser.length) < 1e-12);
  all.dispose();
  model.dispose();
});
