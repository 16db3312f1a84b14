/**
 * Task descriptors z_i for the conditioned architectures: one-hot by default, fixed feature
 * vectors when given, or a learned embedding (a trainable T × d table).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";

/** How tasks are described to a conditioned model. */
export type DescriptorConfig = { kind: "one-hot" } | { kind: "features"; features: number[][] } | { kind: "learned"; dim: number };

/** The descriptor table of a model: row i is z_i. */
export class Descriptors {
  readonly table: tf.Tensor2D;
  readonly variable: tf.Variable<tf.Rank.R2> | null;
  readonly dim: number;

  constructor(config: DescriptorConfig, numTasks: number, rng: Rng, name: string) {
    if (config.kind === "one-hot") {
      this.table = tf.keep(tf.oneHot(tf.range(0, numTasks, 1, "int32"), numTasks).toFloat() as tf.Tensor2D);
      this.variable = null;
    } else if (config.kind === "features") {
      if (config.features.length !== numTasks) throw new Error(`descriptors: ${config.features.length} feature rows for ${numTasks} tasks`);
      this.table = tf.keep(tf.tensor2d(config.features));
      this.variable = null;
    } else {
      const values = rng.normals(numTasks * config.dim, 0, 0.1);
      this.variable = tf.tidy(() => tf.variable(tf.tensor2d(values, [numTasks, config.dim]), true, `${name}/z`));
      this.table = this.variable;
    }
    this.dim = this.table.shape[1];
  }

  /** z_task as a [1, dim] row. */
  row(task: number): tf.Tensor2D {
    return tf.slice(this.table, [task, 0], [1, this.dim]);
  }

  get variables(): tf.Variable[] {
    return this.variable ? [this.variable] : [];
  }

  dispose(): void {
    if (!this.variable) this.table.dispose();
  }
}
