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
