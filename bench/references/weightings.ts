/**
 * The fixed inputs of the reference comparison and our weightings run on them. The comparison
 * script (compare.ts) and the unit test (test/unit/references.test.ts) both use these, so the test
 * checks exactly what the script compared.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../lib/random";
import type { Architecture } from "../../lib/models/architecture";
import * as o from "../../lib/objectives";

export interface UncertaintyCase {
  s: number[];
  losses: number[];
}
export interface DwaCase {
  tasks: number;
  stepsPerEpoch: number;
  temperature: number;
  losses: number[][];
}
export interface GradNormCase {
  tasks: number;
  alpha: number;
  learningRate: number;
  initialLosses: number[];
  losses: number[][];
  grads: number[][][];
}
export interface PcgradCase {
  seed: number;
  grads: number[][];
  orders: number[][];
}
export interface GroupDroCase {
  tasks: number;
  eta: number;
  tasks_per_step: number[][];
  losses: number[][];
}

/** Every method's cases. */
export interface ReferenceInputs {
  uncertainty: UncertaintyCase[];
  dwa: DwaCase[];
  gradnorm: GradNormCase[];
  pcgrad: PcgradCase[];
  groupDro: GroupDroCase[];
}

/** Outputs, in the shape the reference script prints them. */
export interface ReferenceOutputs {
  uncertainty: { objective: number; gradS: number[]; weights: number[] }[];
  dwa: { weights: number[][] }[];
  gradnorm: { weights: number[][]; updates: number[][] }[];
  pcgrad: { update: number[] }[];
  groupDro: { q: number[][] }[];
}

const round = (x: number) => +x.toFixed(6);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Losses that fall at a different rate per task, with noise: what a weighting sees in training. */
function lossCurves(rng: Rng, steps: number, scales: number[]): number[][] {
  const rates = scales.map(() => rng.uniform(0.002, 0.03));
  return range(steps).map((t) => scales.map((s, i) => round(s * Math.exp(-rates[i] * t) * (1 + 0.1 * rng.normal()) + 0.01)));
}

/**
 * The PCGrad task orders our projection draws from `new Rng(seed)`: for each task i, a permutation
 * without i. LibMTL's loop also visits i itself (a no-op: g_i · g_i ≥ 0), so its order is i first.
 */
export function pcgradOrders(seed: number, tasks: number): number[][] {
  const rng = new Rng(seed);
  return range(tasks).map((i) => [i, ...Array.from(rng.permutation(tasks)).filter((j) => j !== i)]);
}

/** The seeded inputs (the same on every run). */
export function referenceInputs(seed = 2024): ReferenceInputs {
  const rng = new Rng(seed);
  const vec = (n: number, sd = 1) => Array.from(rng.normals(n, 0, sd), round);
  const uncertainty = [
    { s: [0, 0], losses: [0.8, 2.5] },
    { s: [-0.5, -0.5, -0.5], losses: [0.1, 1, 10] },
    { s: vec(4), losses: vec(4).map((x) => round(Math.abs(x) + 0.05)) },
  ];
  const dwa = [
    { tasks: 2, stepsPerEpoch: 4, temperature: 2, losses: lossCurves(rng, 24, [1, 10]) },
    { tasks: 3, stepsPerEpoch: 5, temperature: 1, losses: lossCurves(rng, 30, [1, 1, 3]) },
  ];
  const gradnorm = [2, 3].map((T) => {
    const dim = 6;
    const scales = T === 2 ? [1, 10] : [1, 2, 5];
    const losses = lossCurves(
      rng,
      40,
      scales.map((s) => s * s),
    );
    const grads = losses.map(() => scales.map((s) => vec(dim, s)));
    return { tasks: T, alpha: 1.5, learningRate: 0.025, initialLosses: losses[0], losses, grads };
  });
  const pcgrad = [2, 3, 4].map((T, k) => {
    const base = vec(8);
    // Half the tasks point against the first, so several pairs conflict.
    const grads = range(T).map((i) => vec(8).map((x, d) => round(x + (i % 2 ? -1.5 : 1.5) * base[d])));
    return { seed: 10 + k, grads, orders: pcgradOrders(10 + k, T) };
  });
  const groupDro = [
    // One sampled task per step (the trainer's default when sampling), then all tasks per step.
    { tasks: 3, eta: 0.1, tasks_per_step: range(30).map(() => [rng.int(3)]), losses: [] as number[][] },
    { tasks: 3, eta: 0.05, tasks_per_step: range(20).map(() => [0, 1, 2]), losses: [] as number[][] },
    { tasks: 4, eta: 0.2, tasks_per_step: range(20).map(() => [rng.int(2), 2 + rng.int(2)]), losses: [] as number[][] },
  ].map((c) => ({ ...c, losses: c.tasks_per_step.map((ts) => ts.map((t) => round((t + 1) * (0.5 + rng.uniform(0, 1))))) }));
  return { uncertainty, dwa, gradnorm, pcgrad, groupDro };
}

