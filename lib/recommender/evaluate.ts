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

/** The scores of every item for each test user, one forward pass: row n is data.test[n]'s user. */
function allScores(model: Recommender, data: RatingsData): Float32Array {
  const U = data.test.length;
  const I = data.items;
  return tidyRead(() => {
    const users = tf.tensor1d(
      data.test.flatMap((r) => new Array(I).fill(r.user)),
      "int32",
    );
    const items = tf.tensor1d(
      Array.from({ length: U * I }, (_, n) => n % I),
      "int32",
    );
    return model.score(users, items).dataSync() as Float32Array;
  });
}

/** MRR of the held-out items under per-user item scores `scoresOf(n)` (row n is data.test[n]). */
export function meanReciprocalRank(data: RatingsData, scoresOf: (n: number) => ArrayLike<number>): number {
  const rated = ratedItems(data);
  return data.test.reduce((s, r, n) => s + reciprocalRank(scoresOf(n), r.item, rated[r.user]), 0) / data.test.length;
}

/** MRR and rating MSE on the test split (each user's held-out rating). */
export function evaluateRecommender(model: Recommender, data: RatingsData): RecommenderEvaluation {
  const I = data.items;
  const scores = allScores(model, data);
  const mrr = meanReciprocalRank(data, (n) => scores.subarray(n * I, (n + 1) * I));
  const predicted = tidyRead(() =>
    model
      .rate(
        tf.tensor1d(
          data.test.map((r) => r.user),
          "int32",
        ),
        tf.tensor1d(
          data.test.map((r) => r.item),
          "int32",
        ),
      )
      .dataSync(),
  );
  const mse = data.test.reduce((s, r, n) => s + (predicted[n] - r.rating) ** 2, 0) / data.test.length;
  return { mrr, mse };
}

/** The baselines that need no training: popularity for ranking, the mean training rating for ratings. */
export interface RecommenderBaselines {
  /** MRR when every user gets the items by how many training ratings they have. */
  popularityMrr: number;
  /** Rating MSE of predicting the mean training rating. */
  meanRatingMse: number;
}

/** MRR of the popularity ranking and MSE of the mean rating, on the test split. */
export function recommenderBaselines(data: RatingsData): RecommenderBaselines {
  const popularity = new Array(data.items).fill(0);
  for (const r of data.train) popularity[r.item]++;
  const meanRating = data.train.reduce((s, r) => s + r.rating, 0) / data.train.length;
  return {
    popularityMrr: meanReciprocalRank(data, () => popularity),
    meanRatingMse: data.test.reduce((s, r) => s + (r.rating - meanRating) ** 2, 0) / data.test.length,
  };
}
