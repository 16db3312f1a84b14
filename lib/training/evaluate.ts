/** Evaluating a model on every task of a family: loss and metric per task. */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import { taskLoss } from "../objectives/losses";
import { tidyRead } from "../ops/read";
import type { Task, TaskFamily } from "../tasks/task";
import { metricValue } from "./metrics";

/** Loss and metric of each task. */
export interface Evaluation {
  losses: number[];
  metrics: number[];
}

/** The model's outputs on a task's split, computed in chunks, as one flat array. */
export function predict(model: Architecture, task: Task, split: "train" | "test" = "test", chunk = 2048): Float32Array {
  const data = task[split];
  const width = data.yDim;
  const out = new Float32Array(data.n * width);
  for (let start = 0; start < data.n; start += chunk) {
    const n = Math.min(chunk, data.n - start);
    const values = tidyRead(() => {
      const x = tf.tensor2d(data.x.subarray(start * data.xDim, (start + n) * data.xDim), [n, data.xDim]);
      return model.forward(x, [task.index])[0].dataSync() as Float32Array;
    });
    out.set(values, start * width);
  }
  return out;
}

/** Loss and metric of every task of the family on one split. */
export function evaluate(model: Architecture, family: TaskFamily, split: "train" | "test" = "test"): Evaluation {
  const losses: number[] = [];
  const metrics: number[] = [];
  for (const task of family.tasks) {
    const data = task[split];
    const pred = predict(model, task, split);
    const loss = tf.tidy(() => taskLoss(task.loss, tf.tensor2d(pred, [data.n, data.yDim]), tf.tensor2d(data.y, [data.n, data.yDim])).dataSync()[0]);
    losses.push(loss);
    metrics.push(metricValue(task.metric, task.loss, pred, data.y, data.yDim));
  }
  return { losses, metrics };
}
