import { test } from "node:test";
import assert from "node:assert/strict";
import { imageRow, imageRows } from "../../lib/plots/images";
import { normalizeFigure } from "../../lib/plots/figure";

test("imageRows reads a row-major image, row 0 first", () => {
  const flat = [0, 1, 2, 3, /* second image */ 4, 5, 6, 7];
  assert.deepEqual(imageRows(flat, 1, 2), [
    [4, 5],
    [6, 7],
  ]);
  assert.throws(() => imageRows(flat, 2, 2), /outside/);
});

test("every panel of an image row is upright: its own y-axis runs downwards", () => {
  const pixels = [
    [1, 0],
    [0, 0],
  ]; // a dark pixel top-left
  for (const count of [1, 4, 6]) {
    const fig = normalizeFigure(imageRow(Array.from({ length: count }, (_, k) => ({ pixels, caption: `image ${k}` }))));
    assert.equal(fig.data.length, count);
    const layout = fig.layout as Record<string, { autorange?: unknown; scaleanchor?: string }>;
    const yAxes = new Set(fig.data.map((d) => d.yaxis));
    assert.equal(yAxes.size, count, "each panel has its own axes");
    for (const trace of fig.data) {
      const key = `yaxis${(trace.yaxis as string).slice(1)}`;
      assert.equal(layout[key]?.autorange, "reversed", `${key} (panel of ${count}) must put row 0 on top`);
      assert.equal(layout[key]?.scaleanchor, trace.xaxis, "square pixels");
      assert.deepEqual((trace as { z: number[][] }).z, pixels, "rows are passed in image order, not flipped");
    }
  }
});
