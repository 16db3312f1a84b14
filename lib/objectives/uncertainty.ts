/**
 * Uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018): learn s_i = log σ_i² with the model
 * and minimise Σ_i ½ e^{−s_i} L_i + ½ s_i. A noisy task's σ grows, lowering its weight ½ e^{−s_i};
 * the ½ s_i term keeps σ from growing without bound. (We use the regression form for every task.)
 */
import * as tf from "@tensorflow/tfjs";
import type { LossWeighting } from "./weighting";

/** The weighting, with its learned log-variances exposed. */
export interface UncertaintyWeighting extends LossWeighting {
  readonly logVariances: tf.Variable<tf.Rank.R1>;
  /** σ_i = exp(s_i / 2). */
  sigmas(): number[];
}

/** Options of uncertainty weighting. */
export interface UncertaintyConfig {
  /** s_i = log σ_i² at the start, one value for all tasks or one per task. Default 0 (σ = 1). */
  initialLogVariance?: number | readonly number[];
}

let counter = 0;

/** Learned uncertainty weights (a number as second argument is the initial log-variance). */
export function uncertaintyWeighting(numTasks: number, config: UncertaintyConfig | number = {}): UncertaintyWeighting {
  const init = typeof config === "number" ? config : (config.initialLogVariance ?? 0);
  const initial = typeof init === "number" ? new Array(numTasks).fill(init) : [...init];
  if (initial.length !== numTasks) throw new Error(`uncertaintyWeighting: ${initial.length} initial log-variances for ${numTasks} tasks`);
  // A unique name per instance: tf.variable names must not collide across weightings.
  const s = tf.tidy(() => tf.variable(tf.tensor1d(initial), true, `uncertainty_s_${++counter}`)) as tf.Variable<tf.Rank.R1>;
  return {
    kind: "loss",
    name: "uncertainty weighting",
    variables: [s],
    logVariances: s,
    combine(losses, ctx) {
      // Slices rather than tf.gather: gather's gradient has no WASM kernel.
      const sk = tf.concat(ctx.tasks.map((t) => s.slice(t, 1)));
      const l = tf.stack(losses as tf.Scalar[]);
      return tf.exp(tf.neg(sk)).mul(l).mul(0.5).add(sk.mul(0.5)).sum() as tf.Scalar;
    },
    // Computed in JS from s: no tensors, so plotting every step cannot leak.
    weights: () => Array.from(s.dataSync(), (si) => 0.5 * Math.exp(-si)),
    sigmas: () => Array.from(s.dataSync(), (si) => Math.exp(si / 2)),
    dispose: () => s.dispose(),
  };
}
