/**
 * Dynamic weight average (Liu, Johns & Davison, CVPR 2019): w_i = T · softmax_i(r_i / τ) with
 * r_i = L_i(t−1) / L_i(t−2), the ratio of the task's average loss over the last two periods. A task
 * whose loss falls slowly gets more weight. The first two periods use equal weights.
 */
import type { LossWeighting } from "./weighting";
import { weightedSum } from "./losses";

/** Options of DWA. */
export interface DwaConfig {
  /** Softmax temperature τ. Default 2 (the paper's). */
  temperature?: number;
  /**
   * Length of a period over which losses are averaged: a number of steps, or "epoch" (the paper's
   * choice; the trainer tells the weighting how many steps an epoch has). Default 50 steps.
   */
  period?: number | "epoch";
}

/** DWA weights, recomputed at the end of every period from average losses. */
export function dynamicWeightAverage(numTasks: number, config: DwaConfig = {}): LossWeighting {
  const tau = config.temperature ?? 2;
  const period = config.period ?? 50;
  if (period !== "epoch" && !(Number.isInteger(period) && period > 0))
    throw new Error(`dynamicWeightAverage: period must be a positive integer or "epoch", got ${period}`);
  let w = new Array(numTasks).fill(1);
  const history: number[][] = [];
  let sums = new Array(numTasks).fill(0);
  let counts = new Array(numTasks).fill(0);
  let seen = 0;
  return {
    kind: "loss",
    name: `DWA (τ = ${tau})`,
    variables: [],
    combine: (losses, ctx) =>
      weightedSum(
        losses,
        ctx.tasks.map((t) => w[t]),
      ),
    observe(values, ctx) {
      ctx.tasks.forEach((t, k) => {
        sums[t] += values[k];
        counts[t] += 1;
      });
      seen++;
      // Without an epoch length from the trainer, fall back to 50-step periods.
      const length = period === "epoch" ? Math.max(1, ctx.stepsPerEpoch ?? 50) : period;
      if (seen % length !== 0) return;
      history.push(sums.map((s, i) => (counts[i] ? s / counts[i] : NaN)));
      sums = new Array(numTasks).fill(0);
      counts = new Array(numTasks).fill(0);
      if (history.length > 2) history.shift();
      if (history.length < 2) return;
      const [older, newer] = history.slice(-2);
      const r = newer.map((l, i) => (Number.isFinite(l) && older[i] > 0 ? l / older[i] : 1));
      w = dwaWeights(r, tau);
    },
    weights: () => [...w],
  };
}

/** T · softmax(r / τ). */
export function dwaWeights(ratios: readonly number[], temperature: number): number[] {
  // Shifting by the max changes nothing mathematically and keeps exp from overflowing.
  const top = Math.max(...ratios);
  const e = ratios.map((r) => Math.exp((r - top) / temperature));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => (ratios.length * x) / total);
}
