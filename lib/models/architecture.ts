/**
 * The architecture axis of the kit (after LibMTL): an architecture maps inputs and task ids to
 * per-task outputs and names which of its parameters are shared across tasks. It knows nothing
 * about how per-task losses are combined: that is the weighting's job (objectives/weighting.ts).
 */
import * as tf from "@tensorflow/tfjs";

/** Options of one forward pass. */
export interface ForwardOptions {
  /** Training mode turns on dropout (e.g. MMoE gate dropout). Default false. */
  training?: boolean;
}

/** A multi-task model: one output per requested task, shared parameters named. */
export interface Architecture {
  /** A short human name, e.g. "MMoE (4 experts)". */
  readonly name: string;
  readonly numTasks: number;
  /** Every trainable variable. */
  readonly variables: readonly tf.Variable[];
  /** The variables shared by all tasks (θ^sh); empty for independent networks. */
  readonly sharedVariables: readonly tf.Variable[];
  /**
   * The shared variables nearest the task-specific part (GradNorm's "last shared layer" W).
   * Empty when nothing is shared.
   */
  readonly lastSharedVariables: readonly tf.Variable[];
  /**
   * Outputs for the tasks in `tasks`, in that order, on the same inputs x ([batch, inputDim]).
   * Each output is [batch, outputDim]. Computing several tasks in one call lets shared layers run once.
   */
  forward(x: tf.Tensor2D, tasks: readonly number[], options?: ForwardOptions): tf.Tensor2D[];
  /** An extra term added to the objective (e.g. the soft-sharing penalty); undefined when none. */
  regularizer?(): tf.Scalar;
  /** Number of trainable scalars, so models can be compared at equal size. */
  parameterCount(): number;
  /** Frees every variable. */
  dispose(): void;
}

/** Counts the scalars in a list of variables. */
export function countParameters(variables: readonly tf.Variable[]): number {
  return variables.reduce((sum, v) => sum + v.size, 0);
}
