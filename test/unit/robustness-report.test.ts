/** The robustness report folds seed runs into per-claim counts and prints a verdict per claim. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { claimHolds, foldRuns, robustnessMarkdown, type SeedRun } from "../../bench/robustness-report";
import type { ClaimsRecord } from "../../lib/claims";

const record = (seed: number, holds: Record<string, boolean>): ClaimsRecord => ({
  notebook: "03-x",
  seed,
  backend: "wasm",
  claims: Object.entries(holds).map(([id, h]) => ({ id, statement: `${id} | statement`, holds: h, evidence: {} })),
});
const run = (seed: number, r: ClaimsRecord | null, ok = true): SeedRun => ({
  seed,
  ok,
  seconds: 10,
  error: ok ? null : "cell failed (cell 4): boom",
  claims: r ? Object.fromEntries(r.claims.map((c) => [c.id, c.holds])) : null,
});

test("a claim counts as held only on the seeds whose record says so; a run with no record counts against every claim", () => {
  const records = [
    record(1, { a: true, b: true }),
    record(2, { a: true, b: false }),
    null, // seed 3 crashed before its claims cell
    record(4, { a: true }), // b missing on seed 4
  ];
  const runs = records.map((r, i) => run(i + 1, r, r !== null));
  const folded = foldRuns("03-x", runs, records);
  assert.deepEqual(folded.seeds, [1, 2, 3, 4]);
  assert.equal(folded.backend, "wasm");
  assert.deepEqual(
    folded.claims.map((c) => [c.id, c.held, c.of, c.failedSeeds]),
    [
      ["a", 3, 4, [3]],
      ["b", 1, 4, [2, 3, 4]],
    ],
  );
});

test("9 of 10 holds, 8 of 10 does not; the markdown says which and why", () => {
  assert.equal(claimHolds({ held: 9, of: 10 }), true);
  assert.equal(claimHolds({ held: 8, of: 10 }), false);
  assert.equal(claimHolds({ held: 0, of: 0 }), false);
  const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
  const records = seeds.map((s) => record(s, { good: s !== 5, bad: s > 2 && s !== 7 }));
  const md = robustnessMarkdown([
    foldRuns(
      "03-x",
      seeds.map((s, i) => run(s, records[i])),
      records,
    ),
  ]);
  assert.match(md, /\*\*1 of 2 claims hold\*\*/);
  assert.match(md, /`good` \| good \\\| statement \| 9 \/ 10 \| holds \(not on seed 5\)/);
  assert.match(md, /`bad` .* 7 \/ 10 \| \*\*does not hold\*\* \(not on seed 1, 2, 7\)/);
  const crashed = robustnessMarkdown([foldRuns("04-y", [run(1, null, false)], [null])]);
  assert.match(crashed, /failed before their claims cell: seed 1 \(cell failed \(cell 4\): boom\)/);
});
