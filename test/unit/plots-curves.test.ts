/** curvesWithSpread: mean line and standard-deviation error bars over seeds, per group. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { curvesWithSpread, TASK_COLORS, type ScatterTrace } from "../../lib/plots";

test("curvesWithSpread draws the mean over runs with ± sd error bars, one trace per group", () => {
  const fig = curvesWithSpread(
    [
      {
        label: "a",
        x: [0, 1, 2],
        runs: [
          [1, 2, 3],
          [3, 4, 5],
        ],
      },
      { label: "b", x: [0, 1, 2], runs: [[1, 1, 1]], dash: "dash", color: "#000" },
    ],
    { title: "t", xTitle: "epoch", yTitle: "loss" },
  );
  const [a, b] = fig.data as ScatterTrace[];
  assert.deepEqual(a.y, [2, 3, 4]);
  const sd = Math.sqrt(2); // sample sd of {1, 3}
  (a.error_y as { array: number[] }).array.forEach((v) => assert.ok(Math.abs(v - sd) < 1e-12));
  assert.equal(a.line?.color, TASK_COLORS[0]);
  assert.deepEqual((b.error_y as { array: number[] }).array, [0, 0, 0]);
  assert.equal(b.line?.dash, "dash");
  assert.equal(b.line?.color, "#000");
  assert.throws(() => curvesWithSpread([{ label: "c", x: [0, 1], runs: [[1]] }], { title: "", xTitle: "", yTitle: "" }), /has 1 values for 2 x values/);
});
