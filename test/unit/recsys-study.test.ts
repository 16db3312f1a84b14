import { test } from "node:test";
import assert from "node:assert/strict";
import { RecsysSimulator } from "../../lib/recsys/simulator";
import { overRatingByPosition } from "../../lib/recsys/metrics";

test("overRatingByPosition: 1 everywhere for predictions equal to the truth, falling with position for the logged click rate", () => {
  const rows = new RecsysSimulator({ users: 60, videos: 120, candidates: 40, seed: 3 }).log(300);
  const logit = (p: number) => Math.log(p / (1 - p));
  const exact = overRatingByPosition(
    rows,
    rows.map((r) => logit(r.trueRelevance)),
  );
  assert.equal(exact.length, 10);
  for (const v of exact) assert.ok(Math.abs(v - 1) < 1e-9, String(v));
  // A "model" that predicts relevance × examination (position bias baked in) over-rates the top.
  const biased = overRatingByPosition(
    rows,
    rows.map((r) => logit(r.trueRelevance * r.examination)),
  );
  assert.ok(Math.abs(biased[0] - 1) < 1e-9);
  for (let p = 1; p < 10; p++) assert.ok(biased[p] < biased[p - 1], `position ${p}: ${biased[p]} vs ${biased[p - 1]}`);
  // Rows without a position (evaluation sets) are ignored; a position with no rows is NaN.
  assert.ok(
    overRatingByPosition(
      rows.slice(0, 10).map((r) => ({ ...r, position: -1 })),
      new Array(10).fill(0),
    ).every(Number.isNaN),
  );
});
