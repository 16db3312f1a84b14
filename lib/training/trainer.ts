/**
 * The one training loop: any architecture × any weighting. Each step follows the course's recipe:
 * (1) sample tasks, (2) sample a mini-batch of each task's data, (3) compute the per-task losses,
 * (4) let the weighting turn them (or their gradients) into one update, (5) apply it with Adam.
 * Everything is seeded; every step runs inside tf.tidy.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../models/architecture";
import { taskLoss } from "../objectives/losses";
import { equalWeights } from "../objectives/fixed";
import type { Gradients, Weighting, WeightingContext } from "../objectives/weighting";
import { flatAdam } from "../optim/adam";
import { Rng } from "../random";
import { batchIndices, gatherRows, sampleTasks, type TaskSampling } from "../tasks/sampling";
import type { TaskFamily } from "../tasks/task";
import { progressBar } from "../display/progress";
import { evaluate } from "./evaluate";
import { EarlyStopper, type EarlyStopping } from "./early-stopping";
import { History, type EvalRecord, type StepRecord } from "./history";

/** Options of a training run. */
export interface TrainConfig {
  /** How per-task losses become one update. Default equal weights. */
  weighting?: Weighting;
  /** Number of steps (default 500); give this or `epochs`. */
  steps?: number;
  /** Number of epochs, as counted by stepsPerEpoch(); give this or `steps`. */
  epochs?: number;
  /** Examples per task per step. Default 64. */
  batchSize?: number;
  learningRate?: number;
  /** "adam" (FlatAdam, the default), "sgd", or any tf.Optimizer. */
  optimizer?: "adam" | "sgd" | tf.Optimizer;
  /** Which tasks each step trains: all (default), or a sample drawn uniformly, by size, or with a temperature. */
  taskSampling?: TaskSampling;
  /** Tasks per step when sampling. Default 1. */
  tasksPerStep?: number;
  /** Temperature τ of temperature sampling, p_i ∝ n_i^{1/τ}. Default 2. */
  temperature?: number;
  seed?: number;
  /** Steps between evaluations on the test sets (0: only at the end). Default steps / 10. */
  evalEvery?: number;
  earlyStopping?: EarlyStopping;
  /** Called after every step and every evaluation. */
  callbacks?: TrainCallbacks;
  /** Shorthand for callbacks.onStep (both run when both are given). */
  onStep?: (record: StepRecord) => void;
  /** Shorthand for callbacks.onEval. */
  onEval?: (record: EvalRecord) => void;
  /** Show a progress bar in notebooks. Default true. */
  progress?: boolean;
  label?: string;
}

/** Hooks into a training run. */
export interface TrainCallbacks {
  onStep?: (record: StepRecord) => void;
  onEval?: (record: EvalRecord) => void;
}

/**
 * Steps in one epoch: one pass over the largest task's training set when every step trains all
 * tasks, otherwise over all tasks' data (Σ n_i examples at batchSize · tasksPerStep per step).
 */
export function stepsPerEpoch(family: TaskFamily, batchSize: number, taskSampling: TaskSampling = "all", tasksPerStep = 1): number {
  const sizes = family.tasks.map((t) => t.train.n);
  const T = sizes.length;
  const perStep = taskSampling === "all" ? T : Math.max(1, Math.min(T, tasksPerStep));
  if (perStep >= T) return Math.max(1, Math.ceil(Math.max(...sizes) / batchSize));
  return Math.max(1, Math.ceil(sizes.reduce((a, b) => a + b, 0) / (batchSize * perStep)));
}

interface Group {
  x: tf.Tensor2D;
  tasks: number[];
  ys: tf.Tensor2D[];
}

