/**
 * Multiplicative conditioning: a shared network whose hidden features are scaled per task,
 * h ← h ⊙ σ(W_g z + b_g) (gating), or transformed feature-wise, h ← γ(z) ⊙ h + β(z) (FiLM:
 * Perez et al., AAAI 2018). Where the gate is applied matters: `layer` chooses the hidden layer.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Dense, Mlp } from "./dense";
import { Descriptors, type DescriptorConfig } from "./descriptors";
import { constantVariable, uniquePrefix } from "./init";

/** Configuration of gated and FiLM networks. */
export interface MultiplicativeConfig extends CommonConfig {
  /** Hidden layer sizes. Default [32, 32]. */
  hidden?: number[];
  /** Index of the hidden layer whose output is conditioned. Default 0 (the first). */
  layer?: number;
  descriptor?: DescriptorConfig;
}

type Mode = "gate" | "film";

/** A shared MLP with a per-task gate (or FiLM) after one hidden layer. */
export class MultiplicativeConditioned extends BaseArchitecture {
  readonly name: string;
  readonly trunk: Mlp;
  readonly z: Descriptors;
  /** Gate: σ(z W + b). FiLM: γ = 1 + z W_γ, β = z W_β. */
  readonly scale: Dense;
  readonly shift: tf.Variable<tf.Rank.R2> | null;
  readonly layer: number;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];

  constructor(
    config: MultiplicativeConfig,
    readonly mode: Mode,
  ) {
    super(config);
    const hidden = config.hidden ?? [32, 32];
    this.layer = config.layer ?? 0;
    if (this.layer < 0 || this.layer >= hidden.length) throw new Error(`layer ${this.layer} is not a hidden layer index (0..${hidden.length - 1})`);
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix(mode);
    this.z = new Descriptors(config.descriptor ?? { kind: "one-hot" }, this.numTasks, rng, prefix);
    this.trunk = new Mlp(rng, [this.inputDim, ...hidden, this.outputDim], `${prefix}/trunk`);
    const width = hidden[this.layer];
    this.scale = new Dense(rng, this.z.dim, width, mode === "gate" ? "sigmoid" : "linear", `${prefix}/scale`);
    this.shift = null;
    if (mode === "film") {
      // Start as the identity transform (γ = 1, β = 0) so FiLM begins as the plain shared network.
      tf.tidy(() => this.scale.w.assign(tf.zerosLike(this.scale.w)));
      this.shift = constantVariable([this.z.dim, width], 0, `${prefix}/shift`) as tf.Variable<tf.Rank.R2>;
    }
    // The conditioning's bias serves every task (σ(W_g z + b_g): b_g is common), so it is shared;
    // with one-hot z each row of W_g (and of FiLM's shift) belongs to one task.
    this.sharedVariables = [...this.trunk.variables, this.scale.b];
    this.lastSharedVariables = this.trunk.layers[this.trunk.layers.length - 1].variables;
    const conditioning = [...this.scale.variables, ...(this.shift ? [this.shift] : []), ...this.z.variables];
    this.variables = [...this.trunk.variables, ...conditioning];
    this.name = mode === "gate" ? `Multiplicative gating (layer ${this.layer})` : `FiLM (layer ${this.layer})`;
  }

  /** The per-task multiplier (gate σ(·) or FiLM's γ) applied to hidden layer `layer`, [1, width]. */
  multiplier(task: number): tf.Tensor2D {
    const s = this.scale.apply(this.z.row(task));
    return this.mode === "film" ? (s.add(1) as tf.Tensor2D) : s;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const before = this.trunk.applyFirst(x, this.layer + 1);
    const after = this.trunk.layers.slice(this.layer + 1);
    return tasks.map((t) => {
      let h = before.mul(this.multiplier(t)) as tf.Tensor2D;
      if (this.shift) h = h.add(tf.matMul(this.z.row(t), this.shift)) as tf.Tensor2D;
      return after.reduce((acc, layer) => layer.apply(acc), h);
    });
  }

  override dispose(): void {
    super.dispose();
    this.z.dispose();
  }
}

/** Builds a shared network gated per task: h ⊙ σ(W_g z + b_g). */
export function multiplicativeConditioned(config: MultiplicativeConfig): MultiplicativeConditioned {
  return new MultiplicativeConditioned(config, "gate");
}

/** Builds a FiLM-conditioned network: γ(z) ⊙ h + β(z). */
export function film(config: MultiplicativeConfig): MultiplicativeConditioned {
  return new MultiplicativeConditioned(config, "film");
}
