/**
 * Slice for the WASM backend, in JavaScript. The stock kernel first copies the whole input out of
 * the WASM heap (`readSync`), then copies row by row with a typed-array view per row: slicing one
 * column of a [1024, 64] tensor copied 256 KB and built 1024 views. This one reads the heap in
 * place and copies short rows element by element. Values are moved, never computed, so the result
 * is bit-for-bit the stock kernel's.
 */
import * as tf from "@tensorflow/tfjs";
import { stockKernelFunc, type KernelArgs, type TensorInfo } from "./wasm-backend";
import { copyRows } from "./wasm-copy";

/** The Slice kernel: `size` elements per axis of `x` from `begin`. */
export function sliceKernel(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  if (x.dtype === "string") return stockKernelFunc("Slice")(args);
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
  const out = backend.makeOutput(size, x.dtype);
  const n = tf.util.sizeFromShape(size);
  if (n === 0) return out;
  // Views made after makeOutput: allocating may grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  // Merge trailing axes taken whole into one contiguous run per outer position.
  let inner = 1;
  let axis = rank - 1;
  while (axis >= 0 && begin[axis] === 0 && size[axis] === x.shape[axis]) inner *= x.shape[axis--];
  if (axis < 0) {
    dst.set(src.subarray(0, n));
    return out;
  }
  const run = size[axis] * inner;
  const strides = tf.util.computeStrides(x.shape);
  const stride = (a: number) => (a === rank - 1 ? 1 : strides[a]);
  // Odometer over the outer axes 0..axis-1; each position copies one run of `run` elements.
  const outer = size.slice(0, axis);
  const index = outer.map(() => 0);
  let base = begin.reduce((s, b, a) => s + b * stride(a), 0);
  let o = 0;
  const runs = n / run;
  for (let r = 0; r < runs; r++) {
    copyRows(src, base, dst, o, run);
    o += run;
    for (let a = axis - 1; a >= 0; a--) {
      if (++index[a] < outer[a]) {
        base += stride(a);
        break;
      }
      base -= (outer[a] - 1) * stride(a);
      index[a] = 0;
    }
  }
  return out;
}
