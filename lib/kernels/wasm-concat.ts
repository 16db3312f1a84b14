/**
 * Concat for the WASM backend, in JavaScript. The stock kernel copies each input's rows with one
 * typed-array view per row and input; concatenating the [B, 16] embeddings of a recommender's
 * rating head built 3·B views per step. This one copies short rows element by element. Values
 * are moved, never computed, so the result is bit-for-bit the stock kernel's.
 */
import * as tf from "@tensorflow/tfjs";
import { stockKernelFunc, type KernelArgs, type TensorInfo } from "./wasm-backend";
import { copyRows } from "./wasm-copy";

/** The Concat kernel: its inputs joined along `axis`. */
export function concatKernel(args: KernelArgs): TensorInfo {
  const { backend, attrs } = args;
  const inputs = args.inputs as unknown as TensorInfo[];
  const dtype = inputs[0].dtype;
  const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  // Strings, mixed dtypes and a single non-empty input (an identity) stay with the stock kernel.
  if (dtype === "string" || nonEmpty.length < 2 || inputs.some((t) => t.dtype !== dtype)) return stockKernelFunc("Concat")(args);
  const axis = tf.util.parseAxisParam(attrs.axis as number, inputs[0].shape)[0];
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const out = backend.makeOutput(outShape, dtype);
  const outer = tf.util.sizeFromShape(nonEmpty[0].shape.slice(0, axis));
  const widths = nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const total = widths.reduce((a, b) => a + b, 0);
  // Views made after makeOutput: allocating may grow the heap and detach older views.
  const dst = backend.typedArrayFromHeap(out);
  nonEmpty.forEach((t, i) => {
    const src = backend.typedArrayFromHeap(t);
    const w = widths[i];
    let o = widths.slice(0, i).reduce((a, b) => a + b, 0);
    for (let r = 0, s = 0; r < outer; r++, s += w, o += total) copyRows(src, s, dst, o, w);
  });
  return out;
}
