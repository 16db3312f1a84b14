import { test } from "node:test";
import assert from "node:assert/strict";
import { RecsysSimulator, DEVICES } from "../../lib/recsys/simulator";

// The simulator is plain JavaScript: no backend needed.

test("the examination probabilities the simulator logs are the ones it was given, and clicks follow them", () => {
  const decay = { mobile: 1.5, desktop: 0.7, tv: 0.3 };
  const sim = new RecsysSimulator({ users: 300, videos: 300, candidates: 60, decay, seed: 4 });
  const log = sim.log(6000, { seed: 9 });
  for (const r of log) {
    const expected = Math.pow(1 + r.position, -decay[DEVICES[r.device]]);
    assert.ok(Math.abs(r.examination - expected) < 1e-4, `logged ${r.examination}, configured ${expected}`);
  }
  // E[click | position, device] = E[relevance] × examination(position, device), so the empirical
  // click rate divided by the mean true relevance estimates the configured examination probability.
  for (const [p, d] of [
    [0, 0],
    [4, 0],
    [4, 2],
    [9, 1],
    [9, 2],
  ]) {
    const rows = log.filter((r) => r.position === p && r.device === d);
    const clicks = rows.reduce((s, r) => s + r.clicked, 0);
    const relevance = rows.reduce((s, r) => s + r.trueRelevance, 0);
    const configured = Math.pow(1 + p, -decay[DEVICES[d]]);
    const sd = Math.sqrt(relevance * configured);
    assert.ok(rows.length > 300, `too few rows at position ${p}, device ${d}`);
    assert.ok(
      Math.abs(clicks - relevance * configured) < 4 * sd + 2,
      `position ${p}, ${DEVICES[d]}: clicks / relevance = ${(clicks / relevance).toFixed(3)}, configured ${configured.toFixed(3)}`,
    );
  }
});

test("candidate generation returns a few hundred distinct candidates and slates have K positions", () => {
  const sim = new RecsysSimulator({ users: 50, videos: 600, seed: 3 });
  const candidates = sim.candidates(sim.users[0], sim.videos[0]);
  assert.equal(candidates.length, 300);
  assert.equal(new Set(candidates).size, 300);
  assert.ok(!candidates.includes(0), "the query video is not its own candidate");
  const log = sim.log(4, { seed: 1 });
  assert.equal(log.length, 40);
  assert.deepEqual(
    log.slice(0, 10).map((r) => r.position),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test("click-bait videos get more clicks and less satisfaction than average", () => {
  const sim = new RecsysSimulator({ users: 300, videos: 400, candidates: 80, seed: 2 });
  const log = sim.log(3000, { seed: 1 });
  const mean = (rows: typeof log, f: (r: (typeof log)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const bait = log.filter((r) => r.clickbait === 1);
  assert.ok(bait.length > 500, "the log shows enough click-bait");
  assert.ok(mean(bait, (r) => r.clicked) > mean(log, (r) => r.clicked), "click-bait has a higher click rate");
  assert.ok(mean(bait, (r) => r.trueSatisfaction) < mean(log, (r) => r.trueSatisfaction) - 0.3, "click-bait satisfies less");
  const clicked = (rows: typeof log) => rows.filter((r) => r.clicked === 1);
  assert.ok(mean(clicked(bait), (r) => r.liked) < mean(clicked(log), (r) => r.liked) - 0.2, "click-bait earns fewer likes per click");
});

test("engagement and satisfaction agree only partly", () => {
  const sim = new RecsysSimulator({ users: 200, videos: 300, candidates: 60, seed: 5 });
  const log = sim.log(1000, { seed: 2 });
  const a = log.map((r) => r.trueRelevance);
  const b = log.map((r) => r.trueSatisfaction);
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let ab = 0,
    aa = 0,
    bb = 0;
  a.forEach((x, i) => ((ab += (x - ma) * (b[i] - mb)), (aa += (x - ma) ** 2), (bb += (b[i] - mb) ** 2)));
  const r = ab / Math.sqrt(aa * bb);
  assert.ok(r < 0.8, `relevance and satisfaction correlate at ${r.toFixed(2)}`);
});

test("worlds and logs are seeded", () => {
  const a = new RecsysSimulator({ users: 40, videos: 90, candidates: 30, seed: 8 }).log(20, { seed: 3 });
  const b = new RecsysSimulator({ users: 40, videos: 90, candidates: 30, seed: 8 }).log(20, { seed: 3 });
  const c = new RecsysSimulator({ users: 40, videos: 90, candidates: 30, seed: 8 }).log(20, { seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
