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
  /** Steps per period (the paper uses epochs). Default 50. */
  period?: number;
}

/** DWA weights, recomputed at the end of every period from average losses. */
export function dynamicWeightAverage(numTasks: number, config: DwaConfig = {}): LossWeighting {
  const tau = config.temperature ?? 2;
  const period = config.period ?? 50;
  let w = new Array(numTasks).fill(1);
  const history: number[][] = [];
  let sums = new Array(numTasks).fill(0);
  let counts = new Array(numTasks).fill(0);
  let seen = 0;
  return {
    kind: "loss",
    name: `DWA (τ = ${tau})`,
    variables: [],
    combine: (losses, ctx) => weightedSum(losses, ctx.tasks.map((t) => w[t])),
    observe(values, ctx) {
      ctx.tasks.forEach((t, k) => {
        sums[t] += values[k];
        counts[t] += 1;
      });
      if (++seen % period !== 0) return;
      history.push(sums.map((s, i) => (counts[i] ? s / counts[i] : NaN)));
      sums = new Array(numTasks).fill(0);
      counts = new Array(numTasks).fill(0);
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
  const e = ratios.map((r) => Math.exp(r / temperature));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => (ratios.length * x) / total);
}
