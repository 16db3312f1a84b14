/**
 * Training the recommender with learning curves: after every epoch, each task's loss on the
 * training and the test split, and the test MRR and rating MSE. Over-fitting shows as a training
 * loss that keeps falling while the test loss turns up.
 */
import { train, stepsPerEpoch, type TrainConfig } from "../training/trainer";
import { evaluate } from "../training/evaluate";
import type { TaskFamily } from "../tasks/task";
import { evaluateRecommender } from "./evaluate";
import type { Recommender } from "./model";
import type { RatingsData } from "./ratings";

/** One epoch's measurements. */
export interface EpochRecord {
  epoch: number;
  /** Per task (ranking, rating): loss on the training split (BPR, rating MSE). */
  trainLosses: number[];
  /** Per task: loss on the test split. */
  testLosses: number[];
  /** Held-out MRR. */
  mrr: number;
  /** Held-out rating MSE (the same as testLosses[1]). */
  mse: number;
}

/** Options of trainWithCurves: the trainer's, with `epochs` required and no `steps` or `evalEvery`. */
export type CurveTrainConfig = Omit<TrainConfig, "steps" | "epochs" | "evalEvery" | "onEval"> & { epochs: number };

/**
 * Trains `model` on `family` (built from `data`) for `config.epochs` epochs and measures it after
 * each one (epoch 0 is the untrained model). Resolves to the per-epoch records.
 */
export async function trainWithCurves(model: Recommender, family: TaskFamily, data: RatingsData, config: CurveTrainConfig): Promise<EpochRecord[]> {
  const epochSteps = stepsPerEpoch(family, config.batchSize ?? 64, config.taskSampling, config.tasksPerStep);
  const measure = (epoch: number): EpochRecord => {
    const tr = evaluate(model, family, "train");
    const te = evaluate(model, family, "test");
    const { mrr, mse } = evaluateRecommender(model, data);
    return { epoch, trainLosses: tr.losses, testLosses: te.losses, mrr, mse };
  };
  const records = [measure(0)];
  const { epochs, ...rest } = config;
  await train(model, family, {
    ...rest,
    epochs,
    evalEvery: 0,
    onStep: (s) => {
      rest.onStep?.(s);
      if ((s.step + 1) % epochSteps === 0 && (s.step + 1) / epochSteps < epochs) records.push(measure((s.step + 1) / epochSteps));
    },
  });
  records.push(measure(epochs));
  return records;
}
