/** Per-task gradients on a model's shared parameters, for one seeded batch per task. */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import { flattenGradients } from "../objectives/flat-gradients";
import { taskLoss } from "../objectives/losses";
import { tidyRead } from "../ops/read";
import { Rng } from "../random";
import { batchIndices, gatherRows } from "../tasks/sampling";
import type { TaskFamily } from "../tasks/task";

/** One batch per task, as tensors (the caller disposes them). */
export interface TaskBatches {
  xs: tf.Tensor2D[];
  ys: tf.Tensor2D[];
}

/** Draws one batch per task (the same rows for every task when the family shares inputs). */
export function taskBatches(family: TaskFamily, batchSize: number, rng: Rng): TaskBatches {
  const shared = family.sharedInputs ? batchIndices(family.tasks[0].train.n, batchSize, rng) : null;
  const xs: tf.Tensor2D[] = [];
  const ys: tf.Tensor2D[] = [];
  for (const task of family.tasks) {
    const idx = shared ?? batchIndices(task.train.n, batchSize, rng);
    const r = gatherRows(task.train, idx);
    xs.push(tf.tensor2d(r.x, [idx.length, task.train.xDim]));
    ys.push(tf.tensor2d(r.y, [idx.length, task.train.yDim]));
  }
  return { xs, ys };
}

/** Task t's loss on its batch. */
export function batchLoss(model: Architecture, family: TaskFamily, batches: TaskBatches, t: number): tf.Scalar {
  return taskLoss(family.tasks[t].loss, model.forward(batches.xs[t], [t])[0], batches.ys[t]);
}

/** Flat gradient of each task's loss over the model's shared variables. */
export function sharedGradients(model: Architecture, family: TaskFamily, batches: TaskBatches): Float32Array[] {
  const shared = [...model.sharedVariables];
  if (!shared.length) throw new Error(`${model.name} shares no parameters: there is no shared gradient to compare`);
  return family.tasks.map((_, t) =>
    tidyRead(() => {
      const { grads } = tf.variableGrads(() => batchLoss(model, family, batches, t), shared);
      return flattenGradients(grads, shared);
    }),
  );
}
