/** Evaluating the recommender as CS330's homework does: MRR of held-out items and rating MSE. */
import * as tf from "@tensorflow/tfjs";
import { tidyRead } from "../ops/read";
import { ratedItems } from "./family";
import type { Recommender } from "./model";
import type { RatingsData } from "./ratings";

/**
 * 1 / rank of item `positive` among the items not in `exclude`, by descending score; an item
 * scored the same as the positive does not push it down (ties count in its favour).
 */
export function reciprocalRank(scores: ArrayLike<number>, positive: number, exclude: Iterable<number> = []): number {
  const skip = new Set(exclude);
  skip.delete(positive);
  let above = 0;
  for (let j = 0; j < scores.length; j++) if (j !== positive && !skip.has(j) && scores[j] > scores[positive]) above++;
  return 1 / (1 + above);
}

/** The recommender's test metrics. */
export interface RecommenderEvaluation {
  /** Mean reciprocal rank of each user's held-out item among the items the user did not rate in training. */
  mrr: number;
  /** Mean squared error of the predicted held-out ratings. */
  mse: number;
}

/** MRR and rating MSE on the test split (each user's held-out rating). */
export function evaluateRecommender(model: Recommender, data: RatingsData): RecommenderEvaluation {
  const rated = ratedItems(data);
  const all = tf.tensor1d(Array.from({ length: data.items }, (_, i) => i), "int32");
  let rrSum = 0;
  for (const r of data.test) {
    const scores = tidyRead(() => model.score(tf.fill([data.items], r.user, "int32") as tf.Tensor1D, all).dataSync());
    rrSum += reciprocalRank(scores, r.item, rated[r.user]);
  }
  all.dispose();
  const predicted = tidyRead(() => model.rate(tf.tensor1d(data.test.map((r) => r.user), "int32"), tf.tensor1d(data.test.map((r) => r.item), "int32")).dataSync());
  const mse = data.test.reduce((s, r, n) => s + (predicted[n] - r.rating) ** 2, 0) / data.test.length;
  return { mrr: rrSum / data.test.length, mse };
}
