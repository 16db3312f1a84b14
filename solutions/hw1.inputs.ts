/**
 * Hidden-input generators of homework 1, by the name a question's spec gives in its "inputs"
 * field. Each returns the argument list of one call. Instructor-only: this file sits next to the
 * solution and never reaches students; the grader loads it for the homework it grades.
 */
import { between, oneHotVector, tensor, type Rng } from "mtl-grader/inputs";

/** A number rounded to 3 decimals, so it survives JSON exactly. */
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export const INPUTS: Record<string, (rng: Rng) => unknown[]> = {
  concat: (rng) => {
    const [B, D, T, H] = [between(rng, 2, 5), between(rng, 2, 4), between(rng, 2, 4), between(rng, 2, 5)];
    return [tensor(rng, [B, D]), oneHotVector(rng, T), tensor(rng, [D + T, H]), tensor(rng, [H])];
  },
  multiplicative: (rng) => {
    const [B, H, T] = [between(rng, 2, 5), between(rng, 2, 5), between(rng, 2, 4)];
    return [tensor(rng, [B, H]), oneHotVector(rng, T), tensor(rng, [T, H])];
  },
  /** Positive task losses spread over two orders of magnitude, each of a random kind (2a, 2b). */
  uncertaintyOptimum: (rng) => {
    const T = between(rng, 2, 5);
    const losses = Array.from({ length: T }, () => r3(Math.exp(rng.uniform(Math.log(0.05), Math.log(20)))));
    return [losses, losses.map(() => (rng.next() < 0.5 ? "regression" : "classification"))];
  },
  /**
   * Per-task gradients of 2 to 4 tasks in 2 to 5 dimensions, and for each task the order in which
   * it visits the others (2d). In about half the draws the first two tasks are made to conflict.
   */
  pcgradStep: (rng) => {
    const [T, d] = [between(rng, 2, 4), between(rng, 2, 5)];
    const grads = Array.from({ length: T }, () => Array.from({ length: d }, () => r3(rng.normal(0, 1))));
    if (rng.next() < 0.5 && grads[0].reduce((s, v, k) => s + v * grads[1][k], 0) > 0) grads[1] = grads[1].map((v) => -v);
    const orders = grads.map((_, i) => Array.from(rng.permutation(T)).filter((j) => j !== i));
    return [grads, orders];
  },
  /**
   * Starting weights on the simplex, each task's loss summed over many steps, and a step size (2e).
   * η·Σ_t L_i(t) is in the thousands, where e^x overflows, but the tasks' sums differ by a few units
   * of 1/η, so the answer is a spread of weights, not one task taking all.
   */
  droCumulative: (rng) => {
    const T = between(rng, 2, 5);
    const raw = Array.from({ length: T }, () => rng.uniform(0.1, 1));
    const total = raw.reduce((a, b) => a + b, 0);
    const eta = r3(rng.uniform(0.01, 0.5));
    const common = rng.uniform(800, 3000) / eta;
    return [raw.map((v) => v / total), Array.from({ length: T }, () => r3(common + rng.uniform(-4, 4) / eta)), eta];
  },
};
