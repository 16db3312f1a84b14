/**
 * JupyterLab's renderers, tested for real: every lecture notebook and both solutions, executed in
 * the real kernel, are rendered in headless Chromium by JupyterLab 4's own packages (rendermime
 * with its standard factories, the output area, the marked parser, MathJax) bundled into a plain
 * page, once with plotly's JupyterLab renderer installed and once without (the kit's HTML
 * fallback). Each world renders the notebook as a live session shows it (trusted), saves it as
 * JupyterLab would, and reopens the saved file trusted and untrusted. Every figure must draw as SVG
 * (or, untrusted without plotly's renderer, show the note saying how to see it), every diagram,
 * table and formula must show, nothing may error and nothing may be fetched from the network.
 * Screenshots: .artifacts/jupyterlab/<notebook>/<world>-<state>.png.
 *
 * Executed copies come from the notebook test (.artifacts/executed/) when they ran to their claims
 * cell and are newer than the notebook and the library sources; otherwise they are executed here.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Browser } from "playwright-core";
import { claimsRecord, runNotebook } from "../scripts/notebook-runner";
import { ROOT } from "../scripts/jupyter";
import { launchChromium, recordExternalRequests } from "./chromium";
import { buildLabPage } from "./jupyterlab/bundle";
import { expectationsOf, readAsContentsApi, type Notebook } from "./jupyterlab/expectations";
import type { LabPage, RenderOptions, SavedCell } from "./jupyterlab/protocol";

const WORK = path.join(ROOT, ".artifacts", "jupyterlab");
/** Guards against a hang only: rendering a notebook takes seconds. */
const SETTLE_MS = 180_000;

const NOTEBOOKS = [
  ...fs
    .readdirSync(path.join(ROOT, "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => `notebooks/${f}`),
  ...fs
    .readdirSync(path.join(ROOT, "solutions"))
    .filter((f) => /^hw.*\.ipynb$/.test(f))
    .map((f) => `solutions/${f}`),
].sort();

let browser: Browser | null = null;
let pageUrl = "";

before(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  pageUrl = "file://" + (await buildLabPage(path.join(WORK, "page")));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The newest modification time of the library's sources (what notebook outputs depend on). */
function librarySourcesTime(): number {
  const walk = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return ["dist", "node_modules"].includes(e.name) ? t : Math.max(t, walk(p));
      return e.name.endsWith(".ts") ? Math.max(t, fs.statSync(p).mtimeMs) : t;
    }, 0);
  return walk(path.join(ROOT, "lib"));
}

/** The notebook's executed copy: the notebook test's if current and complete, else a fresh run. */
async function executedCopy(file: string): Promise<{ path: string; reused: boolean }> {
  const copy = path.join(ROOT, ".artifacts", "executed", file.replace(/[\\/]/g, "__"));
  const newest = Math.max(fs.statSync(path.join(ROOT, file)).mtimeMs, librarySourcesTime());
  if (fs.existsSync(copy) && fs.statSync(copy).mtimeMs > newest && claimsRecord(copy)) return { path: copy, reused: true };
  const run = await runNotebook(path.join(ROOT, file), { env: { MTL_SEED: "" } });
  assert.equal(run.ok, true, `${file} did not execute: ${run.error}`);
  return { path: run.executed, reused: false };
}

/** Replaces each code cell's outputs with the saved ones. */
function withSavedOutputs(nb: Notebook, saved: SavedCell[]): Notebook {
  const copy = structuredClone(nb);
  for (const s of saved) copy.cells[s.cell].outputs = s.outputs;
  return copy;
}

/**
 * Renders a notebook in a fresh page, waits until everything it must show is shown (or the guard
 * expires), asserts that, takes a screenshot, and returns the outputs as JupyterLab would save them.
 */
async function renderAndCheck(nb: Notebook, options: RenderOptions, shot: string): Promise<SavedCell[]> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  const external = recordExternalRequests(page);
  try {
    await page.goto(pageUrl);
    await page.evaluate(([nb, o]) => (window as unknown as { mtlLab: LabPage }).mtlLab.render(nb, o), [nb, options] as const);
    const expected = expectationsOf(nb);
    const problems = () => page.evaluate((e) => (window as unknown as { mtlLab: LabPage }).mtlLab.problems(e), expected);
    await page
      .waitForFunction((e) => (window as unknown as { mtlLab: LabPage }).mtlLab.problems(e).length === 0, expected, { timeout: SETTLE_MS, polling: 500 })
      .catch(() => undefined);
    const figures = expected.reduce((n, e) => n + e.figures, 0);
    if (options.plotly && options.trusted) {
      // plotly's renderer stores a PNG of each figure it drew in the output; the saved file keeps it.
      await page
        .waitForFunction((n) => (window as unknown as { mtlLab: LabPage }).mtlLab.figuresWithPng() === n, figures, { timeout: SETTLE_MS, polling: 500 })
        .catch(() => undefined);
    }
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual(await problems(), [], `${path.basename(shot)}: what the page does not show`);
    assert.deepEqual(errors, [], `${path.basename(shot)}: errors in the page`);
    assert.deepEqual(external, [], `${path.basename(shot)}: requests outside this machine`);
    const saved = await page.evaluate(() => (window as unknown as { mtlLab: LabPage }).mtlLab.saved());
    if (options.plotly && options.trusted) {
      const pngs = await page.evaluate(() => (window as unknown as { mtlLab: LabPage }).mtlLab.figuresWithPng());
      assert.equal(pngs, figures, "plotly's renderer stored a PNG of every figure");
    }
    return saved;
  } finally {
    await page.close();
  }
}

test("there are notebooks to render: every lecture notebook and both solutions", () => {
  assert.ok(NOTEBOOKS.filter((f) => f.startsWith("notebooks/")).length >= 6, NOTEBOOKS.join(", "));
  assert.ok(NOTEBOOKS.includes("solutions/hw1.ipynb") && NOTEBOOKS.includes("solutions/hw2.ipynb"), NOTEBOOKS.join(", "));
});

for (const file of NOTEBOOKS) {
  test(`${file} renders in JupyterLab's renderers: fresh, reopened trusted and untrusted, with and without plotly's renderer`, async (t) => {
    const executed = await executedCopy(file);
    t.diagnostic(`${file}: ${executed.reused ? "reused" : "executed"} ${path.relative(ROOT, executed.path)}`);
    const nb = readAsContentsApi(executed.path);
    const counts = expectationsOf(nb).reduce(
      (a, e) => ({ figures: a.figures + e.figures, diagrams: a.diagrams + e.diagrams, tables: a.tables + e.tables, math: a.math + e.math }),
      { figures: 0, diagrams: 0, tables: 0, math: 0 },
    );
    t.diagnostic(`${file}: ${counts.figures} figures, ${counts.diagrams} diagrams, ${counts.tables} tables, ${counts.math} formulas`);
    const dir = path.join(WORK, path.basename(file, ".ipynb"));
    for (const plotly of [true, false]) {
      const world = plotly ? "plotly-renderer" : "html-fallback";
      await t.test(world, async () => {
        const saved = await renderAndCheck(nb, { trusted: true, plotly }, path.join(dir, `${world}-fresh.png`));
        const reopened = withSavedOutputs(nb, saved);
        fs.writeFileSync(path.join(dir, `${world}-saved.ipynb`), JSON.stringify(reopened));
        await renderAndCheck(reopened, { trusted: true, plotly }, path.join(dir, `${world}-reopened-trusted.png`));
        await renderAndCheck(reopened, { trusted: false, plotly }, path.join(dir, `${world}-reopened-untrusted.png`));
      });
    }
  });
}
