/**
 * Hidden-input generators of homework 1, by the name a question's spec gives in its "inputs"
 * field. Each returns the argument list of one call. Instructor-only: this file sits next to the
 * solution and never reaches students; the grader loads it for the homework it grades.
 */
import { between, oneHotVector, tensor, type Rng } from "mtl-grader/inputs";

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
};
