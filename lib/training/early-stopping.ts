/**
 * Early stopping on the test set: stop after `patience` evaluations without improvement of the
 * watched score (mean test loss by default), and optionally put back the best weights seen.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import type { MetricKind } from "../tasks/task";
import type { EvalRecord } from "./history";
import { higherIsBetter } from "./metrics";

/** Options of early stopping. */
export interface EarlyStopping {
  /** Evaluations without improvement before stopping. */
  patience: number;
  /**
   * What to watch: the test loss ("loss", the default) or the tasks' test metric ("metric"; lower
   * is better for MSE, higher for accuracy and AUC).
   */
  metric?: "loss" | "metric";
  /** Watch this task only; default the mean over all tasks. */
  task?: number;
  /** Smallest change that counts as improvement. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best evaluation at the end. Default true. */
  restoreBest?: boolean;
}

/** Tracks the watched score across evaluations and keeps a copy of the best weights. */
export class EarlyStopper {
  /** Best watched score so far (in its own units; NaN before the first evaluation). */
  bestScore = NaN;
  /** Step of the best evaluation, null before the first. */
  bestStep: number | null = null;
  private sinceBest = 0;
  private snapshot: tf.Tensor[] | null = null;
  /** +1 when lower scores are better, −1 when higher are. */
  private readonly direction: 1 | -1;

  constructor(
    readonly config: EarlyStopping,
    metrics: readonly MetricKind[],
  ) {
    if (!(Number.isInteger(config.patience) && config.patience >= 1)) throw new Error(`earlyStopping: patience must be an integer ≥ 1, got ${config.patience}`);
    if (config.task !== undefined && !(Number.isInteger(config.task) && config.task >= 0 && config.task < metrics.length)) {
      throw new Error(`earlyStopping: task ${config.task} is not in 0..${metrics.length - 1}`);
    }
    if (config.metric === "metric") {
      const watched = config.task === undefined ? metrics : [metrics[config.task]];
      const ups = new Set(watched.map(higherIsBetter));
      // A mean of MSEs and accuracies has no direction: ask for one task instead.
      if (ups.size > 1) throw new Error(`earlyStopping: the tasks' metrics (${watched.join(", ")}) disagree on direction; set earlyStopping.task`);
      this.direction = ups.has(true) ? -1 : 1;
    } else {
      this.direction = 1;
    }
  }

  /** The watched score of one evaluation. */
  score(record: EvalRecord): number {
    const values = this.config.metric === "metric" ? record.testMetrics : record.testLosses;
    if (this.config.task !== undefined) return values[this.config.task];
    return values.reduce((a, b) => a + b, 0) / values.length;
  }

  /** Records an evaluation; returns true when training should stop. */
  update(record: EvalRecord, model: Architecture): boolean {
    const s = this.score(record);
    const improved = Number.isFinite(s) && (this.bestStep === null || this.direction * (this.bestScore - s) > (this.config.minDelta ?? 0));
    if (improved) {
      this.bestScore = s;
      this.bestStep = record.step;
      this.sinceBest = 0;
      if (this.config.restoreBest !== false) {
        tf.dispose(this.snapshot ?? []);
        this.snapshot = model.variables.map((v) => tf.keep(v.clone()));
      }
      return false;
    }
    // Keras's convention: stop at the patience-th evaluation in a row without improvement.
    return ++this.sinceBest >= this.config.patience;
  }

  /** Puts back the best weights (when restoreBest is on and there were any); returns whether it did. */
  restore(model: Architecture): boolean {
    if (!this.snapshot || this.config.restoreBest === false) return false;
    const saved = this.snapshot;
    model.variables.forEach((v, i) => v.assign(saved[i]));
    return true;
  }

  /** Frees the saved weights. */
  dispose(): void {
    tf.dispose(this.snapshot ?? []);
    this.snapshot = null;
  }
}
