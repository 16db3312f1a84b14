/**
 * Inputs for graded functions, drawn from a seed. Public checks use fixed seeds; the grader draws
 * hidden inputs from a seed chosen at grading time, so answers cannot be prepared in advance.
 * Tensors travel as {"$tensor": {values, shape}} and become tensors in the submission's process.
 */
import { Rng } from "../random";

/** A tensor argument in transit. */
export interface EncodedTensor {
  $tensor: { values: number[]; shape: number[] };
}

function tensor(rng: Rng, shape: number[], scale = 1): EncodedTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { $tensor: { values: Array.from({ length: n }, () => Math.round(rng.normal(0, scale) * 1000) / 1000), shape } };
}

function oneHotVector(rng: Rng, n: number): EncodedTensor {
  const k = rng.int(n);
  return { $tensor: { values: Array.from({ length: n }, (_, i) => (i === k ? 1 : 0)), shape: [n] } };
}

const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);

/** Input generators by name: each returns the argument list of one call. */
export const INPUTS: Record<string, (rng: Rng) => unknown[]> = {
  oneHot: (rng) => {
    const n = between(rng, 2, 7);
    return [rng.int(n), n];
  },
  concat: (rng) => {
    const [B, D, T, H] = [between(rng, 2, 5), between(rng, 2, 4), between(rng, 2, 4), between(rng, 2, 5)];
    return [tensor(rng, [B, D]), oneHotVector(rng, T), tensor(rng, [D + T, H]), tensor(rng, [H])];
  },
  additive: (rng) => {
    const [B, D, T, H] = [between(rng, 2, 5), between(rng, 2, 4), between(rng, 2, 4), between(rng, 2, 5)];
    return [tensor(rng, [B, D]), oneHotVector(rng, T), tensor(rng, [D, H]), tensor(rng, [T, H]), tensor(rng, [H])];
  },
  multiHead: (rng) => {
    const [B, H, T, O] = [between(rng, 2, 5), between(rng, 2, 5), between(rng, 2, 4), between(rng, 1, 3)];
    return [tensor(rng, [B, H]), Array.from({ length: T }, () => tensor(rng, [H, O]))];
  },
  multiplicative: (rng) => {
    const [B, H, T] = [between(rng, 2, 5), between(rng, 2, 5), between(rng, 2, 4)];
    return [tensor(rng, [B, H]), oneHotVector(rng, T), tensor(rng, [T, H])];
  },
  weightedLoss: (rng) => {
    const T = between(rng, 2, 5);
    return [Array.from({ length: T }, () => rng.uniform(0.1, 3)), Array.from({ length: T }, () => rng.uniform(0, 2))];
  },
  uncertaintyLoss: (rng) => {
    const T = between(rng, 2, 5);
    return [Array.from({ length: T }, () => rng.uniform(0.1, 3)), Array.from({ length: T }, () => rng.uniform(-1, 1))];
  },
  groupDro: (rng) => {
    const T = between(rng, 2, 5);
    const raw = Array.from({ length: T }, () => rng.uniform(0.1, 1));
    const total = raw.reduce((a, b) => a + b, 0);
    return [raw.map((r) => r / total), Array.from({ length: T }, () => rng.uniform(0, 3)), rng.uniform(0.01, 1)];
  },
  seed: (rng) => [rng.int(1000)],
  // Homework 2: the multi-task recommender.
  dotScores: (rng) => {
    const [B, d] = [between(rng, 2, 6), between(rng, 2, 5)];
    return [tensor(rng, [B, d]), tensor(rng, [B, d]), tensor(rng, [B])];
  },
  bpr: (rng) => {
    // Some margins are large: −log σ(x) must stay finite where σ(x) underflows to 0.
    const B = between(rng, 2, 6);
    return [tensor(rng, [B], 3), { $tensor: { values: Array.from({ length: B }, (_, i) => (i === 0 ? 150 : Math.round(rng.normal(0, 3) * 1000) / 1000)), shape: [B] } }];
  },
  ratingFeatures: (rng) => {
    const [B, d] = [between(rng, 2, 5), between(rng, 2, 4)];
    return [tensor(rng, [B, d]), tensor(rng, [B, d])];
  },
  ratingHead: (rng) => {
    const [B, d, H] = [between(rng, 2, 5), between(rng, 2, 4), between(rng, 2, 5)];
    return [tensor(rng, [B, d]), tensor(rng, [B, d]), tensor(rng, [3 * d, H]), tensor(rng, [H]), tensor(rng, [H, 1]), tensor(rng, [1])];
  },
  reciprocalRank: (rng) => {
    // Scores on a coarse grid, so ties with the positive item happen.
    const n = between(rng, 5, 12);
    const scores = Array.from({ length: n }, () => Math.round(rng.normal(0, 1) * 4) / 4);
    const positive = rng.int(n);
    const exclude = Array.from({ length: n }, (_, j) => j).filter((j) => j !== positive && rng.next() < 0.3);
    return [scores, positive, exclude];
  },
  gateMix: (rng) => {
    const [B, E, H] = [between(rng, 2, 4), between(rng, 2, 4), between(rng, 2, 4)];
    return [tensor(rng, [B, E, H]), tensor(rng, [B, E], 2)];
  },
};

/** `count` argument lists for generator `name`, drawn from `seed`. */
export function drawInputs(name: string, count: number, seed: number): unknown[][] {
  const make = INPUTS[name];
  if (!make) throw new Error(`no input generator named ${name}`);
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => make(rng));
}
