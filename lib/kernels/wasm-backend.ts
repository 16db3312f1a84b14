/**
 * The slice of tfjs-backend-wasm's backend object that the kit's kernels use, and the registry of
 * its stock kernels. Kernels here read and write tensors in place on the WASM heap, so they never
 * copy a whole input the way the stock backend's `readSync` does.
 */
import * as tf from "@tensorflow/tfjs";

/** A tensor as kernels see it. */
export type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/** The BackendWasm methods the kit's kernels call (public on the class, untyped in tfjs's exports). */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): void;
}

/** A kernel function's arguments. */
export type KernelArgs = { inputs: Record<string, TensorInfo> & TensorInfo[]; backend: WasmBackend; attrs: Record<string, unknown> };

/** A kernel function. */
export type KernelFunc = (args: KernelArgs) => TensorInfo;

const stock = new Map<string, tf.KernelConfig>();

/**
 * The kernel tfjs-backend-wasm registered under `name`, before the kit replaced it (null when the
 * WASM backend has none). Kept so a replacement can fall back to it and tests can compare with it.
 */
export function stockWasmKernel(name: string): tf.KernelConfig | null {
  if (!stock.has(name)) {
    const k = tf.getKernel(name, "wasm");
    if (!k) return null;
    stock.set(name, k);
  }
  return stock.get(name)!;
}

/** The stock kernel's function, typed for calling from a replacement. */
export function stockKernelFunc(name: string): KernelFunc {
  const k = stockWasmKernel(name);
  if (!k) throw new Error(`tfjs-backend-wasm has no '${name}' kernel to fall back to`);
  return k.kernelFunc as unknown as KernelFunc;
}

/** Registers `kernelFunc` as the WASM backend's `name` kernel (the stock one stays reachable). */
export function replaceWasmKernel(name: string, kernelFunc: KernelFunc): void {
  const original = stockWasmKernel(name);
  if (!original) return;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as never });
}

/** Puts the stock kernel back under `name`. */
export function restoreWasmKernel(name: string): void {
  const original = stock.get(name);
  if (!original) return;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel(original);
}
