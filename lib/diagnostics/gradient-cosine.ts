/**
 * Gradient conflict: the cosine similarity of per-task gradients on the shared parameters.
 * Negative entries are conflicting tasks (the situation PCGrad treats; Yu et al., 2020).
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import { cosine } from "../objectives/flat-gradients";
import { Rng } from "../random";
import type { TaskFamily } from "../tasks/task";
import { sharedGradients, taskBatches } from "./task-gradients";

/** Options of the gradient-cosine measurement. */
export interface GradientCosineConfig {
  batchSize?: number;
  /** Batches averaged over. Default 4. */
  batches?: number;
  seed?: number;
}

/** T × T matrix of cosine similarities between task gradients, averaged over a few batches. */
export function gradientCosine(model: Architecture, family: TaskFamily, config: GradientCosineConfig = {}): number[][] {
  const T = family.tasks.length;
  const rng = new Rng(config.seed ?? 0);
  const out = Array.from({ length: T }, () => new Array(T).fill(0));
  const rounds = config.batches ?? 4;
  for (let r = 0; r < rounds; r++) {
    const batches = taskBatches(family, config.batchSize ?? 256, rng);
    try {
      const g = sharedGradients(model, family, batches);
      for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) out[i][j] += cosine(g[i], g[j]) / rounds;
    } finally {
      tf.dispose([...batches.xs, ...batches.ys]);
    }
  }
  return out;
}
