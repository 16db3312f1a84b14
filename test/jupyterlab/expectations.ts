/**
 * What a rendered notebook must show, read from the notebook file: per code cell, how many plotly
 * figures, SVG diagrams and HTML tables its outputs hold; per markdown cell, how many TeX
 * formulas. Also the notebook as Jupyter's contents API hands it to JupyterLab.
 */
import * as fs from "fs";
import type { CellOutput } from "./protocol";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** One cell of a notebook file. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: CellOutput[];
  [key: string]: unknown;
}

/** A notebook file. */
export interface Notebook {
  cells: NotebookCell[];
  [key: string]: unknown;
}

/** What one cell must show once rendered. */
export interface CellExpectation {
  cell: number;
  figures: number;
  diagrams: number;
  tables: number;
  /** TeX formulas in a markdown cell. */
  math: number;
}

const isJsonMime = (mime: string) => /^application\/(.+\+)?json$/.test(mime);

/**
 * The notebook as the Jupyter server's contents API returns it: nbformat's reader joins the
 * multi-line strings a file stores as lists (sources, stream text, non-JSON MIME data), and
 * JupyterLab's models take them as they come.
 */
export function readAsContentsApi(file: string): Notebook {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  const join = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("") : v);
  for (const cell of nb.cells) {
    cell.source = join(cell.source) as string;
    for (const out of cell.outputs ?? []) {
      if (out.text !== undefined) out.text = join(out.text) as string;
      for (const mime of Object.keys(out.data ?? {})) if (!isJsonMime(mime)) out.data![mime] = join(out.data![mime]);
    }
  }
  return nb;
}

/** TeX formulas in markdown: `$$…$$` and `$…$` outside code spans and fenced code. */
export function countMath(markdown: string): number {
  const prose = markdown
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "")
    .replace(/\\\$/g, "");
  return (prose.match(/\$\$[\s\S]+?\$\$|\$[^$\n]+?\$/g) ?? []).length;
}

/** Per cell, what must be drawn; cells with nothing to check are left out. */
export function expectationsOf(nb: Notebook): CellExpectation[] {
  return nb.cells.flatMap((cell, index) => {
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const e: CellExpectation = { cell: index, figures: 0, diagrams: 0, tables: 0, math: 0 };
    if (cell.cell_type === "markdown") e.math = countMath(source);
    for (const out of cell.outputs ?? []) {
      const data = out.data ?? {};
      const html = data["text/html"];
      if (data[PLOTLY_MIME]) e.figures++;
      else if (data["image/svg+xml"]) e.diagrams++;
      else if (/<table[\s>]/.test(Array.isArray(html) ? html.join("") : String(html ?? ""))) e.tables++;
    }
    return e.figures + e.diagrams + e.tables + e.math > 0 ? [e] : [];
  });
}
