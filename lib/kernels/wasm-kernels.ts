/**
 * Which kernels the WASM backend runs: the stock ones, or the kit's replacements in three steps.
 *   "stock"  tfjs-backend-wasm 4.22 as published;
 *   "matmul" transposed matrix products done by explicit transposes (wasm-matmul.ts);
 *   "js"     plus GatherV2, Slice and Concat in JavaScript (wasm-gather/slice/concat.ts);
 *   "blas"   plus matrix products on the native OpenBLAS addon (native-blas.ts), when it loads.
 * setupBackend picks the fastest set that works here; the benchmark switches between them in one
 * process to time each against the same PyTorch run.
 */
import { loadNativeBlas } from "./native-blas";
import { restoreWasmKernel, replaceWasmKernel } from "./wasm-backend";
import { concatKernel } from "./wasm-concat";
import { gatherKernel } from "./wasm-gather";
import { MATMUL_KERNELS, nativeMatMul, transposingMatMul } from "./wasm-matmul";
import { sliceKernel } from "./wasm-slice";

/** A set of WASM kernels, from tfjs's own to the fastest. */
export type WasmKernelSet = "stock" | "matmul" | "js" | "blas";

/** Every set, in order of speed. */
export const WASM_KERNEL_SETS: readonly WasmKernelSet[] = ["stock", "matmul", "js", "blas"];

const COPY_KERNELS = { GatherV2: gatherKernel, Slice: sliceKernel, Concat: concatKernel } as const;

let active: WasmKernelSet = "stock";

/**
 * Registers the kernels of `set` for the WASM backend (call after the backend is ready). "blas"
 * needs the addon: when it does not load, this returns "js" and the reason, and registers "js".
 */
export function useWasmKernels(set: WasmKernelSet): { set: WasmKernelSet; why: string } {
  if (!WASM_KERNEL_SETS.includes(set)) throw new Error(`unknown WASM kernel set '${set}': use one of ${WASM_KERNEL_SETS.join(", ")}`);
  let chosen = set;
  let why = "";
  const native = set === "blas" ? loadNativeBlas() : null;
  if (native && !native.addon) {
    chosen = "js";
    why = native.why;
  }
  for (const name of MATMUL_KERNELS) {
    if (chosen === "stock") restoreWasmKernel(name);
    else if (chosen === "blas") replaceWasmKernel(name, nativeMatMul(native!.addon!, transposingMatMul(name)));
    else replaceWasmKernel(name, transposingMatMul(name));
  }
  for (const [name, kernel] of Object.entries(COPY_KERNELS)) {
    if (chosen === "js" || chosen === "blas") replaceWasmKernel(name, kernel);
    else restoreWasmKernel(name);
  }
  active = chosen;
  return { set: chosen, why };
}

/** The set registered now. */
export function activeWasmKernels(): WasmKernelSet {
  return active;
}
