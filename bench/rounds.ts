/**
 * Training steps timed in interleaved rounds: in every round, each model and batch runs one
 * PyTorch block and then one tfjs block per WASM kernel set, so all sides share the machine's load
 * of that moment. The ratio tfjs ÷ PyTorch is taken per round; the report gives its median and
 * range. (On a shared 2-core machine, PyTorch alone measured the same step at 1.75 and 4.67 ms in
 * two runs: separate runs cannot be compared.)
 */
import { loadNativeBlas } from "../lib/kernels/native-blas";
import { activeWasmKernels, useWasmKernels, type WasmKernelSet } from "../lib/kernels/wasm-kernels";
import { median } from "../lib/stats";
import type { StepRow } from "./report";
import { MODELS, matmulGflops, prepareStep, timeBlock, type PreparedStep } from "./steps";
import type { TorchTwin } from "./torch-client";

/** A WASM kernel set the backend chooser can pick, under its name in the report. */
export interface KernelSide {
  label: string;
  kernels: WasmKernelSet;
}

/** The sets setupBackend can pick on WASM, and why any is missing here. */
export function kernelSides(): { sides: KernelSide[]; notes: string[] } {
  const sides: KernelSide[] = [
    { label: "wasm", kernels: "matmul" },
    { label: "wasm + JS kernels", kernels: "js" },
  ];
  const native = loadNativeBlas();
  if (native.addon) sides.push({ label: "native BLAS", kernels: "blas" });
  return { sides, notes: native.addon ? [] : [`native BLAS not measured: ${native.why}`] };
}

/** Steps per timed block: about 100–200 ms of work at the course's sizes. */
export function repsFor(batch: number, quick: boolean): number {
  if (quick) return 5;
  return batch <= 64 ? 30 : batch <= 256 ? 20 : 8;
}

/**
 * Times every model at every batch on each side in `rounds` interleaved rounds (the WASM backend
 * must be set up). The side order rotates per round so none always runs right after PyTorch.
 */
export async function timeInRounds(options: {
  batches: number[];
  rounds: number;
  quick: boolean;
  sides: KernelSide[];
  torch: TorchTwin | null;
  log?: (line: string) => void;
}): Promise<{ rows: StepRow[]; notes: string[] }> {
  const { batches, rounds, quick, sides, torch } = options;
  const restore = activeWasmKernels();
  const notes: string[] = [];
  const cells: Array<{ spec: (typeof MODELS)[number]; batch: number; prepared: PreparedStep; torchMs: number[]; ms: number[][]; ratios: number[][] }> = [];
  for (const spec of MODELS) {
    for (const batch of batches) {
      const prepared = prepareStep(spec, batch);
      // Warm each kernel set (JIT, heap growth) before anything is timed.
      for (const side of sides) {
        useWasmKernels(side.kernels);
        for (let i = 0; i < 3; i++) prepared.step();
      }
      cells.push({ spec, batch, prepared, torchMs: [], ms: sides.map(() => []), ratios: sides.map(() => []) });
    }
  }
  let torchError: string | null = null;
  for (let r = 0; r < rounds; r++) {
    for (const cell of cells) {
      const reps = repsFor(cell.batch, quick);
      let t: number | null = null;
      if (torch && !torchError) {
        try {
          t = await torch.stepMs({ name: cell.spec.name, ...cell.spec.torch }, cell.batch, reps);
          cell.torchMs.push(t);
        } catch (e) {
          torchError = (e as Error).message;
        }
      }
      for (let k = 0; k < sides.length; k++) {
        const s = (k + r) % sides.length;
        useWasmKernels(sides[s].kernels);
        const ms = timeBlock(cell.prepared, reps);
        cell.ms[s].push(ms);
        if (t) cell.ratios[s].push(ms / t);
      }
    }
    options.log?.(`round ${r + 1}/${rounds} done`);
  }
  if (torchError) notes.push(`PyTorch rows incomplete: ${torchError}`);
  const rows: StepRow[] = [];
  for (const cell of cells) {
    sides.forEach((side, s) => {
      const ratios = cell.ratios[s];
      rows.push({
        model: cell.spec.name,
        batch: cell.batch,
        backend: side.label,
        ms: median(cell.ms[s]),
        flops: cell.prepared.flops,
        torchMs: cell.torchMs.length ? median(cell.torchMs) : null,
        ratio: ratios.length ? median(ratios) : null,
        ratioRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
        rounds: ratios.length,
      });
    });
    cell.prepared.dispose();
  }
  useWasmKernels(restore);
  return { rows, notes };
}

/** GFLOP/s of a dense 1024² product with each side's matmul kernels. */
export function peakPerSide(sides: KernelSide[]): Record<string, number> {
  const restore = activeWasmKernels();
  const out: Record<string, number> = {};
  for (const side of sides) {
    // The JS kernels do not touch matmul: only the matmul kernels' sides differ.
    if (side.kernels === "js") continue;
    useWasmKernels(side.kernels);
    out[side.label] = matmulGflops();
  }
  useWasmKernels(restore);
  return out;
}
