/**
 * Choosing which tasks to train together from an affinity matrix (Fifty et al., 2021): a group's
 * score is Σ_{j∈g} mean_{i∈g, i≠j} Z_{i→j}, the average affinity onto each member from the others;
 * the chooser searches every partition of the tasks into k groups and keeps the best total.
 * Exhaustive, so meant for the handful of tasks a notebook uses (T ≤ 10).
 */

/** A partition of tasks into groups and its score. */
export interface Grouping {
  groups: number[][];
  score: number;
}

/** The score of one group under affinity Z (rows: source, columns: target). */
export function groupScore(group: readonly number[], affinity: readonly number[][]): number {
  if (group.length < 2) return 0;
  let total = 0;
  for (const j of group) {
    let s = 0;
    for (const i of group) if (i !== j) s += affinity[i][j];
    total += s / (group.length - 1);
  }
  return total;
}

/** Every partition of 0..T-1 into exactly k non-empty groups. */
export function partitions(T: number, k: number): number[][][] {
  const out: number[][][] = [];
  const walk = (i: number, groups: number[][]) => {
    if (T - i < k - groups.length) return;
    if (i === T) {
      if (groups.length === k) out.push(groups.map((g) => [...g]));
      return;
    }
    for (const g of groups) {
      g.push(i);
      walk(i + 1, groups);
      g.pop();
    }
    if (groups.length < k) {
      groups.push([i]);
      walk(i + 1, groups);
      groups.pop();
    }
  };
  walk(0, []);
  return out;
}

/** The best partition into `numGroups` groups (ties: the first found). */
export function chooseGroups(affinity: readonly number[][], options: { numGroups: number }): Grouping {
  const T = affinity.length;
  if (T > 10) throw new Error(`chooseGroups searches every partition; ${T} tasks are too many (at most 10)`);
  if (options.numGroups < 1 || options.numGroups > T) throw new Error(`numGroups must be in 1..${T}`);
  let best: Grouping = { groups: [], score: -Infinity };
  for (const groups of partitions(T, options.numGroups)) {
    const score = groups.reduce((s, g) => s + groupScore(g, affinity), 0);
    if (score > best.score + 1e-12) best = { groups, score };
  }
  return best;
}
