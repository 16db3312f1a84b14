/**
 * Hidden-input generators of homework 2 (the multi-task recommender), by the name a question's spec gives in its "inputs"
 * field. Each returns the argument list of one call. Instructor-only: this file sits next to the
 * solution and never reaches students; the grader loads it for the homework it grades.
 */
import { between, tensor, type Rng } from "mtl-grader/inputs";

export const INPUTS: Record<string, (rng: Rng) => unknown[]> = {
  scores: (rng) => {
    const [B, d] = [between(rng, 2, 6), between(rng, 2, 5)];
    return [tensor(rng, [B, d]), tensor(rng, [B, d]), tensor(rng, [B]), tensor(rng, [B])];
  },
  bpr: (rng) => {
    // Some margins are large: −log σ(x) must stay finite where σ(x) underflows to 0.
    const B = between(rng, 2, 6);
    return [
      tensor(rng, [B], 3),
      { $tensor: { values: Array.from({ length: B }, (_, i) => (i === 0 ? 150 : Math.round(rng.normal(0, 3) * 1000) / 1000)), shape: [B] } },
    ];
  },
  ratingHead: (rng) => {
    const [B, d, H] = [between(rng, 2, 5), between(rng, 2, 4), between(rng, 2, 5)];
    return [tensor(rng, [B, d]), tensor(rng, [B, d]), tensor(rng, [3 * d, H]), tensor(rng, [H]), tensor(rng, [H, 1]), tensor(rng, [1])];
  },
  forward: (rng) => {
    // Both tables are always given: with shared = true the rating head must ignore its own pair.
    const [U, I, d, H, B] = [between(rng, 2, 5), between(rng, 3, 6), between(rng, 2, 3), between(rng, 2, 4), between(rng, 2, 5)];
    const ids = (n: number) => Array.from({ length: B }, () => rng.int(n));
    const params = {
      rankUser: tensor(rng, [U, d]),
      rankItem: tensor(rng, [I, d]),
      rateUser: tensor(rng, [U, d]),
      rateItem: tensor(rng, [I, d]),
      userBias: tensor(rng, [U]),
      itemBias: tensor(rng, [I]),
      w1: tensor(rng, [3 * d, H]),
      b1: tensor(rng, [H]),
      w2: tensor(rng, [H, 1]),
      b2: tensor(rng, [1]),
    };
    return [params, ids(U), ids(I), ids(I), rng.next() < 0.5];
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
  seed: (rng) => [rng.int(1000)],
};
