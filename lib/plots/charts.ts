/**
 * The course's standard charts, as figures ready for show(): per-task loss curves, weight
 * trajectories, Pareto fronts over loss weights, heat maps, and bars with spread across seeds.
 */
import type { History } from "../training/history";
import type { Axis, Figure, ScatterTrace } from "./figure";
import { mean, std } from "../stats";

/** A colour per task, reused across charts so a task keeps its colour. */
export const TASK_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** Moving average, so noisy per-step losses read as curves. */
export function smooth(values: readonly number[], window: number): number[] {
  if (window <= 1) return [...values];
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

/**
 * A log axis with every tick labelled in full at 1, 2 and 5 × 10^k across the values' range.
 * Plotly's own log ticks label the in-between ticks with a bare small "2" and "5", which reads as
 * the value 2 or 5; these read as what they are (0.02, 0.05, 0.1, …).
 */
export function logAxis(values: readonly number[], title: string): Axis {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length) return { title, type: "log" };
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const tickvals: number[] = [];
  for (let k = lo; k <= hi; k++) for (const m of hi - lo > 3 ? [1] : [1, 2, 5]) if (k < hi || m === 1) tickvals.push(Number((m * 10 ** k).toPrecision(2)));
  return { title, type: "log", tickmode: "array", tickvals, ticktext: tickvals.map((v) => String(v)) };
}

/** Per-task training loss (smoothed) or test loss/metric curves of one run. */
export function lossCurves(
  history: History,
  options: { kind?: "loss" | "testLoss" | "testMetric"; smoothing?: number; title?: string; logY?: boolean } = {},
): Figure {
  const kind = options.kind ?? "loss";
  const data: ScatterTrace[] = history.taskNames.map((name, t) => {
    const s = history.series(kind, t);
    return {
      x: s.x,
      y: kind === "loss" ? smooth(s.y, options.smoothing ?? 20) : s.y,
      mode: "lines",
      name,
      line: { color: TASK_COLORS[t % TASK_COLORS.length] },
    };
  });
  const label = kind === "loss" ? "training loss" : kind === "testLoss" ? "test loss" : "test metric";
  const yaxis: Axis = options.logY
    ? logAxis(
        data.flatMap((d) => d.y as number[]),
        label,
      )
    : { title: label };
  return { data, layout: { title: options.title ?? `Per-task ${label}`, xaxis: { title: "step" }, yaxis, height: 340 } };
}

/** How a weighting's task weights moved during training. */
export function weightTrajectories(history: History, options: { title?: string } = {}): Figure {
  const data: ScatterTrace[] = history.taskNames.map((name, t) => {
    const s = history.series("weight", t);
    return { x: s.x, y: s.y, mode: "lines", name, line: { color: TASK_COLORS[t % TASK_COLORS.length] } };
  });
  return { data, layout: { title: options.title ?? "Task weights during training", xaxis: { title: "step" }, yaxis: { title: "weight" }, height: 320 } };
}

/** A point of a trade-off: two task losses (lower is better) and a label. */
export interface TradeoffPoint {
  x: number;
  y: number;
  label: string;
}

/** Indices of the points no other point beats on both coordinates (lower is better). */
export function paretoFront(points: readonly TradeoffPoint[]): number[] {
  return points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !points.some((q) => q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y)))
    .sort((a, b) => a.p.x - b.p.x)
    .map(({ i }) => i);
}

/** All points, with the Pareto front drawn through the non-dominated ones. */
export function paretoChart(
  points: readonly TradeoffPoint[],
  options: { xTitle: string; yTitle: string; title?: string; extra?: TradeoffPoint[] } = { xTitle: "task 1 loss", yTitle: "task 2 loss" },
): Figure {
  const front = paretoFront(points);
  const data: ScatterTrace[] = [
    {
      x: points.map((p) => p.x),
      y: points.map((p) => p.y),
      text: points.map((p) => p.label),
      mode: "markers+text",
      textposition: "top right",
      name: "weightings",
      marker: { size: 8, color: "#7f7f7f" },
    },
    { x: front.map((i) => points[i].x), y: front.map((i) => points[i].y), mode: "lines", name: "Pareto front", line: { color: "#d62728", dash: "dash" } },
  ];
  if (options.extra?.length) {
    data.push({
      x: options.extra.map((p) => p.x),
      y: options.extra.map((p) => p.y),
      text: options.extra.map((p) => p.label),
      mode: "markers+text",
      textposition: "bottom left",
      name: "methods",
      marker: { size: 11, symbol: "star", color: "#1f77b4" },
    });
  }
  return {
    data,
    layout: { title: options.title ?? "Trade-off between the tasks", xaxis: { title: options.xTitle }, yaxis: { title: options.yTitle }, height: 420 },
  };
}

