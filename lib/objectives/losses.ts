/** Per-task losses: mean squared error, binary cross-entropy on logits, softmax cross-entropy. */
import * as tf from "@tensorflow/tfjs";
import type { LossKind } from "../tasks/task";

/** The mean loss of predictions `pred` (logits for the cross-entropies) against labels `y`. */
export function taskLoss(kind: LossKind, pred: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  // Broadcasting [n, 1] against [n] would silently build an [n, n] loss.
  if (pred.shape.length !== y.shape.length || pred.shape.some((d, i) => d !== y.shape[i])) {
    throw new Error(`taskLoss(${kind}): predictions ${JSON.stringify(pred.shape)} and labels ${JSON.stringify(y.shape)} differ in shape`);
  }
  switch (kind) {
    case "mse":
      return tf.squaredDifference(pred, y).mean() as tf.Scalar;
    case "bce":
      // max(z, 0) − z·y + log(1 + e^{−|z|}): the numerically stable form of −y log σ(z) − (1−y) log(1−σ(z)).
      return tf
        .relu(pred)
        .sub(pred.mul(y))
        .add(tf.log1p(tf.exp(tf.neg(tf.abs(pred)))))
        .mean() as tf.Scalar;
    case "softmax-ce":
      return tf.neg(y.mul(tf.logSoftmax(pred)).sum(1)).mean() as tf.Scalar;
  }
}

/** Σ_k w_k L_k. */
export function weightedSum(losses: readonly tf.Scalar[], weights: readonly number[]): tf.Scalar {
  if (losses.length !== weights.length) throw new Error(`weightedSum: ${losses.length} losses, ${weights.length} weights`);
  return losses.map((l, k) => l.mul(weights[k])).reduce((a, b) => a.add(b)) as tf.Scalar;
}
