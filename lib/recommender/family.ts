/**
 * The ratings data as a two-task family for the course's trainer: ranking (BPR on triples of
 * user, rated item, sampled unrated item) and rating (MSE on the 1–5 rating).
 */
import { Rng } from "../random";
import { dataset, oneHot, type TaskFamily } from "../tasks/task";
import { RECOMMENDER_TASKS } from "./model";
import type { RatingsData } from "./ratings";

/** Options of ratingsFamily. */
export interface RatingsFamilyOptions {
  /** Sampled negatives per training rating. Default 2. */
  negatives?: number;
  /** Seed of the negative sampling. Default 0. */
  seed?: number;
}

/** For each user, the set of items rated in training. */
export function ratedItems(data: RatingsData): Set<number>[] {
  const rated = Array.from({ length: data.users }, () => new Set<number>());
  for (const r of data.train) rated[r.user].add(r.item);
  return rated;
}

/** An item `user` has not rated (in training) and that is not `except`. */
function negative(rng: Rng, items: number, rated: Set<number>, except: number): number {
  for (;;) {
    const j = rng.int(items);
    if (!rated.has(j) && j !== except) return j;
  }
}

/** The ranking and rating tasks of a ratings data set; inputs are rows [user, item, other item]. */
export function ratingsFamily(data: RatingsData, options: RatingsFamilyOptions = {}): TaskFamily {
  const k = options.negatives ?? 2;
  const rng = new Rng(options.seed ?? 0);
  const rated = ratedItems(data);
  const triples = (rows: typeof data.train, perRow: number) => {
    const x = new Float32Array(rows.length * perRow * 3);
    rows.forEach((r, n) => {
      for (let c = 0; c < perRow; c++) x.set([r.user, r.item, negative(rng, data.items, rated[r.user], r.item)], (n * perRow + c) * 3);
    });
    return dataset(x, new Float32Array(rows.length * perRow).fill(1), 3, 1);
  };
  const pairs = (rows: typeof data.train) =>
    dataset(
      Float32Array.from(rows.flatMap((r) => [r.user, r.item, r.item])),
      Float32Array.from(rows, (r) => r.rating),
      3,
      1,
    );
  return {
    name: "ratings",
    inputDim: 3,
    outputDim: 1,
    descriptorDim: 2,
    sharedInputs: false,
    tasks: [
      // BCE of the logit s(u, i) − s(u, j) against 1 is the BPR loss −log σ(s(u, i) − s(u, j));
      // its accuracy is the fraction of pairs ordered correctly.
      {
        name: RECOMMENDER_TASKS[0],
        index: 0,
        descriptor: oneHot(0, 2),
        train: triples(data.train, k),
        test: triples(data.test, 1),
        loss: "bce",
        metric: "accuracy",
      },
      { name: RECOMMENDER_TASKS[1], index: 1, descriptor: oneHot(1, 2), train: pairs(data.train), test: pairs(data.test), loss: "mse", metric: "mse" },
    ],
  };
}
