/** Shared helpers of the unit tests (not a test file itself). */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../lib/models/architecture";
import { Rng } from "../../lib/random";
import * as o from "../../lib/objectives";
import { dataset, oneHot, type TaskFamily } from "../../lib/tasks/task";

/** Sizes and seed of tinyModel. */
export interface TinyModelConfig {
  inputDim: number;
  hidden: number;
  numTasks: number;
  seed: number;
  /** Standard deviation of the heads' initial weights. Default 0.5. */
  headScale?: number;
}

let uid = 0;

/**
 * A tiny multi-head model: a shared tanh layer W (also the last shared layer) and a linear head per
 * task. It records the task lists of its forward calls, for tests of how the trainer calls models.
 */
export function tinyModel(config: TinyModelConfig): Architecture & { calls: number[][] } {
  const { inputDim, hidden, numTasks } = config;
  const rng = new Rng(config.seed);
  const id = ++uid;
  const W = tf.variable(tf.tensor2d(rng.normals(inputDim * hidden, 0, 0.5), [inputDim, hidden]), true, `tiny${id}_W`);
  const heads = Array.from({ length: numTasks }, (_, t) =>
    tf.variable(tf.tensor2d(rng.normals(hidden, 0, config.headScale ?? 0.5), [hidden, 1]), true, `tiny${id}_head${t}`),
  );
  const variables = [W, ...heads];
  const calls: number[][] = [];
  return {
    name: "tiny",
    numTasks,
    variables,
    sharedVariables: [W],
    lastSharedVariables: [W],
    calls,
    forward: (x, tasks) => {
      calls.push([...tasks]);
      const h = tf.tanh(x.matMul(W));
      return tasks.map((t) => h.matMul(heads[t]) as tf.Tensor2D);
    },
    parameterCount: () => variables.reduce((s, v) => s + v.size, 0),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/** The central difference (f(v + ε e_i) − f(v − ε e_i)) / 2ε of a scalar objective in entry i of v; v is restored. */
export function centralDifference(v: tf.Variable, i: number, f: () => tf.Scalar, eps: number): number {
  const base = Array.from(v.dataSync());
  const at = (d: number) => {
    const values = base.slice();
    values[i] += d;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    return tf.tidy(() => f().dataSync()[0]);
  };
  const numeric = (at(eps) - at(-eps)) / (2 * eps);
  tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
  return numeric;
}

/**
 * Regression tasks on shared 2-d inputs: `x` holds n rows of 2 features, `ys[i]` task i's labels
 * (train and test are the same data: these tests look at weightings, not generalization).
 */
export function regressionFamily(name: string, x: Float32Array, ys: Float32Array[], taskNames = ys.map((_, i) => `t${i}`)): TaskFamily {
  const T = ys.length;
  return {
    name,
    inputDim: 2,
    outputDim: 1,
    descriptorDim: T,
    sharedInputs: true,
    tasks: ys.map((y, i) => ({
      name: taskNames[i],
      index: i,
      descriptor: oneHot(i, T),
      train: dataset(x, y, 2, 1),
      test: dataset(x, y, 2, 1),
      loss: "mse" as const,
      metric: "mse" as const,
    })),
  };
}

/** One of each weighting the library has, for two tasks (DWA's period and group DRO's step size as given). */
export function everyWeighting(options: { dwaPeriod: number; droEta?: number }): o.Weighting[] {
  return [
    o.equalWeights(2),
    o.fixedWeights([0.3, 0.7]),
    o.uncertaintyWeighting(2),
    o.gradNorm(2),
    o.dynamicWeightAverage(2, { period: options.dwaPeriod }),
    o.minMax(2),
    options.droEta === undefined ? o.groupDro(2) : o.groupDro(2, { eta: options.droEta }),
    o.pcgrad(2),
  ];
}
