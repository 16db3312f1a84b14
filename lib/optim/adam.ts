/**
 * Adam with one flat state vector for all variables.
 *
 * tf.train.adam updates each variable with about a dozen small kernels; on the WASM backend each
 * kernel costs microseconds of dispatch, so a model with 20–30 variables spent 2–3 ms per step in
 * the optimizer alone (more than its matmuls). This optimizer concatenates the gradients, runs the
 * Adam arithmetic once on the flat vector, and splits the result back: a handful of kernels per
 * step whatever the number of variables. The arithmetic is tf.train.adam's (Kingma & Ba, 2015):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
 */
import * as tf from "@tensorflow/tfjs";

/** Adam's settings; defaults are tf.train.adam's except the learning rate. */
export interface AdamConfig {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

type NamedGrads = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/** Adam whose update is a few kernels per step, whatever the number of variables. */
export class FlatAdam extends tf.Optimizer {
  static get className(): string {
    return "FlatAdam";
  }
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private names: string[] | null = null;
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  private t = 0;

  constructor(config: AdamConfig = {}) {
    super();
    this.learningRate = config.learningRate ?? 0.001;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-7;
  }

  /** Applies one Adam step to the named variables. */
  override applyGradients(variableGradients: NamedGrads): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((e) => [e.name, e.tensor] as const)
      : Object.entries(variableGradients);
    const present = entries.filter(([, g]) => g != null);
    if (!present.length) return;
    const names = present.map(([n]) => n);
    const variables = names.map((n) => {
      const variable = tf.engine().registeredVariables[n];
      if (!variable) throw new Error(`FlatAdam: no variable named ${n}`);
      return variable;
    });
    const size = variables.reduce((s, x) => s + x.size, 0);
    if (!this.names || this.names.join("\u0000") !== names.join("\u0000")) {
      // A new set of variables (first step, or a different model): start fresh state.
      this.disposeState();
      this.names = names;
      this.m = tf.tidy(() => tf.variable(tf.zeros([size]), false));
      this.v = tf.tidy(() => tf.variable(tf.zeros([size]), false));
      this.t = 0;
    }
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon: eps, t } = this;
    const lrT = (this.learningRate * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
    tf.tidy(() => {
      const g = tf.concat(present.map(([, grad]) => tf.reshape(grad, [-1])));
      const m = this.m!.mul(b1).add(g.mul(1 - b1));
      const v = this.v!.mul(b2).add(g.square().mul(1 - b2));
      this.m!.assign(m);
      this.v!.assign(v);
      // Same update as tf.train.adam, folded into one step size (eps scaled the same way).
      const step = m.div(v.sqrt().add(eps * Math.sqrt(1 - Math.pow(b2, t)))).mul(-lrT);
      const parts = tf.split(step, variables.map((x) => x.size));
      variables.forEach((x, i) => x.assign(x.add(parts[i].reshape(x.shape))));
    });
    this.incrementIterations();
  }

  /** Frees the optimizer state. */
  override dispose(): void {
    this.disposeState();
    super.dispose();
  }

  private disposeState(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = this.v = null;
    this.names = null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override async getWeights(): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
    return this.m && this.v ? [{ name: "m", tensor: this.m }, { name: "v", tensor: this.v }] : [];
  }

  override async setWeights(): Promise<void> {
    throw new Error("FlatAdam does not restore saved optimizer state");
  }
}

/** A FlatAdam optimizer (drop-in for tf.train.adam). */
export function flatAdam(config: AdamConfig = {}): FlatAdam {
  return new FlatAdam(config);
}
