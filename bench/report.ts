/** The benchmark's report: one JSON document and its markdown table, written side by side. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The whole notebook suite's budget in seconds, on an idle 2-core machine with the default backend. */
const SUITE_BUDGET = 300;

/** Milliseconds per training step of one model, batch and backend. */
export interface StepRow {
  model: string;
  batch: number;
  backend: string;
  ms: number | null;
  /** Floating-point operations of one step (forward + backward), counted from the matmul shapes. */
  flops: number;
  /** Median over rounds of PyTorch's ms per step, timed in the same rounds. */
  torchMs: number | null;
  /** Median over rounds of (this side's ms ÷ PyTorch's ms in the same round). */
  ratio?: number | null;
  /** Lowest and highest per-round ratio. */
  ratioRange?: [number, number] | null;
  /** Rounds the ratio is taken over. */
  rounds?: number;
  note?: string;
}

/** Everything one benchmark run measured. */
export interface BenchReport {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  quick: boolean;
  steps: StepRow[];
  peak: { torchGflops: number | null; wasmGflops: number | null; nativeGflops?: number | null; note?: string };
  notebooks: Array<{ notebook: string; seconds: number; budget: number; ok: boolean; peakMemoryMB?: number | null }>;
  /** The backend line the notebooks' kernel printed (which kernels they ran on). */
  notebookBackend?: string;
  grader: Array<{ submissions: number; jobs: number; seconds: number; perSubmission: number }> | { note: string };
  coldStart: { seconds: number | null; note?: string };
  notes: string[];
}

/** What machine this is, in one line's worth of facts. */
export function machine(): BenchReport["machine"] {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));

/** The report as markdown tables. */
export function toMarkdown(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`Benchmark of ${r.date}${r.quick ? " (quick mode)" : ""} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`, "");
  const rounds = Math.max(0, ...r.steps.map((s) => s.rounds ?? 0));
  lines.push(
    `**Training step** (forward + backward + Adam), ms per step (median); GFLOP/s achieved; ratio to PyTorch on one thread${rounds ? `, timed side by side in ${rounds} interleaved rounds: median ratio (lowest–highest round)` : ""}:`,
    "",
  );
  lines.push("| model | batch | backend | ms/step | GFLOP/s | PyTorch ms | tfjs / PyTorch |", "| --- | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const s of r.steps) {
    const gflops = s.ms ? s.flops / (s.ms / 1000) / 1e9 : null;
    const ratio = s.ratio ?? (s.ms && s.torchMs ? s.ms / s.torchMs : null);
    const range = s.ratioRange ? ` (${s.ratioRange[0].toFixed(2)}–${s.ratioRange[1].toFixed(2)})` : "";
    lines.push(
      `| ${s.model} | ${s.batch} | ${s.backend} | ${fmt(s.ms)} | ${fmt(gflops, 1)} | ${fmt(s.torchMs)} | ${ratio ? ratio.toFixed(2) + "×" + range : (s.note ?? "–")} |`,
    );
  }
  const native = r.peak.nativeGflops ? `; ${fmt(r.peak.nativeGflops, 1)} GFLOP/s (the kit's native BLAS matmul)` : "";
  lines.push(
    "",
    `**Machine limit**: dense 1024×1024 matmul peak ${fmt(r.peak.torchGflops, 1)} GFLOP/s (PyTorch/OpenBLAS, 1 thread); ${fmt(r.peak.wasmGflops, 1)} GFLOP/s (tfjs WASM)${native}.${r.peak.note ? " " + r.peak.note : ""}`,
    "",
  );
  if (r.notebooks.length) {
    lines.push(
      `**Course notebooks** in the real kernel (default backend${r.notebookBackend ? `: ${r.notebookBackend}` : ""}):`,
      "",
      "| notebook | seconds | budget | within budget | ran without error | kernel's peak memory (MB) |",
      "| --- | ---: | ---: | --- | --- | ---: |",
    );
    const yes = (b: boolean) => (b ? "yes" : "**no**");
    for (const n of r.notebooks)
      lines.push(`| ${n.notebook} | ${fmt(n.seconds, 1)} | ${n.budget} | ${yes(n.seconds <= n.budget)} | ${yes(n.ok)} | ${fmt(n.peakMemoryMB, 0)} |`);
    const total = r.notebooks.reduce((s, n) => s + n.seconds, 0);
    lines.push(`| **all** | ${fmt(total, 1)} | ${SUITE_BUDGET} | ${yes(total <= SUITE_BUDGET)} | | |`, "");
  }
  if (Array.isArray(r.grader)) {
    lines.push(
      "**Grader** (hw1: solutions and untouched stubs alternating; includes the command's start and the reference run):",
      "",
      "| submissions | jobs | seconds | s / submission |",
      "| ---: | ---: | ---: | ---: |",
    );
    for (const g of r.grader) lines.push(`| ${g.submissions} | ${g.jobs} | ${fmt(g.seconds, 1)} | ${fmt(g.perSubmission, 2)} |`);
    lines.push("");
  } else {
    lines.push(`**Grader**: ${r.grader.note}`, "");
  }
  lines.push(
    `**Cold start** (kernel start to the first result of a cell that imports the library and readies the backend): ${fmt(r.coldStart.seconds)} s${r.coldStart.note ? " — " + r.coldStart.note : ""}`,
    "",
  );
  for (const n of r.notes) lines.push(`- ${n}`);
  return lines.join("\n") + "\n";
}

/** Writes results/<name>.json and .md under bench/. */
export function writeReport(r: BenchReport, name: string): { json: string; md: string } {
  const dir = path.join(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + "\n");
  fs.writeFileSync(md, toMarkdown(r));
  return { json, md };
}
