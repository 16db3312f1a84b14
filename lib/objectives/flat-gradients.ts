/**
 * Per-task gradients as flat vectors over a fixed list of variables, and back: what gradient-level
 * methods (PCGrad, GradNorm, gradient cosine) work on.
 */
import * as tf from "@tensorflow/tfjs";
import type { Gradients } from "./weighting";

/** One flat Float32Array holding the gradients of `variables` (zeros where a gradient is absent). */
export function flattenGradients(grads: Gradients, variables: readonly tf.Variable[]): Float32Array {
  const size = variables.reduce((s, v) => s + v.size, 0);
  const out = new Float32Array(size);
  let offset = 0;
  for (const v of variables) {
    const g = grads[v.name];
    if (g) out.set(g.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Splits a flat vector back into tensors shaped like `variables`. */
export function unflattenGradients(flat: Float32Array, variables: readonly tf.Variable[]): Gradients {
  const out: Gradients = {};
  let offset = 0;
  for (const v of variables) {
    out[v.name] = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
    offset += v.size;
  }
  return out;
}

/** Dot product. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm. */
export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity (0 when either vector is zero). */
export function cosine(a: Float32Array, b: Float32Array): number {
  const d = norm(a) * norm(b);
  return d > 0 ? dot(a, b) / d : 0;
}

/** Σ_k w_k · grads_k for every variable any task touched. */
export function sumGradients(taskGrads: readonly Gradients[], weights?: readonly number[]): Gradients {
  const out: Gradients = {};
  taskGrads.forEach((g, k) => {
    const w = weights ? weights[k] : 1;
    for (const [name, t] of Object.entries(g)) {
      const scaled = w === 1 ? t : t.mul(w);
      out[name] = out[name] ? out[name].add(scaled) : scaled;
    }
  });
  return out;
}
