/**
 * The robustness report (`npm run robustness`): runs every lecture notebook and every homework
 * solution in the real kernel under several course seeds (MTL_SEED = 1..N), collects each run's
 * claims record (the `application/vnd.mtl.claims+json` output of its last cell) and writes, per
 * notebook, `bench/results/robustness/<notebook>.json`, then the table of all of them,
 * `bench/results/robustness.md` (claim × seeds on which it held). A finding the prose states as fact
 * must hold on at least 9 of 10 seeds.
 *
 *   npm run robustness                              every notebook, seeds 1..10, two at a time
 *   npm run robustness -- --only 03 --only hw2      notebooks whose path contains 03 or hw2
 *   npm run robustness -- --seeds 5 --jobs 1        fewer seeds, one at a time
 *   npm run robustness -- --report                  only rewrite the table from the saved results
 *
 * It is a benchmark, not a test: it takes tens of minutes, and its verdicts are findings about the
 * course, not pass/fail of the code.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import type { ClaimsRecord } from "../lib/claims";
import { claimsRecord, runNotebook } from "../scripts/notebook-runner";
import { foldRuns, robustnessMarkdown, type NotebookRobustness, type SeedRun } from "./robustness-report";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bench", "results", "robustness");
const TABLE = path.join(ROOT, "bench", "results", "robustness.md");

function usage(message?: string): never {
  if (message) console.error(`robustness: ${message}`);
  console.error("usage: npm run robustness -- [--seeds N | --seed-list 1,2,3] [--jobs N] [--only WORD ...] [--report]");
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        seeds: { type: "string", default: "10" },
        "seed-list": { type: "string" },
        jobs: { type: "string", default: "2" },
        only: { type: "string", multiple: true, default: [] },
        report: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    usage((e as Error).message);
  }
  if (parsed.help) usage();
  const whole = (name: string, v: string, lo: number, hi: number) => {
    if (!/^\d+$/.test(v) || Number(v) < lo || Number(v) > hi) usage(`--${name} takes a whole number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const seeds = parsed["seed-list"]
    ? parsed["seed-list"].split(",").map((s) => whole("seed-list", s.trim(), 0, 2 ** 31 - 1))
    : Array.from({ length: whole("seeds", parsed.seeds, 1, 100) }, (_, i) => i + 1);
  return { seeds, jobs: whole("jobs", parsed.jobs, 1, os.cpus().length * 2), only: parsed.only, reportOnly: parsed.report };
}

/** The notebooks the report covers: every lecture notebook and every homework solution. */
function notebooks(only: string[]): string[] {
  const all = ["notebooks", "solutions"].flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith(".ipynb"))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
  const chosen = all.filter((f) => !only.length || only.some((w) => f.includes(w)));
  if (!chosen.length) usage(`no notebook matches ${only.join(", ")}`);
  return chosen;
}

/** Runs `tasks` with at most `jobs` at a time. */
async function pool<T>(tasks: Array<() => Promise<T>>, jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** Rewrites the markdown report from every saved notebook result. */
function writeTable(): void {
  const results = fs.existsSync(OUT)
    ? fs
        .readdirSync(OUT)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(OUT, f), "utf8")) as NotebookRobustness)
    : [];
  const text = robustnessMarkdown(results);
  fs.writeFileSync(TABLE, text);
  console.log(`wrote ${path.relative(ROOT, TABLE)}: ${(text.match(/\*\*(\d+ of \d+) claims hold/) ?? [])[1] ?? "no"} claims hold`);
}

async function main(): Promise<void> {
  const { seeds, jobs, only, reportOnly } = options();
  if (reportOnly) return writeTable();
  const files = notebooks(only);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-robustness-"));
  fs.mkdirSync(OUT, { recursive: true });
  console.log(`${files.length} notebook(s) × ${seeds.length} seeds, ${jobs} at a time`);
  const pending = new Map(files.map((f) => [f, seeds.length]));
  const done: Array<{ file: string; record: ClaimsRecord | null; run: SeedRun }> = [];
  // Each notebook's result is written as soon as its last seed finishes, so a long run that is
  // stopped part way keeps what it finished.
  const finish = (file: string) => {
    const mine = done.filter((d) => d.file === file).sort((a, b) => a.run.seed - b.run.seed);
    const result = foldRuns(
      path.basename(file, ".ipynb"),
      mine.map((d) => d.run),
      mine.map((d) => d.record),
    );
    fs.writeFileSync(path.join(OUT, `${path.basename(file, ".ipynb")}.json`), JSON.stringify(result, null, 1) + "\n");
    writeTable();
  };
  const tasks = files.flatMap((file) =>
    seeds.map((seed) => async () => {
      const executed = path.join(scratch, `${path.basename(file, ".ipynb")}-seed${seed}.ipynb`);
      const run = await runNotebook(path.join(ROOT, file), { env: { MTL_SEED: String(seed) }, executed });
      const record = claimsRecord(executed);
      const claims = record ? Object.fromEntries(record.claims.map((c) => [c.id, c.holds])) : null;
      const failed = record ? record.claims.filter((c) => !c.holds).map((c) => c.id) : [];
      console.log(
        `${file} seed ${seed}: ${run.seconds.toFixed(0)} s, ${record ? `${record.claims.length - failed.length}/${record.claims.length} claims hold${failed.length ? ` (not ${failed.join(", ")})` : ""}` : `no claims record${run.error ? `: ${run.error.slice(0, 300)}` : ""}`}`,
      );
      done.push({ file, record, run: { seed, ok: run.ok, seconds: run.seconds, error: run.error, claims } });
      const left = (pending.get(file) ?? 1) - 1;
      pending.set(file, left);
      if (left === 0) finish(file);
    }),
  );
  await pool(tasks, jobs);
  fs.rmSync(scratch, { recursive: true, force: true });
  writeTable();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
