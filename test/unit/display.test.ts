import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { captureDisplay, type MimeBundle } from "../../lib/display/output";
import { progressBar, progressText } from "../../lib/display/progress";
import { tableText } from "../../lib/display/table";
import { figureBundle, show, resendPlotlyBundle } from "../../lib/plots/show";
import { normalizeFigure } from "../../lib/plots/figure";

afterEach(() => captureDisplay(null));

test("a figure is one output with plotly JSON, an HTML fallback and plain text", () => {
  const b = figureBundle({ data: [{ x: [1, 2], y: [3, 4], name: "a" }], layout: { title: "T", xaxis: { title: "x" } } }, false);
  assert.deepEqual(Object.keys(b).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  const spec = b["application/vnd.plotly.v1+json"] as { layout: { title: unknown; xaxis: { title: unknown } } };
  assert.deepEqual(spec.layout.title, { text: "T" }, "plotly 3 needs object titles");
  assert.deepEqual(spec.layout.xaxis.title, { text: "x" });
  assert.match(b["text/plain"] as string, /Figure "T": 1 trace/);
});

test("the plotly library travels once per session, in the first figure only", () => {
  const seen: MimeBundle[] = [];
  captureDisplay((bundle) => seen.push(bundle));
  resendPlotlyBundle();
  show({ data: [{ x: [1], y: [1] }] });
  show({ data: [{ x: [2], y: [2] }] });
  assert.equal(seen.length, 2);
  const first = seen[0]["text/html"] as string;
  const second = seen[1]["text/html"] as string;
  assert.ok(first.length > 3_000_000, `first figure should inline plotly.js (got ${first.length} chars)`);
  assert.ok(second.length < 10_000, `second figure must not repeat plotly.js (got ${second.length} chars)`);
  assert.ok(!/<\/script>[\s\S]*<\/script>[\s\S]*<\/script>[\s\S]*<\/script>/.test(second), "one script per later figure");
});

test("figure HTML cannot be closed early by a </script> inside the data", () => {
  const b = figureBundle({ data: [{ x: [1], y: [1], name: "</script><b>x" }] }, false);
  const html = b["text/html"] as string;
  assert.equal(html.match(/<\/script>/gi)?.length, 1);
});

test("normalizeFigure leaves object titles alone", () => {
  const f = normalizeFigure({ data: [], layout: { title: { text: "A" }, yaxis2: { title: "b" } } });
  assert.deepEqual(f.layout?.title, { text: "A" });
  assert.deepEqual(f.layout?.yaxis2?.title, { text: "b" });
});

test("a progress bar updates one output in place and ends with the per-task losses", () => {
  const events: Array<{ update: boolean; id?: string; text: string }> = [];
  captureDisplay((bundle, update, id) => events.push({ update, id, text: bundle["text/plain"] as string }));
  const bar = progressBar({ total: 10, label: "train", intervalMs: 0 });
  for (let i = 1; i <= 10; i++) bar.update(i, { "task A": 1 / i, "task B": 2 / i });
  bar.close();
  assert.ok(events.length >= 2);
  assert.equal(events[0].update, false, "first draw creates the output");
  assert.ok(
    events.slice(1).every((e) => e.update && e.id === events[0].id),
    "later draws update the same display id",
  );
  assert.match(events[events.length - 1].text, /10\/10 .*done.*task A 0\.1000.*task B 0\.2000/);
});

test("progress text fills the bar in proportion", () => {
  assert.match(progressText("", 5, 10, {}, 1), /\[#{15}\.{15}\] 5\/10/);
});

test("tables render rows and DataFrame-like objects the same way", () => {
  const a = tableText(
    [
      { a: 1, b: "x" },
      { a: 2.5, b: "y" },
    ],
    1,
  );
  const b = tableText(
    {
      columns: ["a", "b"],
      values: [
        [1, "x"],
        [2.5, "y"],
      ],
    },
    1,
  );
  assert.equal(a, b);
  assert.match(a, /2\.5 +y/);
});
