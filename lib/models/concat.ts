/**
 * Share everything, condition by concatenation: one network on [x; z] (course outline §2).
 * Its first layer computes W [x; z] + b, which is the additive form W_x x + W_z z + b
 * (see additive.ts): the task descriptor acts as a task-dependent bias.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, tileRow, type CommonConfig } from "./base";
import { Mlp } from "./dense";
import { Descriptors, type DescriptorConfig } from "./descriptors";
import { uniquePrefix } from "./init";

/** Configuration of a concatenation-conditioned network. */
export interface ConcatConfig extends CommonConfig {
  /** Hidden layer sizes. Default [32]. */
  hidden?: number[];
  /** How tasks are described. Default one-hot. */
  descriptor?: DescriptorConfig;
}

/** One MLP on [x; z_task]. */
export class ConcatConditioned extends BaseArchitecture {
  readonly name: string;
  readonly net: Mlp;
  readonly z: Descriptors;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];
  readonly hidden: number[];

  constructor(config: ConcatConfig) {
    super(config);
    this.hidden = config.hidden ?? [32];
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("concat");
    this.z = new Descriptors(config.descriptor ?? { kind: "one-hot" }, this.numTasks, rng, prefix);
    this.net = new Mlp(rng, [this.inputDim + this.z.dim, ...this.hidden, this.outputDim], `${prefix}/net`);
    // Every weight serves all tasks; a learned descriptor row is the only task-specific part.
    this.sharedVariables = this.net.variables;
    this.lastSharedVariables = this.net.layers[this.net.layers.length - 1].variables;
    this.variables = [...this.net.variables, ...this.z.variables];
    this.name = `Concatenation (${this.hidden.join("-")})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const batch = x.shape[0];
    return tasks.map((t) => this.net.apply(tf.concat([x, tileRow(this.z.row(t), batch)], 1)));
  }

  override dispose(): void {
    super.dispose();
    this.z.dispose();
  }
}

/** Builds a network conditioned by concatenating z to the input. */
export function concatConditioned(config: ConcatConfig): ConcatConditioned {
  return new ConcatConditioned(config);
}
