/**
 * Cross-stitch networks (Misra et al., CVPR 2016): one column network per task; after each hidden
 * layer, a learned T × T matrix α mixes the columns, x̃_i = Σ_j α_ij x_j. With α = I the columns
 * are independent networks; with all α_ij equal they share everything.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Mlp } from "./dense";
import { uniquePrefix } from "./init";

/** Configuration of a cross-stitch network. */
export interface CrossStitchConfig extends CommonConfig {
  /** Hidden layer sizes of each column. Default [32, 32]. */
  hidden?: number[];
  /** Initial α_ii; the rest of each row is spread evenly over the other tasks. Default 0.9. */
  alphaSelf?: number;
}

/** Task columns mixed by cross-stitch units after every hidden layer. */
export class CrossStitch extends BaseArchitecture {
  readonly name: string;
  readonly columns: Mlp[];
  /** One T × T α per hidden layer. */
  readonly alphas: tf.Variable<tf.Rank.R2>[];
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];

  constructor(config: CrossStitchConfig) {
    super(config);
    const hidden = config.hidden ?? [32, 32];
    const self = config.alphaSelf ?? 0.9;
    const T = this.numTasks;
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("crossstitch");
    this.columns = Array.from({ length: T }, (_, t) => new Mlp(rng, [this.inputDim, ...hidden, this.outputDim], `${prefix}/col${t}`));
    const off = T > 1 ? (1 - self) / (T - 1) : 0;
    const init = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (i === j ? self : off)));
    this.alphas = hidden.map((_, l) => tf.tidy(() => tf.variable(tf.tensor2d(init), true, `${prefix}/alpha${l}`)));
    // Every task's loss reaches every column's hidden layers through the α units, so those layers
    // and all but the last α are shared. Row i of the last α only feeds task i's output layer, so
    // the last α is task-specific, like the output layers; the last shared layer is the columns'
    // last hidden layer.
    const lastHidden = hidden.length - 1;
    this.sharedVariables = [...this.columns.flatMap((c) => c.layers.slice(0, hidden.length).flatMap((l) => l.variables)), ...this.alphas.slice(0, -1)];
    this.lastSharedVariables = lastHidden >= 0 ? this.columns.flatMap((c) => c.layers[lastHidden].variables) : [];
    this.variables = [...this.columns.flatMap((c) => c.variables), ...this.alphas];
    this.name = `Cross-stitch (${hidden.join("-")})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const T = this.numTasks;
    const hiddenCount = this.alphas.length;
    let hs: tf.Tensor2D[] = this.columns.map(() => x);
    for (let l = 0; l < hiddenCount; l++) {
      const activations = hs.map((h, t) => this.columns[t].layers[l].apply(h));
      // Stack to [T, batch·units], mix with α, unstack: x̃_i = Σ_j α_ij x_j.
      const [batch, units] = activations[0].shape;
      const stacked = tf.stack(activations).reshape([T, batch * units]);
      const mixed = tf.matMul(this.alphas[l], stacked).reshape([T, batch, units]);
      hs = tf.unstack(mixed) as tf.Tensor2D[];
    }
    return tasks.map((t) => this.columns[t].layers[hiddenCount].apply(hs[t]));
  }
}

/** Builds a cross-stitch network. */
export function crossStitch(config: CrossStitchConfig): CrossStitch {
  return new CrossStitch(config);
}
