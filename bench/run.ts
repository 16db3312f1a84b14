/**
 * The benchmark (`npm run bench`, or `npm run bench -- --quick` for the smoke test CI runs):
 * training steps per backend against PyTorch twins, the machine's matmul peak, the course's
 * notebooks in the real kernel, and the kernel's cold start. Writes bench/results/<name>.json and .md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendInfo, setupBackend, type BackendName } from "../lib/backend";
import { median } from "../lib/stats";
import { budgetFor, runNotebook } from "../scripts/notebook-runner";
import { machine, toMarkdown, writeReport, type BenchReport, type StepRow } from "./report";
import { kernelSides, peakPerSide, timeInRounds } from "./rounds";
import { MODELS, prepareStep, timeBlock } from "./steps";
import { TorchTwin } from "./torch-client";
import { timeGrading } from "./grader";

const ROOT = path.resolve(__dirname, "..");

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
  const notes: string[] = [];
  const steps: StepRow[] = [];

  let torchGflops: number | null = run.has("steps") ? null : (previous.peak?.torchGflops ?? null);
  let wasmGflops: number | null = run.has("steps") ? null : (previous.peak?.wasmGflops ?? null);
  let nativeGflops: number | null = run.has("steps") ? null : (previous.peak?.nativeGflops ?? null);
  if (!run.has("steps")) {
    // Kept from the last report with its notes about them (load, skipped sides); the fixed notes are added below.
    steps.push(...(previous.steps ?? []));
    notes.push(...(previous.notes ?? []).filter((n) => !n.startsWith("FLOPs count") && !n.startsWith("Run on ")));
  }
  if (run.has("steps")) {
    let torch: TorchTwin | null = null;
    try {
      torch = await TorchTwin.start();
    } catch (e) {
      notes.push(`PyTorch rows skipped: ${(e as Error).message}`);
    }
    // The WASM kernel sets the chooser can pick, timed against PyTorch in the same rounds.
    await setupBackend({ prefer: "wasm", quiet: true });
    const { sides, notes: sideNotes } = kernelSides();
    notes.push(...sideNotes);
    const rounds = quick ? 2 : 7;
    const loadBefore = os.loadavg()[0];
    const timed = await timeInRounds({ batches, rounds, quick, sides, torch, log: (l) => console.log(l) });
    // Absolute times scale with the machine's load; the interleaved ratios much less so.
    notes.push(
      `Load average (1 min) on ${os.cpus().length} cores: ${loadBefore.toFixed(1)} when the rounds started, ${os.loadavg()[0].toFixed(1)} when they ended.`,
    );
    steps.push(...timed.rows);
    notes.push(...timed.notes);
    for (const row of timed.rows)
      console.log(`${row.model} · batch ${row.batch} · ${row.backend}: ${row.ms?.toFixed(2)} ms/step, ${row.ratio?.toFixed(2) ?? "–"}× PyTorch`);
    const peaks = peakPerSide(sides);
    wasmGflops = peaks["wasm"] ?? null;
    nativeGflops = peaks["native BLAS"] ?? null;
    if (torch) {
      try {
        torchGflops = await torch.peakGflops();
      } catch (e) {
        notes.push(`PyTorch peak not measured: ${(e as Error).message}`);
      }
    }
    // Other backends (native tfjs-node where installed, the pure-JS cpu one at batch 256): a
    // few blocks each, against PyTorch's median from the rounds above.
    for (const backend of (quick ? [] : ["node", "cpu"]) as BackendName[]) {
      try {
        await setupBackend({ prefer: backend, quiet: true });
      } catch (e) {
        notes.push(`backend '${backend}' skipped: ${(e as Error).message.split(": ").slice(1).join(": ")}`);
        continue;
      }
      for (const spec of MODELS) {
        for (const batch of backend === "cpu" ? [256] : batches) {
          const prepared = prepareStep(spec, batch);
          const ms = median([0, 1, 2].map(() => timeBlock(prepared, backend === "cpu" ? 3 : 20)));
          prepared.dispose();
          const torchMs = timed.rows.find((r) => r.model === spec.name && r.batch === batch)?.torchMs ?? null;
          steps.push({ model: spec.name, batch, backend, ms, flops: prepared.flops, torchMs, ratio: torchMs ? ms / torchMs : null, note: "not interleaved" });
          console.log(`${spec.name} · batch ${batch} · ${backend}: ${ms.toFixed(2)} ms/step`);
        }
      }
    }
    torch?.stop();
    await setupBackend({ prefer: "wasm", quiet: true });
  }

  const notebooks: BenchReport["notebooks"] = run.has("notebooks") ? [] : (previous.notebooks ?? []);
  const files = !run.has("notebooks")
    ? []
    : quick
      ? ["notebooks/00-setup.ipynb"]
      : fs
          .readdirSync(path.join(ROOT, "notebooks"))
          .filter((f) => f.endsWith(".ipynb"))
          .sort()
          .map((f) => `notebooks/${f}`);
  // The kernel inherits this environment, so it picks what setupBackend picks here.
  const notebookBackend = files.length ? await defaultBackendLabel() : previous.notebookBackend;
  for (const file of files) {
    const run = await runNotebook(path.join(ROOT, file));
    notebooks.push({ notebook: file, seconds: run.seconds, budget: budgetFor(file), ok: run.ok, peakMemoryMB: run.peakMemoryMB });
    console.log(`${file}: ${run.seconds.toFixed(1)} s${run.ok ? "" : ` FAILED: ${run.error}`}`);
  }

  // Cold start: Jupyter starts the kernel, which runs one cell that imports the library and readies the backend.
  const cold = run.has("cold") ? await coldStart() : null;

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
    peak: { torchGflops, wasmGflops, nativeGflops },
    notebooks,
    notebookBackend,
    grader,
    coldStart: cold
      ? { seconds: cold.ok ? cold.seconds : null, note: cold.ok ? "includes Jupyter's client and kernel start" : `failed: ${cold.error}` }
      : (previous.coldStart ?? { seconds: null }),
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

/** The default backend and, on WASM, its kernel set, as the notebooks get it. */
async function defaultBackendLabel(): Promise<string> {
  const info = backendInfo() ?? (await setupBackend({ quiet: true }));
  return info.kernels ? `${info.name}, kernel set '${info.kernels}'${info.nativeBlas ? ` (native BLAS not in use: ${info.nativeBlas})` : ""}` : info.name;
}

/** Runs a one-cell notebook that imports the library and readies the backend, in a fresh kernel. */
async function coldStart(): Promise<Awaited<ReturnType<typeof runNotebook>>> {
  // Under the repository (tslab resolves "mtl-kit" from there); .artifacts/ may not exist yet on a fresh clone.
  fs.mkdirSync(path.join(ROOT, ".artifacts"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, ".artifacts", "cold-"));
  try {
    const nb = path.join(dir, "cold.ipynb");
    fs.writeFileSync(
      nb,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        cells: [
          {
            id: "c",
            cell_type: "code",
            metadata: {},
            execution_count: null,
            outputs: [],
            source: 'import * as mtl from "mtl-kit";\nawait mtl.setupBackend({ quiet: true });',
          },
        ],
      }),
    );
    return await runNotebook(nb);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
