/**
 * Relative multi-task gain Δm (Maninis et al., CVPR 2019; the form LibMTL reports):
 * Δm = (100/T) Σ_i (−1)^{l_i} (M_mt,i − M_st,i) / M_st,i, with l_i = 1 when lower is better. A
 * positive Δm means the multi-task model beats the single-task baselines on average.
 */

/** Δm in percent. */
export function deltaM(multiTask: readonly number[], singleTask: readonly number[], lowerIsBetter: readonly boolean[]): number {
  const T = multiTask.length;
  if (singleTask.length !== T || lowerIsBetter.length !== T) throw new Error("deltaM: the three arrays must have one entry per task");
  let sum = 0;
  for (let i = 0; i < T; i++) {
    const rel = (multiTask[i] - singleTask[i]) / singleTask[i];
    sum += lowerIsBetter[i] ? -rel : rel;
  }
  return (100 * sum) / T;
}
