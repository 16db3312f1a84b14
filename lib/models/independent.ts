/**
 * Share nothing: one network per task. With a one-hot z this is multiplicative gating of whole
 * networks, y = Σ_j z_j f_j(x): the descriptor selects a network and no parameter is shared.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Mlp } from "./dense";
import { uniquePrefix } from "./init";

/** Configuration of independent networks. */
export interface IndependentConfig extends CommonConfig {
  /** Hidden layer sizes of each task's network. Default [32]. */
  hidden?: number[];
}

/** T separate MLPs. */
export class Independent extends BaseArchitecture {
  readonly name: string;
  readonly networks: Mlp[];
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[] = [];
  readonly lastSharedVariables: tf.Variable[] = [];

  constructor(config: IndependentConfig) {
    super(config);
    const hidden = config.hidden ?? [32];
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("independent");
    this.networks = Array.from({ length: this.numTasks }, (_, t) => new Mlp(rng, [this.inputDim, ...hidden, this.outputDim], `${prefix}/task${t}`));
    this.variables = this.networks.flatMap((n) => n.variables);
    this.name = `Independent networks (${hidden.join("-")})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    return tasks.map((t) => this.networks[t].apply(x));
  }
}

/** Builds independent networks (share nothing). */
export function independent(config: IndependentConfig): Independent {
  return new Independent(config);
}
