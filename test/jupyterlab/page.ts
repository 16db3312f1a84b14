/**
 * The browser side of the JupyterLab rendering test, bundled by ./bundle.ts into a plain page. It
 * renders a notebook the way JupyterLab 4 does: markdown cells through the markdown renderer
 * (untrusted, as JupyterLab's MarkdownCell renders them), code cells through an OutputArea whose
 * model carries the notebook's trust, one RenderMimeRegistry with JupyterLab's standard factories,
 * its marked-based parser and its MathJax typesetter, and optionally plotly's mime renderer added
 * the way JupyterLab registers mime extensions (at the extension's rank).
 */
import "@jupyterlab/theme-light-extension/style/variables.css";
import "@jupyterlab/rendermime/style/index.css";
import "@jupyterlab/outputarea/style/index.css";
import "@jupyterlab/mathjax-extension/style/index.css";
import { EditorLanguageRegistry } from "@jupyterlab/codemirror";
import { createMarkdownParser } from "@jupyterlab/markedparser-extension";
import { MathJaxTypesetter } from "@jupyterlab/mathjax-extension";
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { MimeModel, RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { Widget } from "@lumino/widgets";
import plotlyExtensions from "jupyterlab-plotly/lib/plotly-renderer";
import type { CellExpectation } from "./expectations";
import type { CellOutput, LabPage, RenderOptions, SavedCell } from "./protocol";

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: CellOutput[];
}

const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

function registry(plotly: boolean): RenderMimeRegistry {
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) languages.addLanguage(language);
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories,
    latexTypesetter: new MathJaxTypesetter(),
    markdownParser: createMarkdownParser(languages),
  });
  if (plotly) {
    // As @jupyterlab/application's mime-extension plugin does for each extension it loads.
    for (const ext of plotlyExtensions) rendermime.addFactory(ext.rendererFactory, ext.rank);
  }
  return rendermime;
}

const areas: OutputAreaModel[] = [];
let rendered: RenderOptions = { trusted: false, plotly: false };

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const NOTE_TEXT = "needs a trusted notebook";

function visible(el: Element | null): el is HTMLElement {
  return !!el && (el as HTMLElement).offsetHeight > 0 && (el as HTMLElement).offsetWidth > 0;
}

/** An SVG plot drawn at a legible size. */
function drawnPlot(el: Element): boolean {
  const svg = el.querySelector(".main-svg");
  return !!svg && svg.getBoundingClientRect().width > 100 && svg.getBoundingClientRect().height > 100;
}

/** What is wrong with one cell's plotly figures now (empty when each shows what it should). */
function figureProblems(host: Element, e: CellExpectation): string[] {
  const where = `cell ${e.cell}`;
  if (rendered.plotly) {
    const figures = Array.from(host.querySelectorAll(".jp-RenderedPlotly"));
    if (figures.length !== e.figures) return [`${where}: ${figures.length} of ${e.figures} figures rendered by plotly's renderer`];
    return figures.flatMap((fig, i) => {
      if (drawnPlot(fig)) return [];
      // A figure saved by plotly's renderer reopens as its stored PNG; hovering draws the live plot.
      const img = fig.querySelector<HTMLImageElement>("img.plot-img");
      if (img && img.src.startsWith("data:image/png") && !(fig as HTMLElement).dataset.hovered) {
        (fig as HTMLElement).dataset.hovered = "1";
        img.dispatchEvent(new MouseEvent("mouseenter"));
      }
      return [`${where}: figure ${i + 1} has no plot SVG`];
    });
  }
  const figures = Array.from(host.querySelectorAll(".jp-RenderedHTMLCommon .mtl-plot"));
  if (figures.length !== e.figures) return [`${where}: ${figures.length} of ${e.figures} figures' HTML rendered`];
  return figures.flatMap((fig, i) => {
    const note = fig.querySelector(".mtl-plot-note");
    if (rendered.trusted) {
      if (note) return [`${where}: figure ${i + 1} still shows the untrusted note`];
      return drawnPlot(fig) ? [] : [`${where}: figure ${i + 1} has no plot SVG`];
    }
    if (fig.querySelector(".main-svg")) return [`${where}: figure ${i + 1} drew although untrusted`];
    return visible(note) && note.textContent!.includes(NOTE_TEXT) ? [] : [`${where}: figure ${i + 1} shows no visible note`];
  });
}

