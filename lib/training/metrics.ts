/**
 * Per-task metrics on plain arrays: mean squared error (lower is better), accuracy and ROC AUC
 * (higher is better). Predictions of classification tasks are logits.
 */
import type { LossKind, MetricKind } from "../tasks/task";

/** Mean squared error. */
export function mse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / pred.length;
}

/** Accuracy of binary logits (positive when > 0) against 0/1 labels. */
export function binaryAccuracy(logits: ArrayLike<number>, y: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < logits.length; i++) hits += (logits[i] > 0 ? 1 : 0) === (y[i] > 0.5 ? 1 : 0) ? 1 : 0;
  return hits / logits.length;
}

/** Accuracy of row-wise argmax for [n, k] logits against one-hot labels. */
export function categoricalAccuracy(logits: ArrayLike<number>, y: ArrayLike<number>, k: number): number {
  const n = logits.length / k;
  let hits = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    let truth = 0;
    for (let c = 1; c < k; c++) {
      if (logits[r * k + c] > logits[r * k + best]) best = c;
      if (y[r * k + c] > y[r * k + truth]) truth = c;
    }
    hits += best === truth ? 1 : 0;
  }
  return hits / n;
}

/** Accuracy of logits: width 1 is binary (positive when > 0), wider is a row-wise argmax against one-hot labels. */
export function accuracy(logits: ArrayLike<number>, y: ArrayLike<number>, width = 1): number {
  return width === 1 ? binaryAccuracy(logits, y) : categoricalAccuracy(logits, y, width);
}

/** ROC AUC by ranks (Mann–Whitney U), ties sharing their average rank; NaN with one class only. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] > 0.5) {
      pos++;
      rankSum += ranks[i];
    }
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** True when larger values of the metric are better. */
export function higherIsBetter(metric: MetricKind): boolean {
  return metric !== "mse";
}

/** The metric `kind` of predictions of a task trained with loss `loss`. */
export function metricValue(kind: MetricKind, loss: LossKind, pred: ArrayLike<number>, y: ArrayLike<number>, width = 1): number {
  if (kind === "mse") return mse(pred, y);
  if (kind === "auc") return auc(pred, y);
  return loss === "softmax-ce" ? categoricalAccuracy(pred, y, width) : binaryAccuracy(pred, y);
}
