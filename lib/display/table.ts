/**
 * Tables in the notebook: an HTML table with a plain-text twin. Accepts rows of records or a
 * danfojs DataFrame (anything with `columns` and `values`).
 */
import { displayBundle } from "./output";
import { escapeHtml } from "./progress";

type Cell = string | number | boolean | null | undefined;

/** Something shaped like a danfojs DataFrame. */
export interface FrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
}

/** Rows of records, or a DataFrame. */
export type TableInput = Array<Record<string, Cell>> | FrameLike;

function toGrid(input: TableInput): { columns: string[]; rows: Cell[][] } {
  if (Array.isArray(input)) {
    const columns = [...new Set(input.flatMap((r) => Object.keys(r)))];
    return { columns, rows: input.map((r) => columns.map((c) => r[c])) };
  }
  const rows = (input.values as unknown[]).map((r) => (Array.isArray(r) ? (r as Cell[]) : [r as Cell]));
  return { columns: input.columns, rows };
}

function formatCell(v: Cell, digits: number): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return v === null || v === undefined ? "" : String(v);
}

/** The table as aligned plain text. */
export function tableText(input: TableInput, digits = 4): string {
  const { columns, rows } = toGrid(input);
  const cells = [columns, ...rows.map((r) => r.map((v) => formatCell(v, digits)))];
  const widths = columns.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? "").length)));
  const line = (r: string[]) => r.map((c, j) => (c ?? "").padStart(widths[j])).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** The table as HTML. */
export function tableHtml(input: TableInput, digits = 4, caption?: string): string {
  const { columns, rows } = toGrid(input);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(formatCell(v, digits))}</td>`).join("")}</tr>`).join("");
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : "";
  return `<table class="mtl-table">${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Shows a table in the notebook (prints the text form elsewhere). */
export function showTable(input: TableInput, options: { digits?: number; caption?: string } = {}): void {
  const digits = options.digits ?? 4;
  const text = (options.caption ? options.caption + "\n" : "") + tableText(input, digits);
  if (!displayBundle({ "text/html": tableHtml(input, digits, options.caption), "text/plain": text })) console.log(text);
}
