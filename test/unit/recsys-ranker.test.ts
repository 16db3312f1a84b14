import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { RecsysSimulator } from "../../lib/recsys/simulator";
import { loadLog } from "../../lib/recsys/log";
import { ranker, rankerFamily, rankerScores, trainRanker, RANKER_TASKS } from "../../lib/recsys/ranker";
import { evaluateRanker, rankerGates } from "../../lib/recsys/evaluate";
import { ndcgAtK, groupByQuery, combinedScore, gatePolarization, gateUtilisation, topKMean } from "../../lib/recsys/metrics";

before(async () => {
  await setupBackend({ quiet: true });
});

function corr(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

test("ranking metrics: NDCG is 1 for the true order and lower for the reverse; combined scores trade tasks; gate statistics", () => {
  const rows = new RecsysSimulator({ users: 50, videos: 80, candidates: 20, seed: 1 }).log(20);
  const groups = groupByQuery(rows);
  assert.equal(groups.length, 20);
  const gains = rows.map((r) => r.trueRelevance);
  assert.ok(Math.abs(ndcgAtK(groups, gains, gains, 5) - 1) < 1e-12);
  assert.ok(
    ndcgAtK(
      groups,
      gains.map((g) => -g),
      gains,
      5,
    ) < 0.9,
  );
  const a = [2, -1, 0];
  const b = [-2, 1, 0];
  const onlyA = combinedScore([a, b], [1, 0]);
  assert.ok(onlyA[0] > onlyA[2] && onlyA[2] > onlyA[1]);
  // Π p^w: the product of probabilities with exponents, in log space.
  const p = (z: number) => 1 / (1 + Math.exp(-z));
  assert.ok(Math.abs(combinedScore([[0.3], [-1.2]], [1, 2])[0] - Math.log(p(0.3) * p(-1.2) ** 2)) < 1e-12);
  assert.equal(topKMean([[0, 1, 2]], combinedScore([a, b], [0, 1]), [10, 20, 30], 1), 20);
  assert.deepEqual(
    gatePolarization([
      [
        [0.5, 0.5],
        [1, 0],
      ],
    ]),
    [0.75],
  );
  assert.deepEqual(
    gateUtilisation([
      [
        [0.5, 0.5],
        [1, 0],
      ],
    ]),
    [[0.75, 0.25]],
  );
});

test("the ranker trains on WASM with embeddings, a position tower and gate dropout, without tensor leaks", async () => {
  const sim = new RecsysSimulator({ users: 100, videos: 120, candidates: 30, seed: 3 });
  const fam = rankerFamily(sim.log(200, { seed: 1 }), sim.log(50, { seed: 2 }));
  const model = ranker({ videos: 120, mode: "mmoe", positionTower: true, gateDropout: 0.1, seed: 1 });
  await trainRanker(model, fam, { steps: 2, batchSize: 32, progress: false });
  const start = tf.memory().numTensors;
  const h = await trainRanker(model, fam, { steps: 60, batchSize: 32, progress: false });
  assert.equal(tf.memory().numTensors, start, "training leaks tensors");
  assert.ok(h.final().testLosses.every(Number.isFinite));
  const rows = sim.log(3, { seed: 5 });
  const ev = evaluateRanker(model, sim.log(40, { seed: 6 }), { k: 5 });
  assert.equal(tf.memory().numTensors, start, "evaluation leaks tensors");
  assert.equal(ev.metrics.length, RANKER_TASKS.length);
  assert.ok(ev.ndcgRelevance > 0 && ev.ndcgRelevance <= 1);
  assert.equal(ev.gateUtilisation?.length, RANKER_TASKS.length);
  ev.gateUtilisation?.forEach((u) => assert.ok(Math.abs(u.reduce((s, x) => s + x, 0) - 1) < 1e-5, "each task's mean gates sum to one"));
  ev.polarization?.forEach((v) => assert.ok(v >= 0.25 - 1e-6 && v <= 1 + 1e-6));
  const gates = rankerGates(model, rows);
  gates.forEach((perTask) => perTask.forEach((g) => assert.ok(Math.abs(g.reduce((s, x) => s + x, 0) - 1) < 1e-5)));
  assert.equal(rankerScores(model, rows)[0].length, 30);
  model.dispose();
});

test("training is seeded: the same seed gives the same scores", async () => {
  const sim = new RecsysSimulator({ users: 60, videos: 80, candidates: 30, seed: 6 });
  const fam = rankerFamily(sim.log(100, { seed: 1 }), sim.log(20, { seed: 2 }));
  const rows = sim.log(5, { seed: 3 });
  const run = async () => {
    const model = ranker({ videos: 80, mode: "mmoe", positionTower: true, gateDropout: 0.1, seed: 4 });
    await trainRanker(model, fam, { steps: 20, batchSize: 32, progress: false, seed: 4 });
    const s = rankerScores(model, rows);
    model.dispose();
    return s;
  };
  assert.deepEqual(await run(), await run());
});

test("the position tower takes position bias out of the serving score", async () => {
  // Without the tower, the click head absorbs where videos were shown: its serving score over-rates
  // the videos the log put on top, relative to their true relevance. The residual
  // logit(predicted) − logit(true relevance) then falls with position; the tower removes most of that.
  const trainRows = loadLog("train").slice(0, 40000);
  const test = loadLog("test");
  const family = rankerFamily(trainRows, test);
  const logit = (p: number) => Math.log(p / (1 - p));
  const positions = test.map((r) => r.position);
  const residualCorrelation = async (positionTower: boolean) => {
    const model = ranker({ videos: 1000, mode: "shared-bottom", positionTower, seed: 1 });
    await trainRanker(model, family, { steps: 150, batchSize: 512, learningRate: 0.01, seed: 1, progress: false });
    const click = rankerScores(model, test)[0];
    model.dispose();
    return corr(
      click.map((s, i) => s - logit(Math.min(Math.max(test[i].trueRelevance, 1e-4), 1 - 1e-4))),
      positions,
    );
  };
  const without = await residualCorrelation(false);
  const withTower = await residualCorrelation(true);
  assert.ok(without < -0.02, `without the tower the residual should fall with position (correlation ${without.toFixed(3)})`);
  assert.ok(Math.abs(withTower) < 0.6 * Math.abs(without), `the tower should shrink the correlation: ${without.toFixed(3)} → ${withTower.toFixed(3)}`);
});
