/**
 * Writing results: Gradescope's results.json (written atomically, values checked), a readable
 * feedback file, and a class gradebook.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { GradeResult } from "./grade-submission";

const clean = (s: string, max = 8000) => (s.length > max ? s.slice(0, max) + "\n[truncated]" : s);

/** Control, bidirectional and line-separator characters: exactly what plainText must find. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Student text made plain: control characters (a carriage return that rewinds a terminal line,
 * escape sequences, NULs) become visible escapes; newlines and tabs stay.
 */
export function plainText(s: string): string {
  return String(s)
    .replace(/\r\n/g, "\n")
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Student text as one inline run of Markdown: on one line, with HTML and every character Markdown
 * gives a meaning to escaped, so it can open no heading, table cell, link, fence or tag.
 */
export function markdownInline(s: string, max = 500): string {
  const one = plainText(s).replace(/\s*\n\s*/g, " ⏎ ");
  const cut = one.length > max ? one.slice(0, max) + "…" : one;
  return cut
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#!|~]/g, (c) => `\\${c}`);
}

/**
 * Student text as a fenced Markdown block that the text cannot close: the fence is longer than any
 * run of backticks inside it, and a fenced block renders no HTML or headings.
 */
export function markdownBlock(s: string): string {
  const text = plainText(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** The results.json object of Gradescope's autograder specification. */
export function gradescopeJson(r: GradeResult): object {
  const score = Math.min(r.maxScore, Math.max(0, Number.isFinite(r.score) ? r.score : 0));
  return {
    score,
    execution_time: Math.round(r.seconds),
    output: clean([`${r.homework}: ${score} / ${r.maxScore} (autograded)`, ...r.problems].join("\n")),
    output_format: "text",
    test_output_format: "text",
    stdout_visibility: "hidden",
    visibility: "visible",
    // Gradescope's test fields only; the question id travels in extra_data.
    tests: r.tests.map((t) => ({
      name: t.name,
      score: Math.min(t.max_score, Math.max(0, t.score)),
      max_score: t.max_score,
      status: t.status,
      output: clean(t.output),
      output_format: "text",
      visibility: t.visibility,
      extra_data: { question: t.question },
    })),
  };
}

/** Writes a file atomically (a temporary file, then a rename). */
export function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Feedback a student can read. Everything that can carry student text (problems, which quote cell
 * output and error messages; each test's output) sits in fenced blocks it cannot close; headings
 * hold only the grader's own text.
 */
export function feedbackMarkdown(r: GradeResult): string {
  const lines = [`# ${markdownInline(r.homework)}: ${r.score} / ${r.maxScore} points (autograded)`, ""];
  if (r.problems.length) lines.push("## Problems with the submission", "", markdownBlock(clean(r.problems.join("\n\n"))), "");
  lines.push("## Questions", "");
  for (const t of r.tests) lines.push(`### ${markdownInline(t.name)}: ${t.score} / ${t.max_score}`, "", markdownBlock(clean(t.output)), "");
  if (r.unanswered?.length)
    lines.push(
      `## Written questions not answered`,
      "",
      ...r.unanswered.map((q) => `- ${markdownInline(q)}: no answer (the cell is missing, empty or still the template)`),
      "",
    );
  if (Object.keys(r.written).length) lines.push("Written answers are graded by the course staff.", "");
  return lines.join("\n");
}

/**
 * Writes feedback.md, written.json, results.json and, last, grade.json for one submission under
 * `dir`. grade.json is the marker a resumed run trusts ("graded, skip it"), so it is written only
 * once every other file is in place: a stop at any point leaves either no marker (regraded) or all
 * files.
 */
export function writeResult(dir: string, r: GradeResult): void {
  writeAtomic(path.join(dir, "feedback.md"), feedbackMarkdown(r));
  writeAtomic(path.join(dir, "written.json"), JSON.stringify(r.written, null, 2));
  writeAtomic(path.join(dir, "results.json"), JSON.stringify(gradescopeJson(r), null, 2));
  writeAtomic(path.join(dir, "grade.json"), JSON.stringify(r, null, 2));
}

/** A finished result in `dir` that a resumed run may reuse, or null (absent, partial or unreadable). */
export function readFinishedResult(dir: string): GradeResult | null {
  try {
    if (!fs.existsSync(path.join(dir, "results.json"))) return null;
    const r = JSON.parse(fs.readFileSync(path.join(dir, "grade.json"), "utf8")) as GradeResult;
    return typeof r.score === "number" && Array.isArray(r.tests) && Array.isArray(r.problems) ? r : null;
  } catch {
    return null;
  }
}

/**
 * A CSV file's text. Every cell is made plain (control characters escaped, newlines folded), and
 * text a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
 * gets a leading apostrophe, as OWASP advises (csv-stringify's escape_formulas).
 */
export function csvText(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return stringify(
    rows.map((row) => row.map((v) => (typeof v === "number" ? v : plainText(v).replace(/\s*\n\s*/g, " ")))),
    { escape_formulas: true, quoted_string: true },
  );
}

/**
 * Rows of a CSV file with a header, as records by column name (csv-parse). A cell that starts
 * with the apostrophe csvText puts before a formula character loses it, so a name copied from the
 * gradebook reads as the name.
 */
export function readCsv(file: string): Array<Record<string, string>> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    const records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    }) as Array<Record<string, string>>;
    return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v ?? "").replace(/^'(?=[=+\-@\t\r])/, "")])));
  } catch (e) {
    throw new Error(`${file} is not a readable CSV file: ${(e as Error).message}`, { cause: e });
  }
}

