/**
 * Evaluating a trained ranker the way the case study does: per-task metrics on the logged outcomes,
 * NDCG@k against the simulator's truth (which no real log has), and how each task uses the experts.
 */
import * as tf from "@tensorflow/tfjs";
import { tidyRead } from "../ops/read";
import { auc, mse } from "../training/metrics";
import { gatePolarization, gateUtilisation, groupByQuery, ndcgAtK } from "./metrics";
import { RANKER_TASKS, rankerInputs, rankerScores, type Ranker } from "./ranker";
import type { Impression } from "./simulator";

/** Per-task gate weights on impressions, [task][example][expert] (MMoE rankers only). */
export function rankerGates(model: Ranker, rows: readonly Impression[], chunk = 4096): number[][][] {
  const x = rankerInputs(rows);
  const width = x.length / Math.max(rows.length, 1);
  const out: number[][][] = RANKER_TASKS.map(() => []);
  for (let start = 0; start < rows.length; start += chunk) {
    const n = Math.min(chunk, rows.length - start);
    const perTask = tidyRead(() =>
      model.gates(tf.tensor2d(x.subarray(start * width, (start + n) * width), [n, width])).map((g) => g.arraySync() as number[][]),
    );
    perTask.forEach((g, t) => out[t].push(...g));
  }
  return out;
}

/** A ranker's scores on one set of impressions. */
export interface RankerEvaluation {
  /** Per task, in RANKER_TASKS order: AUC for click, like and dismiss; MSE of log(1 + minutes) for watch time. */
  metrics: number[];
  /** NDCG@k of the click score against true relevance (the engagement truth). */
  ndcgRelevance: number;
  /** NDCG@k of the like score against true satisfaction. */
  ndcgSatisfaction: number;
  /** Mean gate weight per expert, [task][expert]; null for Shared-Bottom. */
  gateUtilisation: number[][] | null;
  /** Mean largest gate weight per task (1 = one expert only, 1/E = uniform); null for Shared-Bottom. */
  polarization: number[] | null;
}

/** Options of evaluateRanker. */
export interface EvaluateRankerOptions {
  /** Cut-off of NDCG. Default 5. */
  k?: number;
  /** Impressions used for the gate statistics (the first ones). Default 4000. */
  gateRows?: number;
}

/**
 * Serving-time evaluation (position missing): per-task metrics on the logged outcomes (watch time
 * and like on clicked impressions only, as they were trained), NDCG@k against the truth, and gate
 * utilisation. On rows without outcomes (RecsysSimulator.evaluationSet) the AUCs are NaN.
 */
export function evaluateRanker(model: Ranker, rows: readonly Impression[], options: EvaluateRankerOptions = {}): RankerEvaluation {
  const k = options.k ?? 5;
  const scores = rankerScores(model, rows);
  const all = rows.map((_, i) => i);
  const clicked = all.filter((i) => rows[i].clicked === 1);
  const pick = (values: readonly number[], idx: readonly number[]) => idx.map((i) => values[i]);
  const label = (idx: readonly number[], f: (r: Impression) => number) => idx.map((i) => f(rows[i]));
  const metrics = [
    auc(
      scores[0],
      label(all, (r) => r.clicked),
    ),
    mse(
      pick(scores[1], clicked),
      label(clicked, (r) => Math.log1p(r.watchMinutes)),
    ),
    auc(
      pick(scores[2], clicked),
      label(clicked, (r) => r.liked),
    ),
    auc(
      scores[3],
      label(all, (r) => r.dismissed),
    ),
  ];
  const groups = groupByQuery(rows);
  const gates = model.gateBank ? rankerGates(model, rows.slice(0, options.gateRows ?? 4000)) : null;
  return {
    metrics,
    ndcgRelevance: ndcgAtK(
      groups,
      scores[0],
      label(all, (r) => r.trueRelevance),
      k,
    ),
    ndcgSatisfaction: ndcgAtK(
      groups,
      scores[2],
      label(all, (r) => r.trueSatisfaction),
      k,
    ),
    gateUtilisation: gates ? gateUtilisation(gates) : null,
    polarization: gates ? gatePolarization(gates) : null,
  };
}
