/**
 * A real-browser check: the classic Notebook server (Debian's jupyter-notebook) on 127.0.0.1, the
 * setup notebook opened in headless Chromium, all cells run, and a plotly chart's SVG in the page.
 * Then the notebook is saved and reopened: the chart must render again from the stored outputs,
 * with no kernel run and no network. The conditioning notebook is run too, and its model diagrams
 * must be in the page as SVG in the shared colour and one colour per task. Screenshots are kept in
 * .artifacts/browser/.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { findFrontEnds, testJupyterPath, ROOT } from "../scripts/jupyter";
import { SHARED_COLOR } from "../lib/diagrams/svg";
import { TASK_COLORS } from "../lib/plots/charts";
import { CHROMIUM, launchChromium, recordExternalRequests } from "./chromium";

const WORK = path.join(ROOT, ".artifacts", "browser");
const TOKEN = "browser-test";
let server: ChildProcess | null = null;
let browser: Browser | null = null;
let base = "";
let serverLog = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  const fe = findFrontEnds();
  assert.ok(fe.python && fe.notebook, "the classic Notebook (Debian package jupyter-notebook) is required for the browser test");
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (Debian package chromium)`);
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  fs.copyFileSync(path.join(ROOT, "notebooks", "00-setup.ipynb"), path.join(WORK, "setup.ipynb"));
  fs.copyFileSync(path.join(ROOT, "notebooks", "02-conditioning.ipynb"), path.join(WORK, "conditioning.ipynb"));
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-browser-"));
  server = spawn(
    fe.python!,
    ["-m", "jupyter", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${TOKEN}`, `--notebook-dir=${WORK}`, "--allow-root"],
    { env: { ...process.env, HOME: home, JUPYTER_PATH: testJupyterPath(), JUPYTER_RUNTIME_DIR: path.join(home, "rt") }, detached: true },
  );
  server.stdout!.on("data", (d) => (serverLog += d));
  server.stderr!.on("data", (d) => (serverLog += d));
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/status?token=${TOKEN}`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
});

/** Waits for the page's kernel, then runs every cell (the classic Notebook's "Run All"). */
async function runAllCells(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return !!J?.notebook?.kernel?.is_connected();
    },
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
}

test("the setup notebook runs in a real browser and draws its plotly chart; it still renders after save and reopen", async () => {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 1600 } });
  const external = recordExternalRequests(page);
  await page.goto(`${base}/notebooks/setup.ipynb?token=${TOKEN}`);
  await runAllCells(page);
  await page.waitForSelector(".js-plotly-plot svg.main-svg", { timeout: 120_000 });
  await page.waitForFunction(() => document.body.innerText.includes("Setup complete"), null, { timeout: 120_000 });
  const stderr = await page.locator(".output_stderr").count();
  assert.equal(stderr, 0, "no cell wrote to stderr");
  const traces = await page.locator(".js-plotly-plot .scatterlayer .trace").count();
  assert.equal(traces, 2, "both task lines are drawn");
  await page.locator(".js-plotly-plot").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(WORK, "setup-notebook.png"), fullPage: true });

  await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { save_notebook(): Promise<unknown> } } }).Jupyter.notebook.save_notebook());
  await page.waitForTimeout(1500);
  const saved = JSON.parse(fs.readFileSync(path.join(WORK, "setup.ipynb"), "utf8"));
  const htmlOutputs = saved.cells
    .flatMap((c: { outputs?: Array<{ data?: Record<string, unknown> }> }) => c.outputs ?? [])
    .filter((o: { data?: Record<string, unknown> }) => o.data?.["application/vnd.plotly.v1+json"]);
  assert.equal(htmlOutputs.length, 1, "the saved notebook holds the figure output");

  const reopened = await browser!.newPage({ viewport: { width: 1200, height: 1600 } });
  await reopened.goto(`${base}/notebooks/setup.ipynb?token=${TOKEN}`);
  await reopened.waitForSelector(".js-plotly-plot svg.main-svg", { timeout: 60_000 });
  await reopened.screenshot({ path: path.join(WORK, "setup-notebook-reopened.png"), fullPage: false });
  assert.deepEqual(external, [], "nothing was loaded from outside this machine");
});

test("the conditioning notebook shows its models as SVG diagrams in the shared colour and one colour per task", async () => {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 1600 } });
  await page.goto(`${base}/notebooks/conditioning.ipynb?token=${TOKEN}`);
  await runAllCells(page);
  // The last cell's claims table says the notebook ran to its end.
  await page.waitForFunction(() => document.body.innerText.includes("Claims of 02-conditioning"), null, { timeout: 400_000 });
  assert.equal(await page.locator(".output_stderr").count(), 0, "no cell wrote to stderr");
  const diagrams = page.locator(".output_svg svg[aria-label^='Diagram of']");
  const count = await diagrams.count();
  assert.ok(count >= 2, `expected the notebook's model diagrams in the page, found ${count}`);
  const strokes = await page.$$eval(".output_svg g.mtl-node rect[stroke]", (rects) => rects.map((r) => (r.getAttribute("stroke") ?? "").toLowerCase()));
  for (const colour of [SHARED_COLOR, TASK_COLORS[0], TASK_COLORS[1]]) {
    assert.ok(strokes.includes(colour.toLowerCase()), `no diagram node drawn in ${colour}`);
  }
  const box = await diagrams.first().boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, "the diagram is drawn at a legible size");
  await diagrams.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(WORK, "conditioning-diagram.png"), fullPage: false });
  await page.screenshot({ path: path.join(WORK, "conditioning-notebook.png"), fullPage: true });
});
