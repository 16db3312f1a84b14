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

let counter = 0;

/** Learned uncertainty weights; `initialLogVariance` is s_i at the start (default 0). */
export function uncertaintyWeighting(numTasks: number, initialLogVariance = 0): UncertaintyWeighting {
  const s = tf.tidy(() => tf.variable(tf.fill([numTasks], initialLogVariance), true, `uncertainty_s_${++counter}`)) as tf.Variable<tf.Rank.R1>;
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
    weights: () => Array.from(tf.tidy(() => tf.exp(tf.neg(s)).mul(0.5).dataSync())),
    sigmas: () => Array.from(tf.tidy(() => tf.exp(s.div(2)).dataSync())),
    dispose: () => s.dispose(),
  };
}
