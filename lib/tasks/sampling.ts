/**
 * Sampling for the optimisation recipe (course outline §4): first a mini-batch of tasks, then a
 * mini-batch of data for each. Tasks are drawn uniformly, in proportion to their data, or with a
 * temperature: p_i ∝ n_i^{1/τ} (τ = 1 is proportional, τ → ∞ uniform).
 */
import { Rng } from "../random";
import type { Dataset } from "./task";

/** How tasks are chosen at each step. */
export type TaskSampling = "all" | "uniform" | "proportional" | "temperature";

/** Task-sampling probabilities for data sizes `sizes`. */
export function taskProbabilities(strategy: Exclude<TaskSampling, "all">, sizes: readonly number[], temperature = 2): number[] {
  const raw = sizes.map((n) => (strategy === "uniform" ? 1 : strategy === "proportional" ? n : Math.pow(n, 1 / temperature)));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

/** Draws `count` distinct tasks (or all of them) with the given strategy. */
export function sampleTasks(strategy: TaskSampling, sizes: readonly number[], count: number, rng: Rng, temperature = 2): number[] {
  const T = sizes.length;
  if (strategy === "all" || count >= T) return Array.from({ length: T }, (_, i) => i);
  const p = taskProbabilities(strategy, sizes, temperature);
  const chosen: number[] = [];
  const weights = p.slice();
  while (chosen.length < count) {
    const i = rng.categorical(weights);
    chosen.push(i);
    weights[i] = 0; // without replacement
  }
  return chosen.sort((a, b) => a - b);
}

/** Row indices of a mini-batch (with replacement when the set is smaller than the batch). */
export function batchIndices(n: number, batchSize: number, rng: Rng): Int32Array {
  if (batchSize >= n) return rng.permutation(n);
  const out = new Int32Array(batchSize);
  // Floyd's algorithm: batchSize distinct indices without building a permutation of n.
  const seen = new Set<number>();
  let k = 0;
  for (let j = n - batchSize; j < n; j++) {
    const t = rng.int(j + 1);
    const pick = seen.has(t) ? j : t;
    seen.add(pick);
    out[k++] = pick;
  }
  return out;
}

/** The rows `indices` of a data set, as flat arrays. */
export function gatherRows(data: Dataset, indices: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(indices.length * data.xDim);
  const y = new Float32Array(indices.length * data.yDim);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    x.set(data.x.subarray(i * data.xDim, (i + 1) * data.xDim), r * data.xDim);
    y.set(data.y.subarray(i * data.yDim, (i + 1) * data.yDim), r * data.yDim);
  }
  return { x, y };
}
