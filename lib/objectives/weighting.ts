/**
 * The objective axis of the kit (after LibMTL): a weighting turns per-task losses (and, for
 * gradient methods, per-task gradients) into one update. Any weighting works with any
 * architecture through the one training loop in training/trainer.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";

/** What a weighting may look at besides the losses. */
export interface WeightingContext {
  /** Training step, counting from 0. */
  readonly step: number;
  readonly model: Architecture;
  /**
   * Which task each loss belongs to: losses[k] is task tasks[k]. All tasks in order unless the
   * trainer samples a subset of tasks per step.
   */
  readonly tasks: readonly number[];
  /**
   * Steps in one epoch of the run (set by the trainer), for weightings that work per epoch such as
   * DWA. Undefined when the caller does not know it.
   */
  readonly stepsPerEpoch?: number;
}

/** Combines per-task losses into one scalar objective; the common case. */
export interface LossWeighting {
  readonly kind: "loss";
  readonly name: string;
  /** Extra trainable variables the optimizer must update too (e.g. uncertainty log-variances). */
  readonly variables: readonly tf.Variable[];
  /**
   * The scalar to minimise, built from per-task losses (called inside tf.variableGrads, so it must
   * be differentiable in the model's variables and in `variables`).
   */
  combine(losses: readonly tf.Scalar[], context: WeightingContext): tf.Scalar;
  /** Sees the detached per-task loss values after each step (DWA, DRO update their state here). */
  observe?(lossValues: readonly number[], context: WeightingContext): void;
  /** Current task weights (length = number of tasks), for plotting. */
  weights(): number[];
  dispose?(): void;
}

/** Per-variable gradients, keyed by variable name. */
export type Gradients = Record<string, tf.Tensor>;

/** Combines per-task gradients into one update (PCGrad, GradNorm). */
export interface GradientWeighting {
  readonly kind: "gradient";
  readonly name: string;
  /**
   * One update from per-task gradients (taskGrads[i] holds ∇ L_i for every variable that L_i
   * touches) and the detached loss values. Called inside tf.tidy; returned tensors are kept by the
   * caller.
   */
  combineGradients(taskGrads: readonly Gradients[], lossValues: readonly number[], context: WeightingContext): Gradients;
  /** Sees the detached per-task loss values after each step, like LossWeighting.observe. */
  observe?(lossValues: readonly number[], context: WeightingContext): void;
  /** Current task weights (length = number of tasks), for plotting. */
  weights(): number[];
  dispose?(): void;
}

/** Either kind of weighting. */
export type Weighting = LossWeighting | GradientWeighting;
