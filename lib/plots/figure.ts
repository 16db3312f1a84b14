/**
 * Typed plotly.js figures: the subset of traces and layout the course draws. Figures are plain
 * JSON, so the same object renders through plotly's MIME renderer (JupyterLab, VS Code) or the
 * kit's HTML fallback (classic Notebook). Kept to plotly.js 3.x features, which the renderers bundle.
 */

type Datum = number | string | null;

/** Fields every trace may carry. */
interface TraceBase {
  name?: string;
  showlegend?: boolean;
  legendgroup?: string;
  opacity?: number;
  hovertemplate?: string;
  xaxis?: string;
  yaxis?: string;
  visible?: boolean | "legendonly";
}

/** Line, marker or text traces. */
export interface ScatterTrace extends TraceBase {
  type?: "scatter";
  x: Datum[];
  y: Datum[];
  mode?: "lines" | "markers" | "lines+markers" | "text" | "markers+text" | "lines+markers+text";
  text?: string | string[];
  textposition?: string;
  line?: { color?: string; width?: number; dash?: "solid" | "dot" | "dash" | "dashdot"; shape?: "linear" | "spline" | "hv" };
  marker?: { color?: string | number[]; size?: number | number[]; symbol?: string; colorscale?: string; showscale?: boolean };
  error_y?: { type: "data"; array: number[]; visible: boolean };
  fill?: "none" | "tozeroy" | "tonexty" | "toself";
}

/** Bar charts. */
export interface BarTrace extends TraceBase {
  type: "bar";
  x: Datum[];
  y: Datum[];
  orientation?: "v" | "h";
  text?: string | string[];
  marker?: { color?: string | string[] };
  error_y?: { type: "data"; array: number[]; visible: boolean };
}

/** Heat maps (affinity, gradient cosine, gate utilisation). */
export interface HeatmapTrace extends TraceBase {
  type: "heatmap";
  z: number[][];
  x?: Datum[];
  y?: Datum[];
  colorscale?: string;
  zmin?: number;
  zmax?: number;
  zmid?: number;
  reversescale?: boolean;
  showscale?: boolean;
  texttemplate?: string;
  text?: string[][];
}

/** Box plots (spread across seeds). */
export interface BoxTrace extends TraceBase {
  type: "box";
  y: number[];
  x?: Datum[];
  boxpoints?: "all" | "outliers" | false;
  marker?: { color?: string };
}

/** Any trace the kit draws. */
export type Trace = ScatterTrace | BarTrace | HeatmapTrace | BoxTrace;

/** An axis. */
export interface Axis {
  title?: string | { text: string };
  type?: "linear" | "log" | "category";
  range?: [number, number];
  domain?: [number, number];
  anchor?: string;
  tickformat?: string;
  zeroline?: boolean;
  autorange?: boolean | "reversed";
  tickmode?: "auto" | "linear" | "array";
  tickvals?: number[];
  ticktext?: string[];
  /** Grow the margins so tick labels and titles are never clipped (on by default, see normalizeFigure). */
  automargin?: boolean;
}

/** Figure layout. */
export interface Layout {
  title?: string | { text: string };
  width?: number;
  height?: number;
  xaxis?: Axis;
  yaxis?: Axis;
  xaxis2?: Axis;
  yaxis2?: Axis;
  xaxis3?: Axis;
  yaxis3?: Axis;
  showlegend?: boolean;
  legend?: { orientation?: "h" | "v"; x?: number; y?: number };
  barmode?: "group" | "stack" | "overlay";
  boxmode?: "group" | "overlay";
  margin?: { l?: number; r?: number; t?: number; b?: number };
  grid?: { rows: number; columns: number; pattern?: "independent" | "coupled" };
  annotations?: Array<{ text: string; x?: number | string; y?: number | string; xref?: string; yref?: string; showarrow?: boolean }>;
}

/** A plotly figure: traces plus layout. */
export interface Figure {
  data: Trace[];
  layout?: Layout;
}

/**
 * Returns a copy with plotly 3.x's object form for titles (plain-string titles were dropped in 3.0)
 * and automatic margins on every axis.
 */
export function normalizeFigure(figure: Figure): Figure {
  const fix = (t: string | { text: string } | undefined) => (typeof t === "string" ? { text: t } : t);
  const layout: Record<string, unknown> = { ...(figure.layout ?? {}) };
  if (layout.title !== undefined) layout.title = fix(layout.title as string);
  for (const key of ["xaxis", "yaxis"]) layout[key] ??= {};
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key) && layout[key]) {
      // automargin: long category labels and axis titles otherwise fall off the plot's edge.
      const axis: Axis = { automargin: true, ...(layout[key] as Axis) };
      if (axis.title !== undefined) axis.title = fix(axis.title);
      layout[key] = axis;
    }
  }
  return { data: figure.data, layout: layout as Layout };
}

/** A one-line text summary of a figure (the text/plain form of its output). */
export function describeFigure(figure: Figure): string {
  const t = figure.layout?.title;
  const title = typeof t === "string" ? t : t?.text;
  const names = figure.data.map((d) => d.name).filter(Boolean);
  return `Figure${title ? ` "${title}"` : ""}: ${figure.data.length} trace(s)${names.length ? ` (${names.join(", ")})` : ""}`;
}
