/**
 * Task affinity by lookahead (Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task
 * Learning", NeurIPS 2021): the affinity of task i onto task j is
 *   Z_{i→j} = 1 − L_j(θ_s − η ∇_{θ_s} L_i) / L_j(θ_s),
 * the relative change of task j's loss after one SGD step on task i alone over the shared
 * parameters θ_s, on the same batch; averaged over training. Positive: training on i helps j.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import { Rng } from "../random";
import type { TaskFamily } from "../tasks/task";
import { batchLoss, taskBatches } from "./task-gradients";

/** One lookahead affinity matrix Z (rows: source task i, columns: target task j). */
export function lookaheadAffinity(model: Architecture, family: TaskFamily, options: { learningRate?: number; batchSize?: number; rng?: Rng } = {}): number[][] {
  const lr = options.learningRate ?? 0.01;
  const shared = [...model.sharedVariables];
  if (!shared.length) throw new Error(`${model.name} shares no parameters, so tasks cannot affect each other`);
  const batches = taskBatches(family, options.batchSize ?? 256, options.rng ?? new Rng(0));
  const saved = shared.map((v) => tf.keep(v.clone()));
  try {
    const before = tf.tidy(() => family.tasks.map((_, j) => batchLoss(model, family, batches, j).dataSync()[0]));
    return family.tasks.map((_, i) => {
      const after = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => batchLoss(model, family, batches, i), shared);
        shared.forEach((v) => v.assign(v.sub(grads[v.name].mul(lr))));
        return family.tasks.map((__, j) => batchLoss(model, family, batches, j).dataSync()[0]);
      });
      shared.forEach((v, k) => v.assign(saved[k]));
      return after.map((a, j) => 1 - a / before[j]);
    });
  } finally {
    tf.dispose([...saved, ...batches.xs, ...batches.ys]);
  }
}

/** Averages lookahead affinities over training; pass `onStep` to train(). */
export function affinityTracker(
  model: Architecture,
  family: TaskFamily,
  options: { every?: number; learningRate?: number; batchSize?: number; seed?: number } = {},
) {
  const T = family.tasks.length;
  const every = options.every ?? 10;
  const rng = new Rng(options.seed ?? 0);
  const sum = Array.from({ length: T }, () => new Array(T).fill(0));
  let count = 0;
  return {
    onStep(record: { step: number }): void {
      if (record.step % every !== 0) return;
      const z = lookaheadAffinity(model, family, { learningRate: options.learningRate, batchSize: options.batchSize, rng });
      z.forEach((row, i) => row.forEach((v, j) => (sum[i][j] += v)));
      count++;
    },
    /** The average affinity matrix so far. */
    matrix(): number[][] {
      return sum.map((row) => row.map((v) => (count ? v / count : 0)));
    },
  };
}