/** What is wrong with one cell's diagrams, tables and formulas now. */
function otherProblems(host: Element, e: CellExpectation): string[] {
  const where = `cell ${e.cell}`;
  const problems: string[] = [];
  if (e.diagrams) {
    if (rendered.trusted) {
      // JupyterLab draws image/svg+xml as an <img> of the SVG.
      const imgs = Array.from(host.querySelectorAll<HTMLImageElement>(".jp-RenderedSVG img"));
      if (imgs.length !== e.diagrams) problems.push(`${where}: ${imgs.length} of ${e.diagrams} diagrams rendered as SVG`);
      imgs.forEach((img, i) => {
        if (!(img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 100)) problems.push(`${where}: diagram ${i + 1} is not drawn`);
      });
    } else {
      // SVG is not a safe MIME type: an untrusted output shows the diagram's text form.
      const texts = Array.from(host.querySelectorAll('.jp-RenderedText[data-mime-type="text/plain"]')).filter((t) => visible(t) && t.textContent!.trim());
      if (host.querySelector(".jp-RenderedSVG")) problems.push(`${where}: an untrusted SVG was rendered`);
      if (texts.length < e.diagrams) problems.push(`${where}: ${texts.length} text forms for ${e.diagrams} untrusted diagrams`);
    }
  }
  if (e.tables) {
    const tables = Array.from(host.querySelectorAll(".jp-RenderedHTMLCommon table")).filter((t) => visible(t) && t.querySelectorAll("td").length > 0);
    if (tables.length !== e.tables) problems.push(`${where}: ${tables.length} of ${e.tables} tables shown`);
  }
  if (e.math) {
    const math = host.querySelectorAll("mjx-container").length;
    if (math !== e.math) problems.push(`${where}: ${math} of ${e.math} formulas typeset`);
    if (host.querySelector("mjx-merror")) problems.push(`${where}: MathJax reports a TeX error`);
  }
  return problems;
}

const page: LabPage = {
  async render(nb: { cells: NotebookCell[] }, options: RenderOptions): Promise<void> {
    rendered = options;
    const rendermime = registry(options.plotly);
    const root = document.getElementById("notebook")!;
    root.dataset.trusted = String(options.trusted);
    const pending: Array<Promise<void>> = [];
    nb.cells.forEach((cell, index) => {
      const host = document.createElement("div");
      host.className = `jp-Cell jp-${cell.cell_type === "markdown" ? "MarkdownCell" : "CodeCell"}`;
      host.dataset.cell = String(index);
      root.appendChild(host);
      if (cell.cell_type === "markdown") {
        const renderer = rendermime.createRenderer("text/markdown");
        renderer.addClass("jp-MarkdownOutput");
        // Attached first, as in a notebook, so that MathJax typesets when the markdown renders.
        Widget.attach(renderer, host);
        pending.push(renderer.renderModel(new MimeModel({ data: { "text/markdown": text(cell.source) } })));
      } else if (cell.cell_type === "code") {
        const model = new OutputAreaModel({ values: (cell.outputs ?? []) as never, trusted: options.trusted });
        areas[index] = model;
        Widget.attach(new OutputArea({ model, rendermime }), host);
      }
    });
    await Promise.all(pending);
  },

  problems(expected: CellExpectation[]): string[] {
    const problems = expected.flatMap((e) => {
      const host = document.querySelector(`[data-cell="${e.cell}"]`);
      return host ? [...figureProblems(host, e), ...otherProblems(host, e)] : [`cell ${e.cell} is missing`];
    });
    // A renderer that throws leaves a "Javascript Error" output marked as stderr, as do error outputs.
    for (const err of Array.from(document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]'))) {
      problems.push(`error output: ${err.textContent!.slice(0, 200)}`);
    }
    return problems;
  },

  figuresWithPng(): number {
    return areas.reduce((n, model) => {
      if (!model) return n;
      for (let i = 0; i < model.length; i++) if (model.get(i).data[PLOTLY_MIME] && model.get(i).data["image/png"]) n++;
      return n;
    }, 0);
  },

  saved(): SavedCell[] {
    // What JupyterLab writes on save: each output model's JSON, including anything a renderer
    // added to its model (plotly's renderer stores a PNG of the figure).
    return areas.flatMap((model, cell) => (model ? [{ cell, outputs: model.toJSON() as unknown as CellOutput[] }] : []));
  },
};

(window as unknown as { mtlLab: LabPage }).mtlLab = page;
