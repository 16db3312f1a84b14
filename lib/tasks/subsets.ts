/** Reshaping families for experiments: fewer examples per task, imbalanced task sizes. */
import { dataset, type Dataset, type Task, type TaskFamily } from "./task";

function head(d: Dataset, n: number): Dataset {
  const m = Math.min(n, d.n);
  return dataset(d.x.subarray(0, m * d.xDim), d.y.subarray(0, m * d.yDim), d.xDim, d.yDim);
}

/**
 * The family with task i's training set cut to its first sizes[i] examples (the data are already
 * shuffled). Tasks then no longer share inputs row for row.
 */
export function withTrainSizes(family: TaskFamily, sizes: readonly number[]): TaskFamily {
  if (sizes.length !== family.tasks.length) throw new Error(`withTrainSizes: ${sizes.length} sizes for ${family.tasks.length} tasks`);
  const tasks: Task[] = family.tasks.map((t, i) => ({ ...t, train: head(t.train, sizes[i]) }));
  const same = sizes.every((s) => s === sizes[0]);
  return { ...family, tasks, sharedInputs: family.sharedInputs && same };
}

/** The family restricted to some of its tasks (re-indexed from 0, descriptors kept). */
export function selectTasks(family: TaskFamily, indices: readonly number[]): TaskFamily {
  const tasks: Task[] = indices.map((i, k) => ({ ...family.tasks[i], index: k }));
  return { ...family, name: `${family.name} [${tasks.map((t) => t.name).join(", ")}]`, tasks };
}

/** The family with task i's labels multiplied by scales[i] (tasks whose losses live on different scales). */
export function scaleTargets(family: TaskFamily, scales: readonly number[]): TaskFamily {
  if (scales.length !== family.tasks.length) throw new Error(`scaleTargets: ${scales.length} scales for ${family.tasks.length} tasks`);
  const scale = (d: Dataset, k: number) =>
    dataset(
      d.x,
      d.y.map((v) => v * k),
      d.xDim,
      d.yDim,
    );
  const tasks: Task[] = family.tasks.map((t, i) => ({
    ...t,
    name: scales[i] === 1 ? t.name : `${t.name} (×${scales[i]})`,
    train: scale(t.train, scales[i]),
    test: scale(t.test, scales[i]),
  }));
  return { ...family, tasks };
}

/** The mean and standard deviation a task's labels were standardized with (training set). */
export interface TargetScale {
  mean: number;
  sd: number;
}

/**
 * The family with every regression task's labels put on one scale: y ← (y − μ_i)/σ_i, with μ_i and
 * σ_i the mean and standard deviation of task i's training labels (the test labels use the same
 * μ_i, σ_i, so nothing is learned from the test set). The first remedy for tasks whose losses live
 * on different scales, before any re-weighting. Tasks with other losses are left as they are.
 * `targetScales[i]` maps predictions back: y = μ_i + σ_i · ŷ.
 */
export function normalizeTargets(family: TaskFamily): TaskFamily & { targetScales: TargetScale[] } {
  const targetScales: TargetScale[] = [];
  const tasks: Task[] = family.tasks.map((t) => {
    if (t.loss !== "mse" || t.train.n === 0) {
      targetScales.push({ mean: 0, sd: 1 });
      return t;
    }
    const y = t.train.y;
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += y[i];
    mean /= y.length;
    let ss = 0;
    for (let i = 0; i < y.length; i++) ss += (y[i] - mean) ** 2;
    // A constant task keeps sd 1 instead of dividing by zero.
    const sd = y.length > 1 && ss > 0 ? Math.sqrt(ss / (y.length - 1)) : 1;
    targetScales.push({ mean, sd });
    const standardize = (d: Dataset) =>
      dataset(
        d.x,
        d.y.map((v) => (v - mean) / sd),
        d.xDim,
        d.yDim,
      );
    return { ...t, train: standardize(t.train), test: standardize(t.test) };
  });
  return { ...family, tasks, targetScales };
}