/** A labelled heat map with the values written in the cells. */
export function heatmap(
  matrix: readonly number[][],
  options: { x: string[]; y: string[]; title: string; zmin?: number; zmax?: number; colorscale?: string; digits?: number },
): Figure {
  const digits = options.digits ?? 2;
  return {
    data: [
      {
        type: "heatmap",
        z: matrix.map((r) => [...r]),
        x: options.x,
        y: options.y,
        zmin: options.zmin,
        zmax: options.zmax,
        colorscale: options.colorscale ?? "RdBu",
        text: matrix.map((r) => r.map((v) => v.toFixed(digits))),
        texttemplate: "%{text}",
      },
    ],
    layout: { title: options.title, yaxis: { autorange: "reversed" }, height: Math.max(260, 60 * options.y.length + 120) },
  };
}

/** Mean ± standard deviation of repeated runs, as grouped bars: series[name][category] = values. */
export function barsWithSpread(categories: string[], series: Record<string, number[][]>, options: { title: string; yTitle: string; logY?: boolean }): Figure {
  return {
    data: Object.entries(series).map(([name, perCategory], k) => ({
      type: "bar" as const,
      name,
      x: categories,
      y: perCategory.map((v) => mean(v)),
      error_y: { type: "data" as const, array: perCategory.map((v) => std(v)), visible: true },
      marker: { color: TASK_COLORS[k % TASK_COLORS.length] },
    })),
    layout: {
      title: options.title,
      barmode: "group",
      yaxis: options.logY ? logAxis(Object.values(series).flat(2), options.yTitle) : { title: options.yTitle },
      height: 380,
    },
  };
}

/** One method's repeated runs: a label and one value per seed (optionally one list per task). */
export interface SpreadGroup {
  label: string;
  values: number[];
}

/**
 * Mean ± standard deviation over seeds for each method, as bars with error bars. Pass one list
 * of groups for a single measure, or `{ "task 1": groups, "task 2": groups }` for several measures
 * side by side (each group's label is an x category).
 */
export function meanWithSpread(groups: SpreadGroup[] | Record<string, SpreadGroup[]>, options: { title: string; yTitle: string; logY?: boolean }): Figure {
  const bySeries = Array.isArray(groups) ? { [options.yTitle]: groups } : groups;
  const categories = [...new Set(Object.values(bySeries).flatMap((g) => g.map((x) => x.label)))];
  const series = Object.fromEntries(Object.entries(bySeries).map(([name, g]) => [name, categories.map((c) => g.find((x) => x.label === c)?.values ?? [])]));
  const figure = barsWithSpread(categories, series, options);
  if (Array.isArray(groups)) figure.layout = { ...figure.layout, showlegend: false };
  return figure;
}

/** One curve repeated over seeds: a label, the x values, and one y series per seed (same length as x). */
export interface CurveGroup {
  label: string;
  x: number[];
  runs: number[][];
  /** Line colour; default the group's position in TASK_COLORS. */
  color?: string;
  /** Line style, e.g. "dash" for training curves next to solid test curves. */
  dash?: "solid" | "dot" | "dash" | "dashdot";
}

/**
 * Learning curves over seeds: for each group, the mean over its runs at every x as a line, with
 * ± one standard deviation as error bars. Runs must all have one value per x.
 */
export function curvesWithSpread(groups: CurveGroup[], options: { title: string; xTitle: string; yTitle: string; logY?: boolean; height?: number }): Figure {
  const data: ScatterTrace[] = groups.map((g, k) => {
    for (const r of g.runs)
      if (r.length !== g.x.length) throw new Error(`curvesWithSpread: a run of "${g.label}" has ${r.length} values for ${g.x.length} x values`);
    const at = (i: number) => g.runs.map((r) => r[i]);
    return {
      x: g.x,
      y: g.x.map((_, i) => mean(at(i))),
      error_y: { type: "data", array: g.x.map((_, i) => (g.runs.length > 1 ? std(at(i)) : 0)), visible: true },
      mode: "lines+markers",
      name: g.label,
      line: { color: g.color ?? TASK_COLORS[k % TASK_COLORS.length], dash: g.dash ?? "solid", width: 2 },
      marker: { size: 4 },
    };
  });
  const yaxis: Axis = options.logY
    ? logAxis(
        groups.flatMap((g) => g.runs.flat()),
        options.yTitle,
      )
    : { title: options.yTitle };
  return { data, layout: { title: options.title, xaxis: { title: options.xTitle }, yaxis, height: options.height ?? 380 } };
}
