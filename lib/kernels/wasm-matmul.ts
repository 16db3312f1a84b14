/**
 * Fast transposed matrix products on the WASM backend.
 *
 * tfjs-backend-wasm 4.22 computes BatchMatMul with transposeA/transposeB through a slow path:
 * measured here, a 256×100 by 256×64 product with transposeA takes ~1.8 ms against ~0.16 ms
 * untransposed, and at 1024³ the gap is ~65×. Every matmul gradient uses those flags (dA = dY·Bᵀ,
 * dB = Aᵀ·dY), so backward passes ran ~10× slower than forward ones. This re-registers the WASM
 * BatchMatMul and _FusedMatMul kernels to transpose the operands explicitly (a cheap copy) and
 * then call the original, untransposed kernel. The fix belongs upstream; until then it lives here.
 */
import * as tf from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: { disposeData(id: object): void }; attrs: Record<string, unknown> };

const KERNELS = ["BatchMatMul", "_FusedMatMul"];
let patched = false;

/** Replaces WASM's transposed matmul path by explicit transposes; safe to call more than once. */
export function patchWasmMatMul(): void {
  if (patched) return;
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!transpose) return;
  for (const name of KERNELS) {
    const original = tf.getKernel(name, "wasm");
    if (!original) continue;
    const kernelFunc = (args: KernelArgs): TensorInfo => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args as never) as TensorInfo;
      const temporaries: TensorInfo[] = [];
      const swapLastTwo = (x: TensorInfo): TensorInfo => {
        const perm = x.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } } as never) as TensorInfo;
        temporaries.push(out);
        return out;
      };
      const a = attrs.transposeA ? swapLastTwo(inputs.a) : inputs.a;
      const b = attrs.transposeB ? swapLastTwo(inputs.b) : inputs.b;
      const out = original.kernelFunc({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } } as never) as TensorInfo;
      for (const t of temporaries) backend.disposeData(t.dataId);
      return out;
    };
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...original, kernelFunc: kernelFunc as never });
  }
  patched = true;
}
