/**
 * Min-max and group DRO: optimise the worst task, for robustness or fairness across tasks.
 * minMax minimises max_i L_i directly. groupDro (Sagawa et al., ICLR 2020) is its soft, online
 * form: keep q on the simplex, q_i ← q_i · exp(η L_i), normalise, and minimise Σ_i q_i L_i.
 */
import * as tf from "@tensorflow/tfjs";
import type { LossWeighting } from "./weighting";
import { weightedSum } from "./losses";

/** One group-DRO update of the task weights q from the current losses. */
export function groupDroUpdate(q: readonly number[], losses: readonly number[], eta: number): number[] {
  if (q.length !== losses.length) throw new Error(`groupDroUpdate: ${q.length} weights, ${losses.length} losses`);
  // Subtract the max exponent first so large losses cannot overflow exp.
  const logits = q.map((qi, i) => Math.log(Math.max(qi, 1e-300)) + eta * losses[i]);
  const top = Math.max(...logits);
  const raw = logits.map((z) => Math.exp(z - top));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

/** The loss vector over all T tasks for one step: the sampled tasks' losses, 0 for the others. */
export function stepLosses(numTasks: number, values: readonly number[], tasks: readonly number[]): number[] {
  if (values.length !== tasks.length) throw new Error(`stepLosses: ${values.length} losses for ${tasks.length} tasks`);
  const full = new Array(numTasks).fill(0);
  tasks.forEach((t, k) => (full[t] = values[k]));
  return full;
}

/** Minimise the largest task loss; weights() is one-hot on the task that was worst last step. */
export function minMax(numTasks: number): LossWeighting {
  let worst = 0;
  return {
    kind: "loss",
    name: "min-max",
    variables: [],
    combine: (losses) => tf.stack(losses as tf.Scalar[]).max() as tf.Scalar,
    observe(values, ctx) {
      let best = -Infinity;
      values.forEach((v, k) => {
        if (v > best) {
          best = v;
          worst = ctx.tasks[k];
        }
      });
    },
    weights: () => Array.from({ length: numTasks }, (_, i) => (i === worst ? 1 : 0)),
  };
}

/** Options of group DRO. */
export interface GroupDroConfig {
  /** Step size η of the exponentiated-gradient update of q. Default 0.01. */
  eta?: number;
}

/** The group-DRO weighting, with its task distribution q exposed. */
export interface GroupDroWeighting extends LossWeighting {
  /** The current q (on the simplex, length = number of tasks). */
  q(): number[];
}

/**
 * Group DRO (a number as second argument is η); q starts uniform and is updated after each step,
 * over all tasks even when the trainer samples some: unsampled tasks keep the factor exp(0) = 1.
 * The objective is T · Σ_i q_i L_i: scaling by T makes uniform q match the plain sum's gradient
 * scale, so learning rates carry over. q is updated from each step's losses after the step, so the
 * step uses the q of the previous one: one step behind Sagawa et al.'s Algorithm 1, which
 * updates q on the current batch first. For the small η used in practice the difference is
 * negligible, and q stays a constant in the gradient, as in the paper.
 */
export function groupDro(numTasks: number, config: GroupDroConfig | number = {}): GroupDroWeighting {
  const eta = typeof config === "number" ? config : (config.eta ?? 0.01);
  if (!(eta >= 0)) throw new Error(`groupDro: η must be ≥ 0, got ${eta}`);
  let q = new Array(numTasks).fill(1 / numTasks);
  return {
    kind: "loss",
    name: `group DRO (η = ${eta})`,
    variables: [],
    combine: (losses, ctx) =>
      weightedSum(
        losses,
        ctx.tasks.map((t) => q[t] * numTasks),
      ),
    observe(values, ctx) {
      // Sagawa et al.'s update over ALL groups: a group absent from the step has no loss, so its
      // factor is exp(0) = 1, and the normalisation runs over every group. (Renormalising over the
      // sampled tasks alone would leave q unchanged whenever one task is trained per step.)
      q = groupDroUpdate(q, stepLosses(numTasks, values, ctx.tasks), eta);
    },
    weights: () => [...q],
    q: () => [...q],
  };
}
