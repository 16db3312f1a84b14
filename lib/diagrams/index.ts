/**
 * Diagrams of models, drawn from the model objects themselves: `mtl.diagrams.show(model)` shows any
 * architecture of the kit (and the case-study ranker and the homework recommender) as an SVG, shared
 * parameters in one colour and each task's own in that task's colour.
 */
import type { Architecture } from "../models/architecture";
import { displayBundle } from "../display/output";
import { describeModel } from "./describe";
import { graphSvg, graphText } from "./svg";
import type { ModelGraph } from "./graph";

export * from "./graph";
export { describeModel } from "./describe";
export * from "./concepts";
export { altText, graphSvg, graphText, ownerColor, SHARED_COLOR } from "./svg";

/** A model's diagram in every form: its graph, SVG and text. */
export interface Diagram {
  graph: ModelGraph;
  svg: string;
  text: string;
}

/** Describes and draws a model. */
export function diagram(model: Architecture): Diagram {
  const graph = describeModel(model);
  return { graph, svg: graphSvg(graph, model.sharedVariables), text: graphText(graph, model.sharedVariables) };
}

/** Several diagrams in one SVG, `columns` to a row, each at its own size. */
export function gridSvg(diagrams: readonly Diagram[], columns = 2): string {
  const size = (svg: string) => {
    const m = svg.match(/width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/);
    return { w: Number(m?.[1] ?? 400), h: Number(m?.[2] ?? 300) };
  };
  const sizes = diagrams.map((d) => size(d.svg));
  const cellW = Math.max(...sizes.map((s) => s.w));
  const rows: number[] = [];
  diagrams.forEach((_, i) => {
    const r = Math.floor(i / columns);
    rows[r] = Math.max(rows[r] ?? 0, sizes[i].h);
  });
  const gap = 12;
  const width = columns * cellW + (columns - 1) * gap;
  const height = rows.reduce((a, b) => a + b, 0) + (rows.length - 1) * gap;
  const parts = diagrams.map((d, i) => {
    const r = Math.floor(i / columns);
    const x = (i % columns) * (cellW + gap);
    const y = rows.slice(0, r).reduce((a, b) => a + b + gap, 0);
    // Nested <svg> keeps each diagram's own coordinates; its style attribute is dropped.
    return d.svg.replace(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /, `<svg x="${x}" y="${y}" `).replace(/ style="[^"]*"/, "");
  });
  const alt = diagrams.map((d) => d.graph.title).join("; ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Diagrams: ${alt.replace(/"/g, "&quot;")}" style="max-width:100%;height:auto;background:#ffffff">\n${parts.join("\n")}\n</svg>`;
}

/**
 * Shows one model's diagram, or several side by side (`columns` per row), as `image/svg+xml` with a
 * text fallback; outside a notebook prints the text.
 */
export function show(models: Architecture | readonly Architecture[], options: { columns?: number } = {}): void {
  const list = Array.isArray(models) ? (models as readonly Architecture[]) : [models as Architecture];
  const diagrams = list.map(diagram);
  const svg = diagrams.length === 1 ? diagrams[0].svg : gridSvg(diagrams, options.columns ?? 2);
  const text = diagrams.map((d) => d.text).join("\n\n");
  if (!displayBundle({ "image/svg+xml": svg, "text/plain": text })) console.log(text);
}

/** Shows a concept figure (its SVG, with its alt text as the plain-text form). */
export function showFigure(figure: { svg: string; alt: string }): void {
  if (!displayBundle({ "image/svg+xml": figure.svg, "text/plain": figure.alt })) console.log(figure.alt);
}
