/**
 * Adam with one flat state vector for all variables, updated in JavaScript.
 *
 * tf.train.adam updates each variable with about a dozen small kernels; on the WASM backend each
 * kernel costs microseconds of dispatch, so a model with 20–30 variables spent 2–3 ms per step in
 * the optimizer alone (more than its matmuls). A first flat version ran the arithmetic once on the
 * concatenated gradients, but still cost 3 kernels per variable (reshape, split, add) plus a dozen:
 * ~50 kernels for an MMoE. This one reads each gradient and weight once, runs the update in a
 * JavaScript loop over the flat state (float32 state, double arithmetic) and writes each weight
 * back: no kernels at all. The kit runs on CPU-side backends (wasm, cpu, node), where reading a
 * tensor is a memory copy. The loop costs per parameter what the kernels cost per variable, so
 * models above JS_UPDATE_LIMIT parameters keep the kernel version (measured: a 784-256-10 MLP's
 * step was 1.26× slower with the loop, the course's MMoE and ranker steps 0.77–0.86× faster). The arithmetic is tf.train.adam's (Kingma & Ba, 2015):
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

/** Above this many parameters the update runs as WASM kernels, below it as a JavaScript loop. */
export const JS_UPDATE_LIMIT = 50_000;

type NamedGrads = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/** Adam whose update is one JavaScript loop (small models) or a few kernels (large ones), whatever the number of variables. */
export class FlatAdam extends tf.Optimizer {
  static get className(): string {
    return "FlatAdam";
  }
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private names: string[] | null = null;
  private m: Float32Array | null = null;
  private v: Float32Array | null = null;
  private mT: tf.Variable | null = null;
  private vT: tf.Variable | null = null;
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
    const entries = Array.isArray(variableGradients) ? variableGradients.map((e) => [e.name, e.tensor] as const) : Object.entries(variableGradients);
    const present = entries.filter(([, g]) => g != null);
    if (!present.length) return;
    const names = present.map(([n]) => n);
    const variables = names.map((n) => {
      const variable = tf.engine().registeredVariables[n];
      if (!variable) throw new Error(`FlatAdam: no variable named ${n}`);
      if (variable.dtype !== "float32") throw new Error(`FlatAdam: variable ${n} is ${variable.dtype}; Adam trains float32 variables`);
      return variable;
    });
    const size = variables.reduce((s, x) => s + x.size, 0);
    if (!this.names || this.names.join("\u0000") !== names.join("\u0000")) {
      // A new set of variables (first step, or a different model): start fresh state.
      this.disposeState();
      this.names = names;
      if (size <= JS_UPDATE_LIMIT) {
        this.m = new Float32Array(size);
        this.v = new Float32Array(size);
      } else {
        this.mT = tf.tidy(() => tf.variable(tf.zeros([size]), false));
        this.vT = tf.tidy(() => tf.variable(tf.zeros([size]), false));
      }
      this.t = 0;
    }
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon: eps, t } = this;
    const lrT = (this.learningRate * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
    // Same update as tf.train.adam, folded into one step size (eps scaled the same way).
    const epsT = eps * Math.sqrt(1 - Math.pow(b2, t));
    if (this.mT && this.vT) {
      const [mT, vT] = [this.mT, this.vT];
      tf.tidy(() => {
        const g = tf.concat(present.map(([, grad]) => tf.reshape(grad, [-1])));
        const m = mT.mul(b1).add(g.mul(1 - b1));
        const v = vT.mul(b2).add(g.square().mul(1 - b2));
        mT.assign(m);
        vT.assign(v);
        const step = m.div(v.sqrt().add(epsT)).mul(-lrT);
        const parts = tf.split(
          step,
          variables.map((x) => x.size),
        );
        variables.forEach((x, i) => x.assign(x.add(parts[i].reshape(x.shape))));
      });
      this.incrementIterations();
      return;
    }
    const m = this.m!;
    const v = this.v!;
    let offset = 0;
    variables.forEach((x, i) => {
      const g = present[i][1].dataSync();
      const theta = x.dataSync() as Float32Array;
      const next = new Float32Array(theta.length);
      for (let k = 0, o = offset; k < theta.length; k++, o++) {
        const gk = g[k];
        const mk = (m[o] = b1 * m[o] + (1 - b1) * gk);
        const vk = (v[o] = b2 * v[o] + (1 - b2) * gk * gk);
        next[k] = theta[k] - (lrT * mk) / (Math.sqrt(vk) + epsT);
      }
      offset += theta.length;
      tf.tidy(() => x.assign(tf.tensor(next, x.shape, "float32")));
    });
    this.incrementIterations();
  }

  /** Frees the optimizer state. */
  override dispose(): void {
    this.disposeState();
    super.dispose();
  }

  private disposeState(): void {
    this.mT?.dispose();
    this.vT?.dispose();
    this.mT = this.vT = null;
    this.m = this.v = null;
    this.names = null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override async getWeights(): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
    // The kernel path's state is the optimizer's own; the loop's comes as new tensors the caller owns.
    if (this.mT && this.vT)
      return [
        { name: "m", tensor: this.mT },
        { name: "v", tensor: this.vT },
      ];
    return this.m && this.v
      ? [
          { name: "m", tensor: tf.tensor1d(this.m) },
          { name: "v", tensor: tf.tensor1d(this.v) },
        ]
      : [];
  }

  override async setWeights(): Promise<void> {
    throw new Error("FlatAdam does not restore saved optimizer state");
  }
}

/** A FlatAdam optimizer (drop-in for tf.train.adam). */
export function flatAdam(config: AdamConfig = {}): FlatAdam {
  return new FlatAdam(config);
}
