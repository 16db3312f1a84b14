/**
 * The task triple T_i = {p_i(x), p_i(y|x), L_i} as the kit stores it: plain typed arrays for the
 * data (so nothing leaks and everything is seeded), a loss, a metric and a task descriptor z_i.
 */

/** The per-task losses the kit knows. `bce` takes logits; `softmax-ce` takes logits and one-hot labels. */
export type LossKind = "mse" | "bce" | "softmax-ce";

/** The per-task metrics the kit reports. `mse` is lower-is-better; the others higher-is-better. */
export type MetricKind = "mse" | "accuracy" | "auc";

/** A data set of n examples stored row-major: x is n × xDim, y is n × yDim. */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly xDim: number;
  readonly yDim: number;
}

/** One task of a family: its data, its loss and metric, and its descriptor z_i. */
export interface Task {
  readonly name: string;
  /** Position in the family; the one-hot descriptor has a 1 here. */
  readonly index: number;
  /** The task descriptor z_i: one-hot by default, or richer features. */
  readonly descriptor: Float32Array;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly loss: LossKind;
  readonly metric: MetricKind;
}

/** A family of tasks that share an input space. */
export interface TaskFamily {
  readonly name: string;
  readonly inputDim: number;
  /** Output width of every task's head (the same for all tasks of a family). */
  readonly outputDim: number;
  readonly descriptorDim: number;
  readonly tasks: readonly Task[];
  /**
   * True when every task sees the same inputs in the same order (multi-label data, the MMoE
   * synthetic family), so one forward pass of the shared layers can serve all tasks.
   */
  readonly sharedInputs: boolean;
}

/** Builds a Dataset, checking that the array sizes agree. */
export function dataset(x: Float32Array, y: Float32Array, xDim: number, yDim: number): Dataset {
  const n = x.length / xDim;
  if (!Number.isInteger(n) || y.length !== n * yDim) {
    throw new Error(`dataset: x has ${x.length} values (xDim ${xDim}) but y has ${y.length} (yDim ${yDim})`);
  }
  return { x, y, n, xDim, yDim };
}

/** The one-hot descriptor of task `index` among `count` tasks. */
export function oneHot(index: number, count: number): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`oneHot: index ${index} is not in 0..${count - 1}`);
  }
  const z = new Float32Array(count);
  z[index] = 1;
  return z;
}
