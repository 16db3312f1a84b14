/**
 * Seeded weight initialisation. Weights are drawn from the kit's Rng in JavaScript and then made
 * into tensors, so the same seed gives the same weights on every backend.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";

let counter = 0;

/** A prefix that makes variable names unique (tfjs registers variables by name). */
export function uniquePrefix(label: string): string {
  counter += 1;
  return `${label.replace(/[^A-Za-z0-9_]/g, "_")}_${counter}`;
}

/** A [fanIn, fanOut] variable with Glorot-uniform values (Glorot & Bengio, 2010). */
export function glorotVariable(rng: Rng, fanIn: number, fanOut: number, name: string): tf.Variable<tf.Rank.R2> {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  // tf.variable shares the initial tensor's data but leaves it alive: tidy disposes it.
  return tf.tidy(() => tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true, name));
}

/** A variable filled with one value. */
export function constantVariable(shape: number[], value: number, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), true, name));
}