/** The gradebook CSV: one row per submission, one column per question, manual scores merged. */
export function gradebookCsv(results: GradeResult[], manual: ManualScores = {}): string {
  const questions = [...new Set(results.flatMap((r) => r.tests.map((t) => t.question)))];
  const manualQs = [...new Set(Object.values(manual).flatMap((m) => Object.keys(m)))];
  const header = ["submission", ...questions, ...manualQs.map((q) => `${q} (manual)`), "autograded", "total", "unanswered written", "problems"];
  const rows = results.map((r) => {
    const m = manual[r.submission] ?? {};
    const manualTotal = manualQs.reduce((s, q) => s + (m[q] ?? 0), 0);
    return [
      r.submission,
      ...questions.map((q) => r.tests.find((t) => t.question === q)?.score ?? 0),
      ...manualQs.map((q) => m[q] ?? 0),
      r.score,
      Math.round((r.score + manualTotal) * 100) / 100,
      (r.unanswered ?? []).join(" "),
      r.problems.join(" / "),
    ];
  });
  return csvText([header, ...rows]);
}

/** Manual scores: submission → question → points. */
export type ManualScores = Record<string, Record<string, number>>;

/** The columns of the manual-score file (the template the grader writes, and what --manual reads). */
export const MANUAL_COLUMNS = ["submission", "question", "score", "comment"] as const;

/**
 * Manual scores from a CSV with columns submission, question, score and, optionally, comment (the
 * template the grader writes). A row whose score is still empty is not graded yet and is skipped;
 * any other bad row is an error naming its line, and nothing is half-read.
 */
export function readManualScores(file: string): ManualScores {
  const rows = readCsv(file);
  const out: ManualScores = {};
  const problems: string[] = [];
  if (rows.length && !("submission" in rows[0] && "question" in rows[0] && "score" in rows[0]))
    throw new Error(`${file}: the header must name the columns ${MANUAL_COLUMNS.join(", ")} (found ${Object.keys(rows[0]).join(", ")})`);
  rows.forEach((row, i) => {
    const line = i + 2;
    if (row.score === "") return;
    const score = Number(row.score);
    if (!row.submission || !row.question) problems.push(`line ${line}: submission and question must not be empty`);
    else if (!Number.isFinite(score) || score < 0) problems.push(`line ${line}: score "${row.score}" is not a number ≥ 0`);
    else if (out[row.submission]?.[row.question] !== undefined) problems.push(`line ${line}: ${row.submission} question ${row.question} is scored twice`);
    else (out[row.submission] ??= {})[row.question] = score;
  });
  if (problems.length) throw new Error(`${file}: ${problems.length} row(s) cannot be read (expected ${MANUAL_COLUMNS.join(",")}):\n${problems.join("\n")}`);
  return out;
}

