/**
 * The sinusoid regression family: task i is y = A_i sin(x + φ_i) + noise, with amplitude and phase
 * drawn per task. It is the regression benchmark of MAML (Finn, Abbeel & Levine, "Model-Agnostic
 * Meta-Learning for Fast Adaptation of Deep Networks", ICML 2017, §5.1), which CS330 reuses for
 * multi-task and meta-learning regression. MAML draws A ~ U[0.1, 5], φ ~ U[0, π], x ~ U[−5, 5]
 * with noise-free labels; our defaults keep its phase and input ranges but draw A ~ U[0.5, 3] and
 * add Gaussian label noise (sd 0.1), so a perfect model's test MSE is about 0.01.
 */
import { Rng } from "../random";
import { dataset, oneHot, type Task, type TaskFamily } from "./task";

/** Configuration of the sinusoid family. */
export interface SinusoidConfig {
  numTasks?: number;
  trainPerTask?: number;
  testPerTask?: number;
  amplitudeRange?: [number, number];
  phaseRange?: [number, number];
  xRange?: [number, number];
  /** Standard deviation of label noise. */
  noise?: number;
  seed?: number;
}

/** A sinusoid task, with its true amplitude and phase. */
export interface SinusoidTask extends Task {
  readonly amplitude: number;
  readonly phase: number;
}

/** A family of sinusoid regression tasks. */
export interface SinusoidFamily extends TaskFamily {
  readonly tasks: readonly SinusoidTask[];
}

/** Builds the seeded sinusoid family. */
export function sinusoidFamily(config: SinusoidConfig = {}): SinusoidFamily {
  const {
    numTasks = 5,
    trainPerTask = 100,
    testPerTask = 100,
    amplitudeRange = [0.5, 3],
    phaseRange = [0, Math.PI],
    xRange = [-5, 5],
    noise = 0.1,
    seed = 0,
  } = config;
  const rng = new Rng(seed);
  const tasks: SinusoidTask[] = [];
  for (let i = 0; i < numTasks; i++) {
    const amplitude = rng.uniform(...amplitudeRange);
    const phase = rng.uniform(...phaseRange);
    const draw = (n: number) => {
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        x[k] = rng.uniform(...xRange);
        y[k] = amplitude * Math.sin(x[k] + phase) + rng.normal(0, noise);
      }
      return dataset(x, y, 1, 1);
    };
    tasks.push({
      name: `sine ${i}`,
      index: i,
      descriptor: oneHot(i, numTasks),
      train: draw(trainPerTask),
      test: draw(testPerTask),
      loss: "mse",
      metric: "mse",
      amplitude,
      phase,
    });
  }
  return { name: "sinusoid regression", inputDim: 1, outputDim: 1, descriptorDim: numTasks, tasks, sharedInputs: false };
}

/** Points of a task's true curve, for plotting. */
export function sinusoidCurve(task: SinusoidTask, xRange: [number, number] = [-5, 5], points = 100): { x: number[]; y: number[] } {
  const x = Array.from({ length: points }, (_, i) => xRange[0] + ((xRange[1] - xRange[0]) * i) / (points - 1));
  return { x, y: x.map((v) => task.amplitude * Math.sin(v + task.phase)) };
}
