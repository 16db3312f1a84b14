/**
 * Runs a notebook in the real tslab kernel through Jupyter (nbclient) and returns the outcome.
 * Used by the notebook tests, the benchmark and `scripts/run-notebook.ts`.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLAIMS_MIME, type ClaimsRecord } from "../lib/claims";
import { findPython, ROOT, testJupyterPath } from "./jupyter";

/** Seconds each notebook should take on 2 cores with the WASM backend (tracked by the benchmark). */
export function budgetFor(file: string): number {
  if (file.includes("00-setup")) return 30;
  if (file.includes("05-case-study")) return 180;
  return 90;
}

/** The outcome of executing one notebook. */
export interface NotebookRun {
  ok: boolean;
  seconds: number;
  error: string | null;
  /** Index of the failing cell, if any. */
  cell: number | null;
  cells: Array<{ index: number; seconds: number }>;
  /** The kernel's peak resident memory (VmHWM) after the last cell that finished, where /proc tells. */
  peakMemoryMB: number | null;
  /** What the kernel wrote to its own stderr outside any cell (its last 3,000 characters). */
  kernelStderr: string;
  /** Where the executed copy was written. */
  executed: string;
}

/** Executes a notebook; never throws for notebook failures (they come back as ok: false). */
export async function runNotebook(notebook: string, options: { cellTimeout?: number; env?: NodeJS.ProcessEnv; executed?: string } = {}): Promise<NotebookRun> {
  const python = findPython(["nbclient", "nbformat"]);
  if (!python) throw new Error("no Python with nbclient found: install Debian's python3-nbclient (or pip install nbclient)");
  const abs = path.resolve(notebook);
  const outDir = path.join(ROOT, ".artifacts", "executed");
  fs.mkdirSync(outDir, { recursive: true });
  const executed = options.executed ?? path.join(outDir, path.relative(ROOT, abs).replace(/[\\/]/g, "__"));
  const env = {
    ...process.env,
    ...options.env,
    JUPYTER_PATH: [testJupyterPath(), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
  const args = [path.join(__dirname, "execute_notebook.py"), abs, "--out", executed, "--cell-timeout", String(options.cellTimeout ?? 600)];
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    const child = spawn(python, args, { env, cwd: path.dirname(abs) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    const parsed = JSON.parse(last) as Omit<NotebookRun, "executed">;
    return {
      ...parsed,
      seconds: parsed.seconds ?? 0,
      cell: parsed.cell ?? null,
      cells: parsed.cells ?? [],
      peakMemoryMB: parsed.peakMemoryMB ?? null,
      kernelStderr: parsed.kernelStderr ?? "",
      executed,
    };
  } catch {
    return {
      ok: false,
      seconds: 0,
      error: `runner failed (exit ${code}): ${stderr.trim().slice(-2000)}`,
      cell: null,
      cells: [],
      peakMemoryMB: null,
      kernelStderr: "",
      executed,
    };
  }
}

/** The claims record (the last cell's CLAIMS_MIME output) of an executed notebook, if it got that far. */
export function claimsRecord(executed: string): ClaimsRecord | null {
  if (!fs.existsSync(executed)) return null;
  const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  for (const cell of nb.cells) for (const out of cell.outputs ?? []) if (out.data?.[CLAIMS_MIME]) return out.data[CLAIMS_MIME] as ClaimsRecord;
  return null;
}