/** The manual-score template: one row per submission and written question, score and comment left for the TAs. */
export function manualTemplateCsv(results: readonly GradeResult[], written: (homework: string) => string[]): string {
  const rows = results.flatMap((r) => written(r.homework).map((q) => [r.submission, q, "", (r.unanswered ?? []).includes(q) ? "not answered" : ""]));
  return csvText([[...MANUAL_COLUMNS], ...rows]);
}

/** Bins of the score histograms (text and SVG). */
const BINS = 10;

/** A summary table and a text histogram of scores. */
export function summaryMarkdown(results: GradeResult[]): string {
  if (!results.length) return "No submissions graded.\n";
  const max = Math.max(...results.map((r) => r.maxScore));
  const scores = results.map((r) => r.score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const bins = scoreHistogram(scores, max);
  const lines = [
    `# Grading summary`,
    "",
    `${results.length} submissions, mean ${mean.toFixed(2)} / ${max}, min ${Math.min(...scores)}, max ${Math.max(...scores)}.`,
    "",
    "![score distribution](distribution.svg)",
    "",
    "| score range | submissions | |",
    "| --- | ---: | --- |",
  ];
  bins.forEach((n, i) => lines.push(`| ${((i * max) / BINS).toFixed(1)}–${(((i + 1) * max) / BINS).toFixed(1)} | ${n} | ${"█".repeat(Math.min(n, 60))} |`));
  lines.push(
    "",
    "| submission | score | problems |",
    "| --- | ---: | --- |",
    ...results.map((r) => `| ${markdownInline(r.submission, 200)} | ${r.score} | ${r.problems.length ? markdownInline(r.problems.join("; "), 120) : ""} |`),
  );
  return lines.join("\n") + "\n";
}

/** Counts of scores in `BINS` equal ranges of [0, max]; a full score falls in the last one. */
export function scoreHistogram(scores: readonly number[], max: number): number[] {
  const counts = new Array(BINS).fill(0);
  for (const s of scores) counts[Math.min(BINS - 1, Math.max(0, Math.floor((BINS * s) / Math.max(max, 1e-9))))]++;
  return counts;
}

/**
 * The score distribution as a standalone SVG bar chart: it opens in any browser or Markdown viewer
 * without plotly or a network connection, which suits a grading machine.
 */
export function scoreDistributionSvg(results: readonly GradeResult[]): string {
  const max = results.length ? Math.max(1e-9, ...results.map((r) => r.maxScore)) : 1;
  const counts = scoreHistogram(
    results.map((r) => r.score),
    max,
  );
  const [W, H, left, bottom, top] = [520, 260, 40, 40, 30];
  const plotW = W - left - 10;
  const plotH = H - bottom - top;
  const peak = Math.max(1, ...counts);
  const bw = plotW / BINS;
  const bars = counts.map((n, i) => {
    const h = (plotH * n) / peak;
    const x = left + i * bw;
    const label = `${((i * max) / BINS).toFixed(1)}–${(((i + 1) * max) / BINS).toFixed(1)}: ${n}`;
    return (
      `<rect class="bar" x="${(x + 2).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="#4c78a8"><title>${label}</title></rect>` +
      (n ? `<text x="${(x + bw / 2).toFixed(1)}" y="${(top + plotH - h - 4).toFixed(1)}" text-anchor="middle" font-size="11">${n}</text>` : "")
    );
  });
  const ticks = Array.from(
    { length: BINS + 1 },
    (_, i) =>
      `<text x="${(left + i * bw).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" font-size="11">${((i * max) / BINS).toFixed(max >= 10 ? 0 : 1)}</text>`,
  );
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
      `<rect width="${W}" height="${H}" fill="white"/>`,
      `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Score distribution: ${results.length} submission(s), max ${max}</text>`,
      ...bars,
      `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
      ...ticks,
      `<text x="${left + plotW / 2}" y="${H - 6}" text-anchor="middle" font-size="12">autograded score</text>`,
      `</svg>`,
    ].join("\n") + "\n"
  );
}
