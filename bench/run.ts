/**
 * The benchmark (`npm run bench`, or `npm run bench -- --quick` for the smoke test CI runs):
 * training steps per backend against PyTorch twins, the machine's matmul peak, the course's
 * notebooks in the real kernel, and the kernel's cold start. Writes bench/results/<name>.json and .md.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { setupBackend, type BackendName } from "../lib/backend";
import { findPython } from "../scripts/jupyter";
import { budgetFor, runNotebook } from "../scripts/notebook-runner";
import { machine, toMarkdown, writeReport, type BenchReport, type StepRow } from "./report";
import { MODELS, matmulGflops, timeStep } from "./steps";
import { timeGrading } from "./grader";

const ROOT = path.resolve(__dirname, "..");

function torchTwins(batches: number[], reps: number): { steps: Array<{ model: string; batch: number; ms: number }>; peak?: number; error?: string } {
  const python = findPython(["torch"]) ?? "/usr/bin/python3";
  const request = { threads: 1, reps, warmup: 5, peak: true, batches, models: MODELS.map((m) => ({ name: m.name, ...m.torch })) };
  const r = spawnSync(python, [path.join(__dirname, "torch_twin.py")], { input: JSON.stringify(request), encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
  try {
    const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
    return { steps: out.steps ?? [], peak: out.peak_gflops, error: out.error };
  } catch {
    return { steps: [], error: `PyTorch twin failed: ${(r.stderr || r.stdout).trim().slice(-300)}` };
  }
}

/** The sections to run: all, or those named by --only=steps,notebooks,grader,cold (others are kept from the last report). */
function sections(): Set<string> {
  const only = process.argv.find((a) => a.startsWith("--only="));
  return new Set(only ? only.slice(7).split(",") : ["steps", "notebooks", "grader", "cold"]);
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const run = sections();
  const previousFile = path.join(__dirname, "results", `${quick ? "quick" : "latest"}.json`);
  const previous: Partial<BenchReport> = fs.existsSync(previousFile) ? JSON.parse(fs.readFileSync(previousFile, "utf8")) : {};
  const batches = quick ? [64] : [64, 256, 1024];
  const reps = quick ? 5 : 20;
  const notes: string[] = [];
  const steps: StepRow[] = [];

  const torch = run.has("steps") ? torchTwins(batches, quick ? 5 : 30) : { steps: [], peak: previous.peak?.torchGflops ?? undefined };
  if (torch.error) notes.push(`PyTorch rows skipped: ${torch.error}`);
  const torchMs = (model: string, batch: number) => torch.steps.find((s) => s.model === model && s.batch === batch)?.ms ?? null;

  const backends: BackendName[] = !run.has("steps") ? [] : quick ? ["wasm"] : ["node", "wasm", "cpu"];
  let wasmGflops: number | null = run.has("steps") ? null : (previous.peak?.wasmGflops ?? null);
  if (!run.has("steps")) steps.push(...(previous.steps ?? []));
  for (const backend of backends) {
    try {
      await setupBackend({ prefer: backend, quiet: true });
    } catch (e) {
      notes.push(`backend '${backend}' skipped: ${(e as Error).message}`);
      continue;
    }
    if (backend === "wasm") wasmGflops = matmulGflops();
    for (const spec of MODELS) {
      for (const batch of batches) {
        // The pure-JS backend is ~10× slower: time it at batch 256 only.
        if (backend === "cpu" && batch !== 256) continue;
        const { ms, flops } = timeStep(spec, batch, { reps: backend === "cpu" ? 3 : reps, rounds: quick ? 1 : 3 });
        steps.push({ model: spec.name, batch, backend, ms, flops, torchMs: torchMs(spec.name, batch) });
        console.log(`${spec.name} · batch ${batch} · ${backend}: ${ms.toFixed(2)} ms/step (PyTorch ${torchMs(spec.name, batch)?.toFixed(2) ?? "–"})`);
      }
    }
  }

  const notebooks: BenchReport["notebooks"] = run.has("notebooks") ? [] : (previous.notebooks ?? []);
  const files = !run.has("notebooks") ? [] : quick ? ["notebooks/00-setup.ipynb"] : fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().map((f) => `notebooks/${f}`);
  for (const file of files) {
    const run = await runNotebook(path.join(ROOT, file));
    notebooks.push({ notebook: file, seconds: run.seconds, budget: budgetFor(file), ok: run.ok });
    console.log(`${file}: ${run.seconds.toFixed(1)} s${run.ok ? "" : ` FAILED: ${run.error}`}`);
  }

  // Cold start: Jupyter starts the kernel, which runs one cell that imports the library and readies the backend.
  const coldDir = fs.mkdtempSync(path.join(ROOT, ".artifacts", "cold-"));
  const coldNb = path.join(coldDir, "cold.ipynb");
  fs.writeFileSync(coldNb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } }, cells: [{ id: "c", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'import * as mtl from "mtl-kit";\nawait mtl.setupBackend({ quiet: true });' }] }));
  const cold = run.has("cold") ? await runNotebook(coldNb) : null;
  fs.rmSync(coldDir, { recursive: true, force: true });

  let grader: BenchReport["grader"] = previous.grader ?? { note: "not measured" };
  if (run.has("grader")) {
    const rows: Array<{ submissions: number; jobs: number; seconds: number; perSubmission: number }> = [];
    for (const count of quick ? [2] : [10, 50, 200]) {
      for (const jobs of quick ? [2] : [1, 2]) {
        const seconds = timeGrading(count, jobs);
        rows.push({ submissions: count, jobs, seconds, perSubmission: seconds / count });
        console.log(`grading ${count} submissions with ${jobs} job(s): ${seconds.toFixed(1)} s`);
      }
    }
    grader = rows;
  }

  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    quick,
    steps,
    peak: { torchGflops: torch.peak ?? null, wasmGflops },
    notebooks,
    grader,
    coldStart: cold ? { seconds: cold.ok ? cold.seconds : null, note: cold.ok ? "includes Jupyter's client and kernel start" : `failed: ${cold.error}` } : (previous.coldStart ?? { seconds: null }),
    notes: [
      ...notes,
      "FLOPs count the dense weights only (2·batch·size per weight, ×3 for forward and backward); embedding lookups and elementwise work are not counted.",
      `Run on ${os.cpus().length} cores; tfjs WASM is single-threaded in Node; PyTorch is pinned to one thread.`,
    ],
  };
  const { md } = writeReport(report, quick ? "quick" : "latest");
  console.log("\n" + toMarkdown(report));
  console.log(`written: ${path.relative(ROOT, md)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
