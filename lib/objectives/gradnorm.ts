/**
 * GradNorm (Chen et al., ICML 2018). With W the last shared layer, G_i = ||∇_W w_i L_i|| and
 * r_i = (L_i(t)/L_i(0)) / mean_j(L_j(t)/L_j(0)), the weights w_i minimise
 * Σ_i |G_i − mean(G) · r_i^α| with the target held constant; its gradient in w_i is
 * sign(G_i − target_i) · ||∇_W L_i||. After each step the weights are renormalised to Σ w_i = T.
 * The model's update is Σ_i w_i ∇L_i.
 */
import type { GradientWeighting } from "./weighting";
import { flattenGradients, norm, sumGradients } from "./flat-gradients";

/** Options of GradNorm. */
export interface GradNormConfig {
  /** Asymmetry α: how strongly slow tasks are pushed. Default 1.5. */
  alpha?: number;
  /** Learning rate of the weights. Default 0.025. */
  learningRate?: number;
}

/** One GradNorm step on the weights; returns the new weights (renormalised to sum T). */
export function gradNormStep(w: readonly number[], gradNorms: readonly number[], lossRatios: readonly number[], alpha: number, lr: number): number[] {
  const T = w.length;
  const G = w.map((wi, i) => wi * gradNorms[i]);
  const meanG = G.reduce((a, b) => a + b, 0) / T;
  const meanRatio = lossRatios.reduce((a, b) => a + b, 0) / T;
  const r = lossRatios.map((x) => x / meanRatio);
  const next = w.map((wi, i) => {
    const target = meanG * Math.pow(r[i], alpha);
    return Math.max(1e-3, wi - lr * Math.sign(G[i] - target) * gradNorms[i]);
  });
  const total = next.reduce((a, b) => a + b, 0);
  return next.map((x) => (T * x) / total);
}

/** GradNorm as a gradient weighting. */
export function gradNorm(numTasks: number, config: GradNormConfig = {}): GradientWeighting {
  const alpha = config.alpha ?? 1.5;
  const lr = config.learningRate ?? 0.025;
  let w = new Array(numTasks).fill(1);
  const initial: (number | null)[] = new Array(numTasks).fill(null);
  return {
    kind: "gradient",
    name: `GradNorm (α = ${alpha})`,
    combineGradients(taskGrads, lossValues, ctx) {
      const tasks = ctx.tasks;
      const update = sumGradients(taskGrads, tasks.map((t) => w[t]));
      const last = ctx.model.lastSharedVariables;
      if (last.length && tasks.length > 1) {
        tasks.forEach((t, k) => {
          if (initial[t] === null) initial[t] = Math.max(lossValues[k], 1e-12);
        });
        const norms = taskGrads.map((g) => norm(flattenGradients(g, last)));
        const ratios = tasks.map((t, k) => lossValues[k] / (initial[t] as number));
        const next = gradNormStep(tasks.map((t) => w[t]), norms, ratios, alpha, lr);
        // Keep the total weight of the sampled tasks, so unsampled ones keep theirs.
        const mass = tasks.reduce((s, t) => s + w[t], 0);
        w = w.slice();
        tasks.forEach((t, k) => (w[t] = (next[k] * mass) / tasks.length));
      }
      return update;
    },
    weights: () => [...w],
  };
}
