/** Sizing architectures to a common parameter budget, so comparisons are made at equal size. */
import type { Architecture } from "./architecture";

/**
 * The width w in [min, max] whose model has the parameter count closest to `target`, assuming the
 * count grows with w (binary search; each probe builds and frees a model).
 */
export function matchParameters(target: number, make: (width: number) => Architecture, range: [number, number] = [1, 1024]): number {
  const count = (w: number) => {
    const m = make(w);
    const n = m.parameterCount();
    m.dispose();
    return n;
  };
  let [lo, hi] = range;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (count(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  // lo is the first width at or above the target; its left neighbour may be closer.
  return lo > range[0] && Math.abs(count(lo - 1) - target) <= Math.abs(count(lo) - target) ? lo - 1 : lo;
}
