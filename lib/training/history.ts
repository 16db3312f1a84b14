/** What a training run records: per-step losses and weights, per-evaluation test losses and metrics. */

/** One training step's record. */
export interface StepRecord {
  step: number;
  /** Training loss per task (NaN for a task not sampled at this step). */
  losses: number[];
  /** The weighting's task weights after the step. */
  weights: number[];
}

/** One evaluation's record. */
export interface EvalRecord {
  step: number;
  testLosses: number[];
  testMetrics: number[];
}

/** The record of a training run. */
export class History {
  readonly steps: StepRecord[] = [];
  readonly evals: EvalRecord[] = [];
  /** Set when early stopping ended the run. */
  stoppedEarlyAt: number | null = null;
  /** With early stopping: the step of the best evaluation (null without early stopping). */
  bestStep: number | null = null;
  /** With early stopping: whether the best evaluation's weights were put back at the end. */
  restoredBest = false;

  constructor(readonly taskNames: readonly string[]) {}

  /** A per-task series: training loss or weight per step, test loss or metric per evaluation. */
  series(kind: "loss" | "weight" | "testLoss" | "testMetric", task: number): { x: number[]; y: number[] } {
    if (kind === "loss" || kind === "weight") {
      const rows = this.steps.filter((s) => Number.isFinite(kind === "loss" ? s.losses[task] : s.weights[task]));
      return { x: rows.map((s) => s.step), y: rows.map((s) => (kind === "loss" ? s.losses[task] : s.weights[task])) };
    }
    return { x: this.evals.map((e) => e.step), y: this.evals.map((e) => (kind === "testLoss" ? e.testLosses[task] : e.testMetrics[task])) };
  }

  /** The last evaluation (throws if none ran). */
  final(): EvalRecord {
    const last = this.evals[this.evals.length - 1];
    if (!last) throw new Error("no evaluation was recorded");
    return last;
  }

  /** Mean training loss per task over the last `window` steps. */
  recentLosses(window = 20): number[] {
    return this.taskNames.map((_, t) => {
      const vals = this.steps
        .slice(-window)
        .map((s) => s.losses[t])
        .filter(Number.isFinite);
      return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
    });
  }
}
