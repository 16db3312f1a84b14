/**
 * A figure's HTML fallback in an untrusted notebook: its script does not run, so the static HTML
 * must say which figure it is and how to see it; where the script does run, it removes that note
 * and draws. The script is run here against a minimal DOM (the browser tests run it for real).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vm from "vm";
import { figureHtml, UNTRUSTED_NOTE_CLASS } from "../../lib/plots/show";

const figure = { data: [{ x: [1, 2], y: [3, 4], name: "task <A>" }], layout: { title: "Loss & friends", height: 320 } };

/** The static part of the HTML (what a sanitizer keeps: scripts removed). */
function withoutScripts(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/gi, "");
}

test("without its script, a figure's HTML shows a note naming the figure and the ways to see it", () => {
  const html = withoutScripts(figureHtml(figure, false));
  const note = html.match(new RegExp(`<p class="${UNTRUSTED_NOTE_CLASS}"[^>]*>([\\s\\S]*?)</p>`));
  assert.ok(note, "the note is in the static HTML");
  assert.match(note[1], /needs a trusted notebook or plotly's JupyterLab renderer/);
  assert.match(note[1], /Re-run the cell/);
  assert.match(note[1], /Trust Notebook/);
  assert.match(note[1], /Figure &quot;Loss &amp; friends&quot;: 1 trace\(s\) \(task &lt;A&gt;\)/, "the figure's summary, escaped");
  assert.match(html, /<div id="mtl-plot-[0-9a-f]+" class="mtl-plot" style="width:100%"><p class="mtl-plot-note"/, "the note sits in the plot's div");
  assert.doesNotMatch(html, /height:320px/, "no empty space is reserved for a figure that cannot draw");
});

/** A minimal DOM: one plot div holding the note, and a window.Plotly that records its calls. */
function fakePage(html: string) {
  const id = html.match(/<div id="(mtl-plot-[0-9a-f]+)"/)![1];
  const noteRemoved: boolean[] = [];
  const note = { parentNode: { removeChild: () => noteRemoved.push(true) } };
  const div = {
    style: {} as Record<string, string>,
    innerHTML: "",
    querySelector: (sel: string) => (sel === `.${UNTRUSTED_NOTE_CLASS}` && !noteRemoved.length ? note : null),
  };
  const plots: Array<{ el: unknown; data: unknown; layout: { height?: number } }> = [];
  const window = { Plotly: { newPlot: (el: unknown, data: unknown, layout: { height?: number }) => plots.push({ el, data, layout }) } };
  const context = vm.createContext({ window, document: { getElementById: (x: string) => (x === id ? div : null) }, setTimeout });
  return { div, plots, noteRemoved, context };
}

test("where the script runs, it removes the note, sizes the div and draws the figure", () => {
  const html = figureHtml(figure, false);
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1);
  const page = fakePage(html);
  vm.runInContext(scripts[0], page.context);
  assert.equal(page.noteRemoved.length, 1, "the note is removed");
  assert.equal(page.div.style.height, "320px", "the div gets the figure's height");
  assert.equal(page.plots.length, 1, "Plotly.newPlot is called once");
  assert.equal(page.plots[0].el, page.div);
  assert.equal(page.plots[0].layout.height, 320);
});
