/**
 * Reading tensor values out of a tidy scope. When a tf.tidy callback returns a value, tidy walks
 * it looking for tensors to keep, element by element: returning a Float32Array of a million values
 * cost ~600 ms here, ten times the matrix product that produced it. `tidyRead` runs the callback in
 * a scope that returns nothing, so plain data comes out at no cost.
 */
import * as tf from "@tensorflow/tfjs";

/** Runs `fn` inside tf.tidy and returns its plain-data result (tensors it returns would be disposed). */
export function tidyRead<T>(fn: () => T): T {
  let out!: T;
  tf.tidy(() => {
    out = fn();
  });
  return out;
}
