/**
 * Shows a figure in the notebook as one output with three forms: plotly's JSON MIME type (rendered
 * by JupyterLab with plotly's renderer and by VS Code), an HTML fallback that draws it with a local
 * plotly bundle (classic Notebook, JupyterLab without the renderer), and plain text. The bundle,
 * about 5 MB, travels once per kernel session, inside the first figure's HTML: later figures wait
 * for it, and a reopened notebook re-runs that first output before the others, so nothing is
 * loaded from the internet and the bundle is not repeated. Where the HTML's scripts cannot run (an
 * untrusted notebook: one saved elsewhere, e.g. a shared executed copy, in a front end without
 * plotly's renderer) the fallback shows a static note saying how to see the figure; the script
 * removes it when it runs.
 */
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import { displayBundle, type MimeBundle } from "../display/output";
import { escapeHtml } from "../display/progress";
import { describeFigure, normalizeFigure, type Figure } from "./figure";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
let bundleSent = false;

/** Displays a figure in the notebook (outside a kernel it prints the figure's one-line summary). */
export function show(figure: Figure): void {
  if (displayBundle(figureBundle(figure, !bundleSent))) bundleSent = true;
  else console.log(describeFigure(figure));
}

/** Forgets that the bundle was sent, so the next figure carries it again (e.g. after clearing outputs). */
export function resendPlotlyBundle(): void {
  bundleSent = false;
}

/** The MIME bundle of a figure; `withLibrary` inlines the plotly bundle into its HTML. */
export function figureBundle(figure: Figure, withLibrary: boolean): MimeBundle {
  const fig = normalizeFigure(figure);
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: { responsive: true } },
    "text/html": figureHtml(fig, withLibrary),
    "text/plain": describeFigure(fig),
  };
}

/** HTML that draws the figure with window.Plotly, loading the inlined library first when given. */
export function figureHtml(figure: Figure, withLibrary: boolean): string {
  const fig = normalizeFigure(figure);
  const id = "mtl-plot-" + randomBytes(6).toString("hex");
  const height = fig.layout?.height ?? 400;
  const spec = scriptSafe(JSON.stringify({ data: fig.data, layout: fig.layout ?? {}, config: { responsive: true } }));
  const library = withLibrary ? `<script type="text/javascript">${scriptSafe(plotlySource())}</script>\n` : "";
  // The div holds the untrusted view (a note, no reserved height); the script, which runs only
  // where the output is trusted, removes the note and sizes the div before drawing.
  // Outputs render in document order, but an output may be drawn before the one carrying the
  // library has run (or after it was cleared): poll briefly, then say what to do.
  return `${library}<div id="${id}" class="mtl-plot" style="width:100%">${untrustedNote(describeFigure(fig))}</div>
<script type="text/javascript">
(function () {
  var spec = ${spec};
  var tries = 0;
  var first = document.getElementById("${id}");
  if (first) {
    var note = first.querySelector(".${UNTRUSTED_NOTE_CLASS}");
    if (note) { note.parentNode.removeChild(note); }
    first.style.height = "${height}px";
  }
  function draw() {
    var el = document.getElementById("${id}");
    if (!el) { return; }
    if (window.Plotly) { window.Plotly.newPlot(el, spec.data, spec.layout, spec.config); return; }
    if (++tries < 100) { setTimeout(draw, 100); return; }
    el.innerHTML = "<pre>plotly.js is not loaded on this page: re-run the notebook's first plotting cell (or call mtl.plots.resendPlotlyBundle()).</pre>";
  }
  draw();
})();
</script>`;
}

/** The class of the note an untrusted figure output shows instead of the figure. */
export const UNTRUSTED_NOTE_CLASS = "mtl-plot-note";

/**
 * What a figure's HTML fallback shows where its script does not run: which figure it is and the
 * three ways to see it (outputs made by the kernel in this session are trusted, so re-running works).
 */
export function untrustedNote(summary: string): string {
  return (
    `<p class="${UNTRUSTED_NOTE_CLASS}" style="margin:0;padding:8px 12px;border:1px dashed #9e9e9e;border-radius:4px;color:#424242;background:#fafafa">` +
    `<b>This figure needs a trusted notebook or plotly's JupyterLab renderer.</b> ` +
    `Its drawing script does not run in an untrusted notebook (one saved by someone else). ` +
    `Re-run the cell, or trust the notebook (JupyterLab: Command Palette → Trust Notebook; classic Notebook: File → Trust Notebook), ` +
    `or install plotly's renderer where Jupyter runs (the <code>plotly</code> Python package). ` +
    `<br><i>${escapeHtml(summary)}</i></p>`
  );
}

/** Escapes `</script` so inlined code cannot end its script element early. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

let cachedSource: string | null = null;

/** The plotly.js bundle: the minified copy made at install time, else the package's own file. */
export function plotlySource(): string {
  if (cachedSource) return cachedSource;
  const candidates = [path.join(__dirname, "..", "plotly.min.js"), path.join(__dirname, "..", "dist", "plotly.min.js")];
  const found = candidates.find((p) => fs.existsSync(p));
  cachedSource = fs.readFileSync(found ?? require.resolve("plotly.js-dist/plotly.js"), "utf8");
  return cachedSource;
}
