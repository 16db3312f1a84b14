import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { RecsysSimulator, DEVICES, toCsv, parseCsv } from "../../lib/recsys/simulator";
import { makeLogs, loadLog, loadLogFrame, SHIPPED_LOGS } from "../../lib/recsys/log";
import { ranker, rankerFamily, rankerScores } from "../../lib/recsys/ranker";
import { ndcgAtK, groupByQuery, combinedScore, gatePolarization, topKMean } from "../../lib/recsys/metrics";
import { train } from "../../lib/training/trainer";

before(async () => {
  await setupBackend({ quiet: true });
});

const ROOT = path.resolve(__dirname, "..", "..");

test("the examination probabilities the simulator logs are the ones it was given, and clicks follow them", () => {
  const decay = { mobile: 1.5, desktop: 0.7, tv: 0.3 };
  const sim = new RecsysSimulator({ users: 300, videos: 300, candidates: 60, decay, seed: 4 });
  const log = sim.log(6000, { seed: 9 });
  for (const r of log) {
    const expected = Math.pow(1 + r.position, -decay[DEVICES[r.device]]);
    assert.ok(Math.abs(r.examination - expected) < 1e-4, `logged ${r.examination}, configured ${expected}`);
  }
  // E[click | position, device] = E[relevance × examination], so clicks / Σ relevance ≈ examination.
  for (const [p, d] of [[0, 0], [4, 0], [4, 2], [9, 1]]) {
    const rows = log.filter((r) => r.position === p && r.device === d);
    const clicks = rows.reduce((s, r) => s + r.clicked, 0);
    const expected = rows.reduce((s, r) => s + r.trueRelevance * r.examination, 0);
    const sd = Math.sqrt(expected);
    assert.ok(Math.abs(clicks - expected) < 4 * sd + 2, `position ${p}, device ${d}: ${clicks} clicks, expected ${expected.toFixed(1)}`);
  }
});

test("click-bait videos get more clicks and less satisfaction", () => {
  const sim = new RecsysSimulator({ users: 300, videos: 400, candidates: 80, seed: 2 });
  const log = sim.log(3000, { seed: 1 });
  const rate = (bait: number, key: "clicked" | "trueSatisfaction") => {
    const rows = log.filter((r) => r.clickbait === bait);
    return rows.reduce((s, r) => s + r[key], 0) / rows.length;
  };
  assert.ok(rate(1, "clicked") > rate(0, "clicked"));
  assert.ok(rate(1, "trueSatisfaction") < rate(0, "trueSatisfaction") - 0.3);
});

test("the shipped logs regenerate byte for byte", () => {
  const fresh = makeLogs();
  for (const split of ["train", "test"] as const) {
    assert.ok(fresh[split].equals(fs.readFileSync(path.join(ROOT, "data", "recsys", `${split}.csv.gz`))), `${split}.csv.gz differs from a regeneration`);
  }
  assert.equal(loadLog("train").length, SHIPPED_LOGS.trainQueries * 10);
});

test("logs round-trip through CSV and load as a danfojs DataFrame", () => {
  const rows = new RecsysSimulator({ users: 50, videos: 80, candidates: 20, seed: 1 }).log(5);
  assert.deepEqual(parseCsv(toCsv(rows)), rows);
  const df = loadLogFrame("test");
  assert.deepEqual(df.shape, [20000, 19]);
});

test("ranking metrics: NDCG is 1 for the true order and lower for the reverse; combined scores trade tasks", () => {
  const rows = new RecsysSimulator({ users: 50, videos: 80, candidates: 20, seed: 1 }).log(20);
  const groups = groupByQuery(rows);
  const gains = rows.map((r) => r.trueRelevance);
  assert.ok(Math.abs(ndcgAtK(groups, gains, gains, 5) - 1) < 1e-12);
  assert.ok(ndcgAtK(groups, gains.map((g) => -g), gains, 5) < 0.9);
  const a = [2, -1, 0];
  const b = [-2, 1, 0];
  const onlyA = combinedScore([a, b], [1, 0]);
  assert.ok(onlyA[0] > onlyA[2] && onlyA[2] > onlyA[1]);
  assert.ok(topKMean([[0, 1, 2]], combinedScore([a, b], [0, 1]), [10, 20, 30], 1) === 20);
  assert.deepEqual(gatePolarization([[[0.5, 0.5], [1, 0]]]), [0.75]);
});

test("the ranker trains on WASM with embeddings, a position tower and gate dropout, without leaks", async () => {
  const sim = new RecsysSimulator({ users: 100, videos: 120, candidates: 30, seed: 3 });
  const fam = rankerFamily(sim.log(200, { seed: 1 }), sim.log(50, { seed: 2 }));
  const model = ranker({ videos: 120, mode: "mmoe", positionTower: true, gateDropout: 0.1, seed: 1 });
  await train(model, fam, { steps: 2, batchSize: 32, progress: false, evalEvery: 0 });
  const before = tf.memory().numTensors;
  const h = await train(model, fam, { steps: 60, batchSize: 32, progress: false, evalEvery: 0 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(h.final().testLosses.every(Number.isFinite));
  const x = tf.tensor2d(new Float32Array(9 * 3).fill(1), [3, 9]);
  const sums = tf.tidy(() => model.gates(x).map((g) => Array.from(g.sum(1).dataSync())));
  sums.flat().forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  assert.equal(rankerScores(model, sim.log(3, { seed: 5 }))[0].length, 30);
  x.dispose();
  model.dispose();
});
