/**
 * Ranking quality against the simulator's truth, score combination, and gate utilisation.
 */
import type { Impression } from "./simulator";

/** Rows grouped by query id, in first-seen order (returns row indices). */
export function groupByQuery(rows: readonly Impression[]): number[][] {
  const groups = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const g = groups.get(r.queryId);
    if (g) g.push(i);
    else groups.set(r.queryId, [i]);
  });
  return [...groups.values()];
}

/** Mean NDCG@k over queries: items ordered by `scores`, graded by `gains` (the truth). */
export function ndcgAtK(groups: readonly number[][], scores: ArrayLike<number>, gains: ArrayLike<number>, k: number): number {
  let total = 0;
  for (const g of groups) {
    const dcg = (order: number[]) => order.slice(0, k).reduce((s, i, rank) => s + gains[i] / Math.log2(rank + 2), 0);
    const byScore = [...g].sort((a, b) => scores[b] - scores[a] || a - b);
    const ideal = [...g].sort((a, b) => gains[b] - gains[a] || a - b);
    const best = dcg(ideal);
    total += best > 0 ? dcg(byScore) / best : 1;
  }
  return total / groups.length;
}

/** Mean of `values` over each query's top-k items by `scores`. */
export function topKMean(groups: readonly number[][], scores: ArrayLike<number>, values: ArrayLike<number>, k: number): number {
  let total = 0;
  let count = 0;
  for (const g of groups) {
    const top = [...g].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
    for (const i of top) {
      total += values[i];
      count++;
    }
  }
  return total / count;
}

/**
 * The paper's combined ranking score, a weighted multiplication Π_k p_k^{w_k} of task predictions,
 * computed in log space: Σ_k w_k log σ(logit_k).
 */
export function combinedScore(logits: readonly (readonly number[])[], weights: readonly number[]): number[] {
  const n = logits[0].length;
  const logSigmoid = (z: number) => -Math.log1p(Math.exp(-z));
  return Array.from({ length: n }, (_, i) => logits.reduce((s, l, k) => s + weights[k] * logSigmoid(l[i]), 0));
}

/** Gate utilisation: for each task, the mean gate weight of each expert over examples ([task][expert]). */
export function gateUtilisation(gates: readonly (readonly number[][])[]): number[][] {
  return gates.map((perExample) => perExample[0].map((_, e) => perExample.reduce((s, g) => s + g[e], 0) / perExample.length));
}

/** How concentrated each task's gates are: the mean, over examples, of the largest gate weight. */
export function gatePolarization(gates: readonly (readonly number[][])[]): number[] {
  return gates.map((perExample) => perExample.reduce((s, g) => s + Math.max(...g), 0) / perExample.length);
}

/**
 * Over-rating by logged position: for the rows the log showed at each position 0..positions−1, the
 * mean predicted click probability σ(logit) divided by the mean true relevance. A ranker that
 * absorbed position bias over-rates what happened to be shown on top (ratio falls with position);
 * one that separated position from relevance gives a flatter curve. NaN for an empty position.
 */
export function overRatingByPosition(rows: readonly Impression[], clickLogits: ArrayLike<number>, positions = 10): number[] {
  const predicted = new Array<number>(positions).fill(0);
  const truth = new Array<number>(positions).fill(0);
  rows.forEach((r, i) => {
    if (r.position < 0 || r.position >= positions) return;
    predicted[r.position] += 1 / (1 + Math.exp(-clickLogits[i]));
    truth[r.position] += r.trueRelevance;
  });
  return predicted.map((p, k) => (truth[k] > 0 ? p / truth[k] : NaN));
}
