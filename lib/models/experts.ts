/**
 * A bank of expert networks evaluated as one matrix product: E one-layer ReLU experts of U units
 * are a single [d, E·U] weight, so the WASM backend runs one large matmul instead of E small ones.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { Dense } from "./dense";

/** E ReLU experts with U units each, stored side by side. */
export class ExpertBank {
  readonly layer: Dense;
  constructor(
    rng: Rng,
    inputDim: number,
    readonly count: number,
    readonly units: number,
    name: string,
  ) {
    this.layer = new Dense(rng, inputDim, count * units, "relu", name);
  }

  /** All expert outputs, [batch, E, U]. */
  apply(x: tf.Tensor2D): tf.Tensor3D {
    return this.layer.apply(x).reshape([x.shape[0], this.count, this.units]);
  }

  get variables(): tf.Variable[] {
    return this.layer.variables;
  }
}

/**
 * Softmax gates for G gate heads over E experts as one product: [batch, G, E]. With dropout p in
 * training, each gate weight is zeroed with probability p and the rest renormalised to sum to one
 * (the YouTube ranking paper's remedy for gates that polarise onto one expert).
 */
export class GateBank {
  readonly layer: Dense;
  constructor(
    rng: Rng,
    inputDim: number,
    readonly heads: number,
    readonly experts: number,
    name: string,
  ) {
    this.layer = new Dense(rng, inputDim, heads * experts, "linear", name);
    // Start from uniform gates: Glorot weights on wide inputs give logits with std ≈ 1, so gates
    // would begin polarised onto a few experts by chance, and training would depend on the seed.
    tf.tidy(() => this.layer.w.assign(this.layer.w.mul(0.01)));
  }

  /** Gate weights [batch, G, E]; `dropout` > 0 with `rng` applies gate dropout. */
  apply(x: tf.Tensor2D, dropout = 0, rng?: Rng): tf.Tensor3D {
    const logits = this.layer.apply(x).reshape([x.shape[0], this.heads, this.experts]);
    const gates = tf.softmax(logits) as tf.Tensor3D;
    if (!(dropout > 0) || !rng) return gates;
    const n = gates.size;
    const E = this.experts;
    const mask = new Float32Array(n);
    for (let row = 0; row < n; row += E) {
      let kept = 0;
      for (let e = 0; e < E; e++) {
        const keep = rng.next() >= dropout;
        mask[row + e] = keep ? 1 : 0;
        kept += keep ? 1 : 0;
      }
      // A row with every expert dropped keeps one at random, so its weights can be renormalised.
      if (kept === 0) mask[row + rng.int(E)] = 1;
    }
    const masked = gates.mul(tf.tensor3d(mask, gates.shape as [number, number, number]));
    return masked.div(masked.sum(2, true)) as tf.Tensor3D;
  }

  get variables(): tf.Variable[] {
    return this.layer.variables;
  }
}