/** Trains `model` on `family`; resolves to the run's history. */
export async function train(model: Architecture, family: TaskFamily, config: TrainConfig = {}): Promise<History> {
  const T = family.tasks.length;
  if (model.numTasks !== T) throw new Error(`the model has ${model.numTasks} task outputs but the family has ${T} tasks`);
  const batchSize = config.batchSize ?? 64;
  const weighting = config.weighting ?? equalWeights(T);
  if (weighting.weights().length !== T)
    throw new Error(`the weighting "${weighting.name}" has ${weighting.weights().length} task weights but the family has ${T} tasks`);
  const sampling = config.taskSampling ?? "all";
  const perStep = sampling === "all" ? T : Math.max(1, Math.min(T, config.tasksPerStep ?? 1));
  const epochSteps = stepsPerEpoch(family, batchSize, sampling, perStep);
  if (config.steps !== undefined && config.epochs !== undefined) throw new Error("train: give steps or epochs, not both");
  const steps = config.epochs !== undefined ? Math.round(config.epochs * epochSteps) : (config.steps ?? 500);
  if (!(Number.isInteger(steps) && steps > 0)) throw new Error(`train: the run must have a positive whole number of steps, got ${steps}`);
  const evalEvery = config.evalEvery ?? Math.max(1, Math.floor(steps / 10));
  const rng = new Rng(config.seed ?? 0);
  // (tf.Optimizer's instanceof check reads properties, so test for an object first.)
  const given = typeof config.optimizer === "object" ? config.optimizer : null;
  const optimizer = given
    ? given
    : config.optimizer === "sgd"
      ? tf.train.sgd(config.learningRate ?? 0.01)
      : flatAdam({ learningRate: config.learningRate ?? 0.01 });
  const ownsOptimizer = !given;
  const trainable = [...model.variables, ...(weighting.kind === "loss" ? weighting.variables : [])];
  const sizes = family.tasks.map((t) => t.train.n);
  const history = new History(family.tasks.map((t) => t.name));
  // Built before the progress bar: a bad early-stopping config throws with nothing to clean up.
  const stopper = config.earlyStopping
    ? new EarlyStopper(
        config.earlyStopping,
        family.tasks.map((t) => t.metric),
      )
    : null;
  const bar = config.progress === false ? null : progressBar({ total: steps, label: config.label ?? `${model.name} · ${weighting.name}` });
  const smoothed = new Array(T).fill(NaN);
  let lastYield = Date.now();

  /** The step's mini-batches: one shared-input group, or one group per task. */
  const makeGroups = (tasks: number[]): Group[] => {
    const xDim = family.inputDim;
    if (family.sharedInputs && tasks.length > 1) {
      const idx = batchIndices(family.tasks[tasks[0]].train.n, batchSize, rng);
      const rows = tasks.map((t) => gatherRows(family.tasks[t].train, idx));
      const n = idx.length;
      return [{ x: tf.tensor2d(rows[0].x, [n, xDim]), tasks, ys: rows.map((r, k) => tf.tensor2d(r.y, [n, family.tasks[tasks[k]].train.yDim])) }];
    }
    return tasks.map((t) => {
      const data = family.tasks[t].train;
      const idx = batchIndices(data.n, batchSize, rng);
      const r = gatherRows(data, idx);
      return { x: tf.tensor2d(r.x, [idx.length, xDim]), tasks: [t], ys: [tf.tensor2d(r.y, [idx.length, data.yDim])] };
    });
  };

  /** Per-task losses in the order of `tasks`. */
  const lossesOf = (groups: Group[], tasks: number[]): tf.Scalar[] => {
    const byTask = new Map<number, tf.Scalar>();
    for (const g of groups) {
      const outs = model.forward(g.x, g.tasks, { training: true });
      g.tasks.forEach((t, k) => byTask.set(t, taskLoss(family.tasks[t].loss, outs[k], g.ys[k])));
    }
    return tasks.map((t) => byTask.get(t) as tf.Scalar);
  };

  /** One task's loss alone (gradient methods need each task's gradient separately). */
  const lossOfTask = (groups: Group[], t: number): tf.Scalar => {
    const g = groups.find((gr) => gr.tasks.includes(t)) as Group;
    const k = g.tasks.indexOf(t);
    return taskLoss(family.tasks[t].loss, model.forward(g.x, [t], { training: true })[0], g.ys[k]);
  };

  /** Adds zeros for variables without a gradient, so the optimizer sees the same list every step. */
  const complete = (grads: Gradients): Gradients => {
    const out: Gradients = {};
    for (const v of trainable) out[v.name] = grads[v.name] ?? tf.zerosLike(v);
    return out;
  };

  try {
    for (let step = 0; step < steps; step++) {
      const tasks = sampleTasks(sampling, sizes, perStep, rng, config.temperature ?? 2);
      const context: WeightingContext = { step, model, tasks, stepsPerEpoch: epochSteps };
      const lossValues = tf.tidy(() => {
        const groups = makeGroups(tasks);
        let values: number[];
        if (weighting.kind === "loss") {
          let kept: tf.Scalar[] = [];
          const { grads } = tf.variableGrads(() => {
            const losses = lossesOf(groups, tasks);
            kept = losses.map((l) => tf.keep(l));
            let total = weighting.combine(losses, context);
            if (model.regularizer) total = total.add(model.regularizer());
            return total;
          }, trainable);
          values = kept.map((l) => l.dataSync()[0]);
          tf.dispose(kept);
          optimizer.applyGradients(complete(grads));
        } else {
          const taskGrads: Gradients[] = [];
          values = [];
          for (const t of tasks) {
            const { value, grads } = tf.variableGrads(() => {
              let l = lossOfTask(groups, t);
              if (model.regularizer) l = l.add(model.regularizer().div(tasks.length));
              return l;
            }, [...model.variables]);
            values.push(value.dataSync()[0]);
            taskGrads.push(grads);
          }
          optimizer.applyGradients(complete(weighting.combineGradients(taskGrads, values, context)));
        }
        return values;
      });
      if (lossValues.some((v) => !Number.isFinite(v))) {
        throw new Error(`a task loss became ${lossValues.find((v) => !Number.isFinite(v))} at step ${step}: lower the learning rate or check the data`);
      }
      weighting.observe?.(lossValues, context);
      const losses = new Array(T).fill(NaN);
      tasks.forEach((t, k) => {
        losses[t] = lossValues[k];
        smoothed[t] = Number.isFinite(smoothed[t]) ? 0.9 * smoothed[t] + 0.1 * lossValues[k] : lossValues[k];
      });
      const record: StepRecord = { step, losses, weights: weighting.weights() };
      history.steps.push(record);
      config.callbacks?.onStep?.(record);
      config.onStep?.(record);
      bar?.update(step + 1, Object.fromEntries(family.tasks.map((t, i) => [t.name, smoothed[i]])));

      const last = step === steps - 1;
      if ((evalEvery > 0 && (step + 1) % evalEvery === 0) || last) {
        const ev = evaluate(model, family, "test");
        const rec: EvalRecord = { step: step + 1, testLosses: ev.losses, testMetrics: ev.metrics };
        history.evals.push(rec);
        config.callbacks?.onEval?.(rec);
        config.onEval?.(rec);
        if (stopper?.update(rec, model)) {
          history.stoppedEarlyAt = step + 1;
          break;
        }
      }
      // Let the kernel send progress updates: a notebook only sees output when the loop yields.
      if (Date.now() - lastYield > 200) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
    if (stopper) {
      history.bestStep = stopper.bestStep;
      history.restoredBest = stopper.restore(model);
    }
  } finally {
    stopper?.dispose();
    bar?.close();
    if (ownsOptimizer) optimizer.dispose();
  }
  return history;
}
