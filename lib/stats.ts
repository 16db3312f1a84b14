/** Summary statistics for repeated runs. */

/** Arithmetic mean (NaN for an empty list). */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Sample standard deviation (0 for fewer than two values). */
export function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

/** "mean ± sd" with the given number of digits. */
export function meanPm(values: readonly number[], digits = 3): string {
  return `${mean(values).toFixed(digits)} ± ${std(values).toFixed(digits)}`;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Mean, sample standard deviation, extremes and count of repeated runs. */
export interface Summary {
  n: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** Summarizes repeated runs (one value per seed). */
export function summarize(values: readonly number[]): Summary {
  return { n: values.length, mean: mean(values), sd: std(values), min: Math.min(...values), max: Math.max(...values) };
}

/** A comparison of two methods run on the same seeds (a[i] and b[i] share seed i); lower is better. */
export interface PairedComparison {
  n: number;
  meanA: number;
  meanB: number;
  /** Mean of a[i] − b[i]. */
  meanDiff: number;
  /** Sample standard deviation of a[i] − b[i]. */
  sdDiff: number;
  /** Seeds on which a is lower than b. */
  aLower: number;
  /** One-sided sign-test p-value for "a is lower than b" (ties count against a). */
  signTestP: number;
}

/** P(X ≥ k) for X ~ Binomial(n, 1/2). */
export function binomialTailHalf(k: number, n: number): number {
  let p = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return p / 2 ** n;
}

/**
 * Compares paired runs: how often and by how much a is lower than b. The sign test makes no
 * assumption about the size or shape of the differences, only that, if neither method were better,
 * each seed would be a coin flip.
 */
export function pairedComparison(a: readonly number[], b: readonly number[]): PairedComparison {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(`pairedComparison needs two non-empty lists of the same length (got ${a.length} and ${b.length})`);
  }
  const diffs = a.map((v, i) => v - b[i]);
  const aLower = diffs.filter((d) => d < 0).length;
  return { n: a.length, meanA: mean(a), meanB: mean(b), meanDiff: mean(diffs), sdDiff: std(diffs), aLower, signTestP: binomialTailHalf(aLower, a.length) };
}

/**
 * The course's rule for claiming that method a beats method b (lower is better): a one-sided sign
 * test over paired seeds at p ≤ 0.05, so 5 of 5 seeds, 6 of 6, 7 of 8, 9 of 10 or 10 of 12.
 */
export function clearlyLower(a: readonly number[], b: readonly number[], alpha = 0.05): boolean {
  return pairedComparison(a, b).signTestP <= alpha;
}
