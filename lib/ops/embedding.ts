/**
 * Embedding lookup that trains on every backend. tf.gather's gradient needs the kernel
 * UnsortedSegmentSum, which the WASM backend lacks ("Kernel 'UnsortedSegmentSum' not registered for
 * backend 'wasm'"), so every embedding model failed there. The forward pass still gathers rows; the
 * gradient with respect to the table is a scatter-add of dy's rows at the ids, done in JavaScript.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";

/** Rows `ids` of `table`, with a gradient for the table that works on WASM. */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const vocab = table.shape[0];
  // The ids are read once here and closed over, not passed to customGrad: as an input they would
  // need a zero gradient of their own and a saved copy (three more kernels per lookup, measured in
  // bench/). Reading them is free on the CPU-side backends (wasm, cpu, node) this kit runs on.
  const idValues = ids.dataSync();
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const t = args[0] as tf.Tensor2D;
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor) => {
        // A scatter-add in JavaScript: B·d additions, where oneHot(ids)ᵀ · dy costs a [vocab, B]
        // one-hot and a B·vocab·d product (most of a recommender's step on WASM).
        const g = dy.dataSync();
        const dim = dy.shape[1] as number;
        const out = new Float32Array(vocab * dim);
        for (let r = 0; r < idValues.length; r++) {
          const o = idValues[r] * dim;
          const s = r * dim;
          for (let k = 0; k < dim; k++) out[o + k] += g[s + k];
        }
        return tf.tensor2d(out, [vocab, dim]);
      },
    };
  });
  return (lookup as unknown as (t: tf.Tensor) => tf.Tensor2D)(table);
}

/** A seeded embedding table (values ~ N(0, scale²)). */
export class Embedding {
  readonly table: tf.Variable<tf.Rank.R2>;
  constructor(
    rng: Rng,
    readonly vocab: number,
    readonly dim: number,
    name: string,
    scale = 0.05,
  ) {
    const values = rng.normals(vocab * dim, 0, scale);
    this.table = tf.tidy(() => tf.variable(tf.tensor2d(values, [vocab, dim]), true, name));
  }

  /** Embeddings of integer ids given as a float or int tensor of shape [batch]. */
  apply(ids: tf.Tensor1D): tf.Tensor2D {
    return embeddingLookup(this.table, ids.dtype === "int32" ? ids : ids.toInt());
  }
}