let thetas = 0;

/** A stand-in architecture: the weightings only read its shared variables and name. */
function linearTasks(theta: tf.Variable): Architecture {
  return {
    name: "linear tasks",
    numTasks: 0,
    variables: [theta],
    sharedVariables: [theta],
    lastSharedVariables: [theta],
    forward: () => {
      throw new Error("not a model");
    },
    parameterCount: () => theta.size,
    dispose: () => theta.dispose(),
  };
}

const context = (tasks: readonly number[], step = 0, model?: Architecture, stepsPerEpoch?: number): o.WeightingContext => ({
  step,
  tasks,
  model: model as Architecture,
  stepsPerEpoch,
});

/** Our implementations on the inputs. */
export function runOurs(inputs: ReferenceInputs): ReferenceOutputs {
  const uncertainty = inputs.uncertainty.map((c) => {
    const T = c.s.length;
    const w = o.uncertaintyWeighting(T, { initialLogVariance: c.s });
    const { value, grads } = tf.variableGrads(
      () =>
        w.combine(
          c.losses.map((l) => tf.scalar(l)),
          context(range(T)),
        ),
      [w.logVariances],
    );
    const out = { objective: value.dataSync()[0], gradS: Array.from(grads[w.logVariances.name].dataSync()), weights: w.weights() };
    tf.dispose([value, ...Object.values(grads)]);
    w.dispose?.();
    return out;
  });

  const dwa = inputs.dwa.map((c) => {
    const w = o.dynamicWeightAverage(c.tasks, { period: "epoch", temperature: c.temperature });
    const weights = c.losses.map((values, step) => {
      const used = w.weights();
      w.observe?.(values, context(range(c.tasks), step, undefined, c.stepsPerEpoch));
      return used;
    });
    return { weights };
  });

  const gradnorm = inputs.gradnorm.map((c) => {
    const dim = c.grads[0][0].length;
    const theta = tf.variable(tf.zeros([dim]), true, `reference_theta_${++thetas}`);
    const model = linearTasks(theta);
    const w = o.gradNorm(c.tasks, { alpha: c.alpha, learningRate: c.learningRate });
    const weights: number[][] = [];
    const updates: number[][] = [];
    c.losses.forEach((values, step) => {
      weights.push(w.weights());
      tf.tidy(() => {
        const taskGrads = c.grads[step].map((g) => ({ [theta.name]: tf.tensor1d(g) }));
        const update = w.combineGradients(taskGrads, values, context(range(c.tasks), step, model));
        updates.push(Array.from(update[theta.name].dataSync()));
      });
    });
    model.dispose();
    return { weights, updates };
  });

  const pcgrad = inputs.pcgrad.map((c) => {
    const projected = o.projectConflicting(
      c.grads.map((g) => Float32Array.from(g)),
      new Rng(c.seed),
    );
    return { update: range(c.grads[0].length).map((d) => projected.reduce((s, p) => s + p[d], 0)) };
  });

  const groupDro = inputs.groupDro.map((c) => {
    const w = o.groupDro(c.tasks, { eta: c.eta });
    return { q: c.losses.map((values, step) => (w.observe?.(values, context(c.tasks_per_step[step], step)), w.q())) };
  });

  return { uncertainty, dwa, gradnorm, pcgrad, groupDro };
}

/**
 * The largest difference between two nested structures of numbers: absolute, or relative to the
 * reference's magnitude, |a − b| / max(1, |b|). Infinity when their shapes differ.
 */
export function maxDiff(a: unknown, b: unknown, relative = false): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) / (relative ? Math.max(1, Math.abs(b)) : 1);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Infinity;
    return a.reduce((m: number, x, i) => Math.max(m, maxDiff(x, b[i], relative)), 0);
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a as object);
    if (keys.length !== Object.keys(b as object).length) return Infinity;
    return keys.reduce((m, k) => Math.max(m, maxDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], relative)), 0);
  }
  return Infinity;
}
