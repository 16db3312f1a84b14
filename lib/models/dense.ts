/**
 * Dense layers and multi-layer perceptrons: the building blocks every architecture is made of.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { constantVariable, glorotVariable } from "./init";

/** Activation after a dense layer. */
export type Activation = "relu" | "linear" | "sigmoid";

/** A dense layer y = act(x W + b). */
export class Dense {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable;
  constructor(
    rng: Rng,
    readonly inputDim: number,
    readonly units: number,
    readonly activation: Activation,
    name: string,
  ) {
    this.w = glorotVariable(rng, inputDim, units, `${name}/w`);
    this.b = constantVariable([units], 0, `${name}/b`);
  }

  /** Applies the layer; the fused kernel does matmul, bias and activation in one call. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.w, bias: this.b, activation: this.activation }) as tf.Tensor2D;
  }

  get variables(): tf.Variable[] {
    return [this.w, this.b];
  }
}

/** A stack of dense layers: ReLU on hidden layers, `outputActivation` on the last. */
export class Mlp {
  readonly layers: Dense[];
  constructor(rng: Rng, sizes: readonly number[], name: string, outputActivation: Activation = "linear") {
    if (sizes.length < 2) throw new Error(`Mlp ${name}: needs at least input and output sizes, got [${sizes}]`);
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const last = i + 2 === sizes.length;
      this.layers.push(new Dense(rng, sizes[i], sizes[i + 1], last ? outputActivation : "relu", `${name}/l${i}`));
    }
  }

  /** Applies every layer in turn. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.layers.reduce((h, layer) => layer.apply(h), x);
  }

  /** Output of the first `count` layers only. */
  applyFirst(x: tf.Tensor2D, count: number): tf.Tensor2D {
    return this.layers.slice(0, count).reduce((h, layer) => layer.apply(h), x);
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  get outputDim(): number {
    return this.layers[this.layers.length - 1].units;
  }
}
