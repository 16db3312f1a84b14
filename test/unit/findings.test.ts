/** The course seed, claims records, the paired comparison rule, and the error-bar chart. */
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { courseSeed, deriveSeed, seedFor, DEFAULT_COURSE_SEED } from "../../lib/seed";
import { start, CLAIMS_MIME, type ClaimsRecord } from "../../lib/claims";
import { binomialTailHalf, clearlyLower, pairedComparison, summarize } from "../../lib/stats";
import { meanWithSpread } from "../../lib/plots/charts";
import { normalizeFigure } from "../../lib/plots/figure";
import { captureDisplay, type MimeBundle } from "../../lib/display/output";

const savedSeed = process.env.MTL_SEED;
afterEach(() => {
  if (savedSeed === undefined) delete process.env.MTL_SEED;
  else process.env.MTL_SEED = savedSeed;
  captureDisplay(null);
});

test("the course seed is the default without MTL_SEED and follows MTL_SEED when set", () => {
  delete process.env.MTL_SEED;
  assert.equal(courseSeed(), DEFAULT_COURSE_SEED);
  process.env.MTL_SEED = " 7 ";
  assert.equal(courseSeed(), 7);
});

test("a malformed MTL_SEED is refused with a message that names it", () => {
  for (const bad of ["seven", "1.5", "1e3", "99999999999"]) {
    process.env.MTL_SEED = bad;
    assert.throws(() => courseSeed(), /MTL_SEED=.*not a whole number/, bad);
  }
});

test("seedFor: the same seed and names give the same seed; another course seed changes every one", () => {
  process.env.MTL_SEED = "1";
  const a = [seedFor("data"), seedFor("model", 0), seedFor("model", 1)];
  assert.deepEqual([seedFor("data"), seedFor("model", 0), seedFor("model", 1)], a);
  assert.equal(new Set(a).size, 3, "different names give different seeds");
  process.env.MTL_SEED = "2";
  const b = [seedFor("data"), seedFor("model", 0), seedFor("model", 1)];
  a.forEach((s, i) => assert.notEqual(b[i], s));
  for (const s of [...a, ...b]) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  assert.notEqual(deriveSeed(1, "1"), deriveSeed(1, 1), "a string and a number are different names");
});

test("pairedComparison counts wins and gives the sign test's one-sided p-value", () => {
  const c = pairedComparison([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]);
  assert.equal(c.aLower, 5);
  assert.equal(c.meanDiff, -1);
  assert.equal(c.sdDiff, 0);
  assert.equal(c.signTestP, 1 / 32);
  assert.equal(binomialTailHalf(9, 10), 11 / 1024);
  assert.equal(binomialTailHalf(0, 4), 1);
  // The rule: 5/5 passes, 4/5 does not; 7/8 passes; ties count against the claim.
  assert.equal(clearlyLower([1, 1, 1, 1, 1], [2, 2, 2, 2, 2]), true);
  assert.equal(clearlyLower([1, 1, 1, 1, 3], [2, 2, 2, 2, 2]), false);
  assert.equal(clearlyLower([1, 1, 1, 1, 1, 1, 1, 3], [2, 2, 2, 2, 2, 2, 2, 2]), true);
  assert.equal(clearlyLower([1, 1, 1, 1, 2], [2, 2, 2, 2, 2]), false);
  assert.throws(() => pairedComparison([1], [1, 2]), /same length/);
  assert.deepEqual(summarize([1, 3]), { n: 2, mean: 2, sd: Math.SQRT2, min: 1, max: 3 });
});

test("claims.report shows a table, emits the record under its MIME type and throws listing every failed claim", () => {
  process.env.MTL_SEED = "3";
  const seen: MimeBundle[] = [];
  captureDisplay((bundle) => seen.push(bundle));
  const claims = start("99-example");
  assert.equal(claims.check("a-holds", "A is lower than B", true, { a: new Float32Array([0.5]), b: 1 }), true);
  claims.check("b-fails", "C beats D", false, { c: Infinity });
  claims.check("c-fails", "E beats F", false, {});
  claims.check("a-holds", "A is lower than B", true, { a: 0.25 }); // a re-run cell replaces its claim
  assert.throws(
    () => claims.report(),
    (e: Error) =>
      /2 of 3 claims do not hold at course seed 3/.test(e.message) && /b-fails/.test(e.message) && /c-fails/.test(e.message) && !/a-holds/.test(e.message),
  );
  const record = seen.find((b) => CLAIMS_MIME in b)?.[CLAIMS_MIME] as ClaimsRecord;
  assert.ok(record, "the record is emitted even when claims fail");
  assert.equal(record.notebook, "99-example");
  assert.equal(record.seed, 3);
  assert.deepEqual(
    record.claims.map((c) => [c.id, c.holds]),
    [
      ["a-holds", true],
      ["b-fails", false],
      ["c-fails", false],
    ],
  );
  assert.deepEqual(record.claims[0].evidence, { a: 0.25 });
  assert.deepEqual(record.claims[1].evidence, { c: "Infinity" });
  assert.ok(
    seen.some((b) => String(b["text/html"] ?? "").includes("C beats D")),
    "the table shows the statements",
  );
  assert.throws(() => claims.check("Bad Id", "x", true), /claim id/);
  assert.throws(() => start("empty").report(), /no claims/);
});

test("claims.report returns the record when every claim holds", () => {
  captureDisplay(() => undefined);
  const claims = start("98-example");
  claims.check("x", "x holds", true);
  assert.equal(claims.report().claims.length, 1);
});

test("meanWithSpread draws mean ± sd per method, and every axis gets automatic margins", () => {
  const f = meanWithSpread(
    [
      { label: "A", values: [1, 3] },
      { label: "B", values: [2, 2] },
    ],
    { title: "t", yTitle: "test MSE" },
  );
  const bar = f.data[0] as { x: string[]; y: number[]; error_y: { array: number[] } };
  assert.deepEqual(bar.x, ["A", "B"]);
  assert.deepEqual(bar.y, [2, 2]);
  assert.deepEqual(bar.error_y.array, [Math.SQRT2, 0]);
  const two = meanWithSpread({ "task 1": [{ label: "A", values: [1] }], "task 2": [{ label: "A", values: [5] }] }, { title: "t", yTitle: "y" });
  assert.deepEqual(
    two.data.map((d) => d.name),
    ["task 1", "task 2"],
  );
  const n = normalizeFigure(f);
  assert.equal(n.layout?.xaxis?.automargin, true);
  assert.equal(n.layout?.yaxis?.automargin, true);
  assert.equal(normalizeFigure({ data: [], layout: { xaxis: { automargin: false } } }).layout?.xaxis?.automargin, false);
});

test("log axes label every tick in full (no bare '2' and '5' between decades)", async () => {
  const { logAxis } = await import("../../lib/plots/charts");
  const axis = logAxis([0.03, 0.4, 1.7], "error");
  assert.equal(axis.type, "log");
  assert.deepEqual(axis.tickvals, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
  assert.deepEqual(axis.ticktext, ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10"]);
  assert.deepEqual(logAxis([0.001, 50], "e").tickvals, [0.001, 0.01, 0.1, 1, 10, 100], "many decades: one tick per decade");
  const bars = meanWithSpread([{ label: "A", values: [0.1, 0.3] }], { title: "t", yTitle: "y", logY: true });
  assert.equal(bars.layout?.yaxis?.tickmode, "array");
});
