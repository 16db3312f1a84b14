/**
 * The shared plumbing of every architecture: variable bookkeeping, parameter counts, disposal and
 * checks on task ids. Each architecture supplies only its forward pass.
 */
import * as tf from "@tensorflow/tfjs";
import { countParameters, type Architecture, type ForwardOptions } from "./architecture";

/** Options common to every architecture. */
export interface CommonConfig {
  inputDim: number;
  numTasks: number;
  /** Width of each task's output. Default 1. */
  outputDim?: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}

/** Base class: subclasses set the variable lists and implement `forwardTasks`. */
export abstract class BaseArchitecture implements Architecture {
  abstract readonly name: string;
  readonly numTasks: number;
  readonly inputDim: number;
  readonly outputDim: number;
  abstract readonly variables: readonly tf.Variable[];
  abstract readonly sharedVariables: readonly tf.Variable[];
  abstract readonly lastSharedVariables: readonly tf.Variable[];

  constructor(config: CommonConfig) {
    this.numTasks = config.numTasks;
    this.inputDim = config.inputDim;
    this.outputDim = config.outputDim ?? 1;
    if (!(this.numTasks >= 1)) throw new Error(`numTasks must be at least 1, got ${config.numTasks}`);
  }

  /** Outputs for the requested tasks. */
  forward(x: tf.Tensor2D, tasks: readonly number[], options: ForwardOptions = {}): tf.Tensor2D[] {
    for (const t of tasks) {
      if (!Number.isInteger(t) || t < 0 || t >= this.numTasks) throw new Error(`${this.name}: task ${t} is not in 0..${this.numTasks - 1}`);
    }
    if (x.shape[1] !== this.inputDim) throw new Error(`${this.name}: inputs have ${x.shape[1]} features, expected ${this.inputDim}`);
    return this.forwardTasks(x, tasks, options.training ?? false);
  }

  protected abstract forwardTasks(x: tf.Tensor2D, tasks: readonly number[], training: boolean): tf.Tensor2D[];

  parameterCount(): number {
    return countParameters(this.variables);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** A [batch, d] tensor whose rows all equal `row`. */
export function tileRow(row: tf.Tensor1D | tf.Tensor2D, batch: number): tf.Tensor2D {
  const r = row.rank === 1 ? (row as tf.Tensor1D).expandDims(0) : (row as tf.Tensor2D);
  return tf.tile(r, [batch, 1]) as tf.Tensor2D;
}
