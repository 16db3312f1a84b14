/**
 * Matrix-product kernels for the WASM backend.
 *
 * Transposes: tfjs-backend-wasm 4.22 computes BatchMatMul with transposeA/transposeB through a
 * slow path: measured here, a 256×100 by 256×64 product with transposeA takes ~1.8 ms against
 * ~0.16 ms untransposed, and at 1024³ the gap is ~65×. Every matmul gradient uses those flags
 * (dA = dY·Bᵀ, dB = Aᵀ·dY), so backward passes ran ~10× slower than forward ones. The transposing
 * kernels copy the operands transposed (cheap) and call the stock, untransposed kernel. This also
 * avoids a stock bug: _FusedMatMul with a bias and a transpose flag returns wrong values
 * (test/unit/kernels-fused-matmul-bug.test.ts keeps watch on it).
 *
 * Native: when the OpenBLAS addon loads (native-blas.ts), float32 products with no bias or a
 * per-column bias, and a linear or relu activation, run on it in place on the WASM heap; anything
 * else falls back to the transposing kernels.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeGemm } from "./native-blas";
import { stockKernelFunc, type KernelArgs, type KernelFunc, type TensorInfo } from "./wasm-backend";

/** The WASM kernels of matrix products. */
export const MATMUL_KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;

/** A kernel that transposes operands explicitly, then calls the stock untransposed kernel `name`. */
export function transposingMatMul(name: string): KernelFunc {
  const original = stockKernelFunc(name);
  const transpose = stockKernelFunc("Transpose");
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const temporaries: TensorInfo[] = [];
    const swapLastTwo = (x: TensorInfo): TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      const out = transpose({ inputs: { x }, backend, attrs: { perm } } as never);
      temporaries.push(out);
      return out;
    };
    const a = attrs.transposeA ? swapLastTwo(inputs.a) : inputs.a;
    const b = attrs.transposeB ? swapLastTwo(inputs.b) : inputs.b;
    const out = original({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } } as never);
    for (const t of temporaries) backend.disposeData(t.dataId);
    return out;
  };
}

/** A kernel that runs products on the native addon where it can, else on `fallback`. */
export function nativeMatMul(addon: NativeGemm, fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = inputs;
    const activation = (attrs.activation as string | undefined) ?? "linear";
    if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
    if (preluActivationWeights || (activation !== "linear" && activation !== "relu")) return fallback(args);
    const ta = !!attrs.transposeA;
    const tb = !!attrs.transposeB;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kb) return fallback(args); // the stock kernel says what is wrong
    const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = tf.util.sizeFromShape(batchShape);
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    // Whole-batch or single-matrix operands only; other broadcasts stay with WASM.
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return fallback(args);
    // A bias the addon can add: float32, n values along the last axis.
    if (bias && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== n || (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== n)))
      return fallback(args);
    const out = backend.makeOutput([...batchShape, m, n], "float32");
    // Views made after makeOutput: allocating may grow the heap and detach older views.
    const av = backend.typedArrayFromHeap(a) as Float32Array;
    const bv = backend.typedArrayFromHeap(b) as Float32Array;
    const cv = backend.typedArrayFromHeap(out) as Float32Array;
    const biasView = bias ? (backend.typedArrayFromHeap(bias) as Float32Array) : null;
    addon.gemm(av, bv, cv, batch, m, n, k, ta ? 1 : 0, tb ? 1 : 0, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n, biasView, activation === "relu");
    return out;
  };
}
