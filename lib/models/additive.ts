/**
 * Additive conditioning: the first layer computes W_x x + W_z z + b, a task-dependent bias
 * (Dumoulin et al., "Feature-wise transformations", Distill 2018). It equals concatenation,
 * because W [x; z] = W_x x + W_z z; `additiveFromConcat` builds the twin that shows it numerically.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import type { ConcatConditioned } from "./concat";
import { Mlp } from "./dense";
import { Descriptors, type DescriptorConfig } from "./descriptors";
import { constantVariable, glorotVariable, uniquePrefix } from "./init";

/** Configuration of an additively conditioned network. */
export interface AdditiveConfig extends CommonConfig {
  /** Hidden layer sizes (at least one). Default [32]. */
  hidden?: number[];
  descriptor?: DescriptorConfig;
}

/** First layer W_x x + W_z z + b, then an MLP. */
export class AdditiveConditioned extends BaseArchitecture {
  readonly name: string;
  readonly wx: tf.Variable<tf.Rank.R2>;
  readonly wz: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable;
  readonly rest: Mlp;
  readonly z: Descriptors;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];

  constructor(config: AdditiveConfig) {
    super(config);
    const hidden = config.hidden ?? [32];
    if (!hidden.length) throw new Error("additive conditioning needs at least one hidden layer");
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("additive");
    this.z = new Descriptors(config.descriptor ?? { kind: "one-hot" }, this.numTasks, rng, prefix);
    this.wx = glorotVariable(rng, this.inputDim, hidden[0], `${prefix}/wx`);
    this.wz = glorotVariable(rng, this.z.dim, hidden[0], `${prefix}/wz`);
    this.b = constantVariable([hidden[0]], 0, `${prefix}/b`);
    this.rest = new Mlp(rng, [...hidden, this.outputDim], `${prefix}/rest`);
    // With one-hot descriptors (given as such, or as feature rows that are one-hot, as
    // additiveFromConcat passes them) row t of W_z is task t's own bias, used by no other task: not shared.
    const descriptor = config.descriptor ?? { kind: "one-hot" };
    const oneHotZ = descriptor.kind === "one-hot" || (descriptor.kind === "features" && isOneHotTable(descriptor.features));
    this.sharedVariables = [this.wx, ...(oneHotZ ? [] : [this.wz]), this.b, ...this.rest.variables];
    this.lastSharedVariables = this.rest.layers[this.rest.layers.length - 1].variables;
    this.variables = [this.wx, this.wz, this.b, ...this.rest.variables, ...this.z.variables];
    this.name = `Additive (${hidden.join("-")})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const xPart = tf.matMul(x, this.wx);
    return tasks.map((t) => {
      const bias = tf.matMul(this.z.row(t), this.wz).add(this.b); // [1, h]: the task-dependent bias
      return this.rest.apply(tf.relu(xPart.add(bias)) as tf.Tensor2D);
    });
  }

  /** The task-dependent bias W_z z_t + b of each task, as plain arrays (for plots). */
  taskBiases(): number[][] {
    return tf.tidy(() => tf.matMul(this.z.table, this.wz).add(this.b).arraySync() as number[][]);
  }

  override dispose(): void {
    super.dispose();
    this.z.dispose();
  }
}

/** True when every row has a single 1 (the rest 0) and no two rows share it. */
function isOneHotTable(rows: readonly number[][]): boolean {
  const hot = rows.map((r) => (r.filter((v) => v === 1).length === 1 && r.every((v) => v === 0 || v === 1) ? r.indexOf(1) : -1));
  return hot.every((h) => h >= 0) && new Set(hot).size === hot.length;
}

/** Builds an additively conditioned network. */
export function additiveConditioned(config: AdditiveConfig): AdditiveConditioned {
  return new AdditiveConditioned(config);
}

/** An additive model with the same weights as a concatenation model: W_x, W_z are W's row blocks. */
export function additiveFromConcat(concat: ConcatConditioned): AdditiveConditioned {
  const zDim = concat.z.dim;
  const model = new AdditiveConditioned({
    inputDim: concat.inputDim,
    numTasks: concat.numTasks,
    outputDim: concat.outputDim,
    hidden: concat.hidden,
    descriptor: { kind: "features", features: concat.z.table.arraySync() as number[][] },
  });
  const first = concat.net.layers[0];
  tf.tidy(() => {
    model.wx.assign(tf.slice(first.w, [0, 0], [concat.inputDim, first.units]));
    model.wz.assign(tf.slice(first.w, [concat.inputDim, 0], [zDim, first.units]));
    model.b.assign(first.b);
    concat.net.layers.slice(1).forEach((layer, i) => {
      model.rest.layers[i].w.assign(layer.w);
      model.rest.layers[i].b.assign(layer.b);
    });
  });
  return model;
}
