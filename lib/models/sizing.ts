/** Sizing architectures to a common parameter budget, so comparisons are made at equal size. */
import * as tf from "@tensorflow/tfjs";
import { tidyRead } from "../ops/read";
import type { Architecture } from "./architecture";

/**
 * The width w in [min, max] whose model has the parameter count closest to `target`, assuming the
 * count grows with w (binary search; each probe builds and frees a model).
 */
export function matchParameters(target: number, make: (width: number) => Architecture, range: [number, number] = [1, 1024]): number {
  const count = (w: number) => {
    const m = make(w);
    const n = m.parameterCount();
    m.dispose();
    return n;
  };
  let [lo, hi] = range;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (count(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  // lo is the first width at or above the target; its left neighbour may be closer.
  return lo > range[0] && Math.abs(count(lo - 1) - target) <= Math.abs(count(lo) - target) ? lo - 1 : lo;
}

/** One design sized to a budget: its width and resulting parameter count. */
export interface SizedDesign {
  name: string;
  width: number;
  parameters: number;
}

/**
 * Sizes every design to the same parameter budget (see `matchParameters`) and checks that each
 * lands within `tolerance` (relative) of it, so a comparison is made at equal size. Equal depth is
 * the caller's part: give makers with the same number of hidden layers on every path from input to
 * output, or a deeper design wins by depth, not by how it shares.
 */
export function matchDesigns(
  target: number,
  makers: Record<string, (width: number) => Architecture>,
  range: [number, number] = [1, 1024],
  tolerance = 0.1,
): SizedDesign[] {
  return Object.entries(makers).map(([name, make]) => {
    const width = matchParameters(target, make, range);
    const model = make(width);
    const parameters = model.parameterCount();
    model.dispose();
    if (!(Math.abs(parameters - target) <= tolerance * target)) {
      throw new Error(
        `${name}: the closest width (${width}) gives ${parameters} parameters, not within ${Math.round(tolerance * 100)}% of ${target}; widen the range`,
      );
    }
    return { name, width, parameters };
  });
}

/** How a model's parameters divide between tasks. */
export interface ParameterSharing {
  total: number;
  /** Scalars whose value changes the outputs of two or more tasks. */
  shared: number;
  /** Scalars that change the output of exactly one task. */
  taskSpecific: number;
  /** Scalars that changed no output on the probe inputs (e.g. dead ReLU units). */
  unused: number;
  /** shared / total. */
  sharedFraction: number;
}

/**
 * Measures which parameters each task's output depends on, from the gradients of every task's
 * output on probe inputs: a scalar is shared when its gradient is non-zero for at least two tasks.
 * This counts what the forward pass does, not how variables are grouped: the rows of a
 * concatenation model's first layer that see a one-hot z_i serve task i alone, and a cross-stitch
 * column mixed into the others by α serves every task.
 */
export function parameterSharing(model: Architecture, probe: tf.Tensor2D): ParameterSharing {
  const reach = model.variables.map((v) => new Uint8Array(v.size));
  for (let t = 0; t < model.numTasks; t++) {
    // Variables task t never touches get no gradient at all (undefined).
    const grads = tidyRead(() => {
      const { grads: g } = tf.variableGrads(() => model.forward(probe, [t])[0].sum() as tf.Scalar, model.variables as tf.Variable[]);
      return model.variables.map((v) => g[v.name]?.dataSync());
    });
    grads.forEach((g, k) => {
      if (g) for (let i = 0; i < g.length; i++) if (g[i] !== 0) reach[k][i]++;
    });
  }
  let shared = 0;
  let taskSpecific = 0;
  let unused = 0;
  for (const r of reach) {
    for (let i = 0; i < r.length; i++) {
      if (r[i] >= 2) shared++;
      else if (r[i] === 1) taskSpecific++;
      else unused++;
    }
  }
  const total = shared + taskSpecific + unused;
  return { total, shared, taskSpecific, unused, sharedFraction: shared / total };
}
