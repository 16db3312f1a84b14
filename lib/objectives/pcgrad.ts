/**
 * PCGrad, projecting conflicting gradients (Yu et al., NeurIPS 2020): for each task i and each other
 * task j in random order, if g_i · g_j < 0 then g_i ← g_i − (g_i · g_j / ||g_j||²) g_j; the update
 * is Σ_i g_i. Projection acts on the shared parameters; task-specific gradients pass unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import type { GradientWeighting, Gradients } from "./weighting";
import { dot, flattenGradients, sumGradients, unflattenGradients } from "./flat-gradients";

/** The projected copies of flat per-task gradients (the inputs are not changed). */
export function projectConflicting(grads: readonly Float32Array[], rng: Rng): Float32Array[];
/** The same on 1-D tensors; returns new tensors, which the caller disposes. */
export function projectConflicting(grads: readonly tf.Tensor1D[], rng: Rng): tf.Tensor1D[];
export function projectConflicting(grads: readonly (Float32Array | tf.Tensor1D)[], rng: Rng): (Float32Array | tf.Tensor1D)[] {
  if (grads.length && grads[0] instanceof tf.Tensor) {
    // The loop is a few dot products: plain arrays are faster than kernel launches here.
    const flat = projectFlat(
      (grads as tf.Tensor1D[]).map((g) => g.dataSync() as Float32Array),
      rng,
    );
    return flat.map((f) => tf.tensor1d(f));
  }
  return projectFlat(grads as Float32Array[], rng);
}

function projectFlat(grads: readonly Float32Array[], rng: Rng): Float32Array[] {
  const size = grads[0]?.length ?? 0;
  if (grads.some((g) => g.length !== size)) throw new Error("projectConflicting: gradients of different lengths");
  const out = grads.map((g) => Float32Array.from(g));
  const sq = grads.map((g) => dot(g, g));
  for (let i = 0; i < out.length; i++) {
    const others = Array.from(rng.permutation(grads.length)).filter((j) => j !== i);
    for (const j of others) {
      // Project against the original g_j, as in the paper's algorithm.
      const d = dot(out[i], grads[j]);
      if (d < 0 && sq[j] > 0) {
        const c = d / sq[j];
        for (let k = 0; k < size; k++) out[i][k] -= c * grads[j][k];
      }
    }
  }
  return out;
}

/** Options of PCGrad. */
export interface PcgradConfig {
  /** Seed of the random order in which each task's gradient is projected. Default 0. */
  seed?: number;
}

/** PCGrad as a gradient weighting (a number as second argument is the seed). */
export function pcgrad(numTasks: number, config: PcgradConfig | number = {}): GradientWeighting & { conflicts(): number } {
  const rng = new Rng(typeof config === "number" ? config : (config.seed ?? 0));
  let lastConflicts = 0;
  return {
    kind: "gradient",
    name: "PCGrad",
    combineGradients(taskGrads, _lossValues, ctx) {
      const shared = ctx.model.sharedVariables;
      const sharedNames = new Set(shared.map((v) => v.name));
      const flat = taskGrads.map((g) => flattenGradients(g, shared));
      lastConflicts = 0;
      for (let i = 0; i < flat.length; i++) for (let j = i + 1; j < flat.length; j++) if (dot(flat[i], flat[j]) < 0) lastConflicts++;
      const projected = projectConflicting(flat, rng);
      const total = new Float32Array(flat[0]?.length ?? 0);
      for (const p of projected) for (let k = 0; k < total.length; k++) total[k] += p[k];
      const specific: Gradients[] = taskGrads.map((g) => Object.fromEntries(Object.entries(g).filter(([n]) => !sharedNames.has(n))));
      return { ...sumGradients(specific), ...unflattenGradients(total, shared) };
    },
    weights: () => new Array(numTasks).fill(1),
    /** Conflicting pairs (negative dot product) seen at the last step. */
    conflicts: () => lastConflicts,
  };
}
