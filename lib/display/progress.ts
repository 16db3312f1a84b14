/**
 * A progress bar for long loops. In a notebook it is one output that updates in place (HTML with a
 * text/plain twin, so nbconvert output stays readable); elsewhere it is silent unless asked to log.
 */
import { openDisplay, type DisplayHandle } from "./output";

/** Options of a progress bar. */
export interface ProgressOptions {
  total: number;
  label?: string;
  /** Minimum milliseconds between two redraws (the last update always draws). Default 250. */
  intervalMs?: number;
}

/** A progress bar handle. */
export interface ProgressBar {
  /** Shows `done` of `total`, with named values such as per-task losses. */
  update(done: number, values?: Record<string, number>): void;
  /** Draws the final state. */
  close(): void;
}

/** Starts a progress bar (a no-op outside a notebook kernel). */
export function progressBar(options: ProgressOptions): ProgressBar {
  const { total, label = "", intervalMs = 250 } = options;
  const handle: DisplayHandle | null = openDisplay();
  const started = Date.now();
  let lastDraw = -Infinity;
  let last: { done: number; values: Record<string, number> } = { done: 0, values: {} };
  const draw = (final: boolean) => {
    if (!handle) return;
    const seconds = (Date.now() - started) / 1000;
    handle.update({
      "text/plain": progressText(label, last.done, total, last.values, seconds, final),
      "text/html": progressHtml(label, last.done, total, last.values, seconds),
    });
    lastDraw = Date.now();
  };
  return {
    update(done, values = {}) {
      last = { done, values };
      if (done >= total || Date.now() - lastDraw >= intervalMs) draw(false);
    },
    close() {
      draw(true);
    },
  };
}

/** The text form: `label [#####.....] 50/100 4.2s  taskA 0.12  taskB 0.34`. */
export function progressText(label: string, done: number, total: number, values: Record<string, number>, seconds: number, final = false): string {
  const width = 30;
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  const vals = Object.entries(values)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join("  ");
  return `${label ? label + " " : ""}[${bar}] ${done}/${total} ${seconds.toFixed(1)}s${final ? " done" : ""}${vals ? "  " + vals : ""}`;
}

function progressHtml(label: string, done: number, total: number, values: Record<string, number>, seconds: number): string {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 100;
  const vals = Object.entries(values)
    .map(([k, v]) => `<span style="margin-right:1em"><b>${escapeHtml(k)}</b> ${formatValue(v)}</span>`)
    .join("");
  return (
    `<div style="font-family:monospace;font-size:12px">${escapeHtml(label)} ` +
    `<progress value="${pct.toFixed(1)}" max="100" style="width:220px;vertical-align:middle"></progress> ` +
    `${done}/${total} · ${seconds.toFixed(1)}s<br>${vals}</div>`
  );
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(4);
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}
