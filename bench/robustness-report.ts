/**
 * The robustness report's data and its markdown: per notebook, on how many course seeds each claim
 * held. `bench/robustness.ts` runs the notebooks; this folds and prints what they recorded.
 */
import type { ClaimsRecord } from "../lib/claims";
import { machine } from "./report";

/** A finding is stated as fact only when it holds on at least this share of seeds. */
export const REQUIRED_SHARE = 0.9;

/** One notebook run under one seed. */
export interface SeedRun {
  seed: number;
  ok: boolean;
  seconds: number;
  error: string | null;
  /** Claim id → held; null when the run produced no claims record. */
  claims: Record<string, boolean> | null;
}

/** What one notebook's runs say about each of its claims. */
export interface NotebookRobustness {
  notebook: string;
  date: string;
  machine: ReturnType<typeof machine>;
  backend: string | null;
  seeds: number[];
  runs: SeedRun[];
  claims: Array<{ id: string; statement: string; held: number; of: number; failedSeeds: number[] }>;
}

/** Folds one notebook's seed runs into per-claim counts. */
export function foldRuns(notebook: string, runs: SeedRun[], records: Array<ClaimsRecord | null>): NotebookRobustness {
  const statements = new Map<string, string>();
  for (const r of records) for (const c of r?.claims ?? []) if (!statements.has(c.id)) statements.set(c.id, c.statement);
  const claims = [...statements].map(([id, statement]) => {
    // A run that never reached its claims cell, or lacks this claim, counts as a seed where it did not hold.
    const failedSeeds = runs.filter((r) => r.claims?.[id] !== true).map((r) => r.seed);
    return { id, statement, held: runs.length - failedSeeds.length, of: runs.length, failedSeeds };
  });
  const backend = records.find((r) => r)?.backend ?? null;
  return { notebook, date: new Date().toISOString(), machine: machine(), backend, seeds: runs.map((r) => r.seed), runs, claims };
}

/** True when a claim held on enough of its seeds to be stated as fact. */
export function claimHolds(c: { held: number; of: number }): boolean {
  return c.of > 0 && c.held >= Math.ceil(REQUIRED_SHARE * c.of - 1e-9);
}

/** The markdown report of every notebook's results. */
export function robustnessMarkdown(results: NotebookRobustness[]): string {
  const m = results[0]?.machine;
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
  const pct = Math.round(REQUIRED_SHARE * 100);
  const body: string[] = [];
  let total = 0;
  let holding = 0;
  for (const r of results) {
    const secs = r.runs.map((x) => x.seconds).sort((a, b) => a - b);
    const median = secs.length ? secs[Math.floor(secs.length / 2)] : 0;
    body.push(
      `## ${r.notebook}`,
      "",
      `Run ${r.date.slice(0, 10)} on the '${r.backend ?? "?"}' backend; seeds ${r.seeds.join(", ")}; median ${median.toFixed(0)} s per run (runs in parallel, so slower than alone).`,
      "",
    );
    const broken = r.runs.filter((x) => x.claims === null && !x.ok);
    if (broken.length)
      body.push(`Runs that failed before their claims cell: ${broken.map((x) => `seed ${x.seed} (${esc((x.error ?? "").slice(0, 160))})`).join("; ")}.`, "");
    if (!r.claims.length) {
      body.push("No claims recorded.", "");
      continue;
    }
    body.push("| claim | statement | held on | verdict |", "| --- | --- | ---: | --- |");
    for (const c of r.claims) {
      const ok = claimHolds(c);
      total++;
      if (ok) holding++;
      const failed = c.failedSeeds.length ? ` (not on seed ${c.failedSeeds.join(", ")})` : "";
      body.push(`| \`${c.id}\` | ${esc(c.statement)} | ${c.held} / ${c.of} | ${ok ? "holds" : "**does not hold**"}${failed} |`);
    }
    body.push("");
  }
  return [
    "# Robustness of the course's findings",
    "",
    "Every lecture notebook and homework solution, run in the real kernel under course seeds `MTL_SEED` = 1..N.",
    "Each claim is a finding the notebook's prose states, checked by its last cell. A finding is stated as fact",
    `only if it holds on at least ${pct}% of the seeds. Regenerate with \`npm run robustness\`.`,
    "",
    m ? `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.` : "",
    "",
    `**${holding} of ${total} claims hold** on at least ${pct}% of their seeds.`,
    "",
    ...body,
  ].join("\n");
}
