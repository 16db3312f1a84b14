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
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, i, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([i]);
    return {
      value: tf.gather(t as tf.Tensor2D, i as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // A scatter-add in JavaScript: B·d additions, where oneHot(ids)ᵀ · dy costs a [vocab, B]
        // one-hot and a B·vocab·d product (most of a recommender's step on WASM). Reading dy
        // synchronously is free on the CPU-side backends (wasm, cpu, node) this kit runs on.
        const ids = saved[0].dataSync();
        const g = dy.dataSync();
        const dim = dy.shape[1] as number;
        const out = new Float32Array(vocab * dim);
        for (let r = 0; r < ids.length; r++) {
          const o = ids[r] * dim;
          const s = r * dim;
          for (let k = 0; k < dim; k++) out[o + k] += g[s + k];
        }
        // The ids are integers: they get a zero gradient.
        return [tf.tensor2d(out, [vocab, dim]), tf.zerosLike(saved[0])];
      },
    };
  });
  return (lookup as unknown as (t: tf.Tensor, i: tf.Tensor) => tf.Tensor2D)(table, ids);
}

/** A seeded embedding table (values ~ N(0, scale²)). */
export class Embedding {
  readonly table: tf.Variable<tf.Rank.R2>;
  constructor(rng: Rng, readonly vocab: number, readonly dim: number, name: string, scale = 0.05) {
    const values = rng.normals(vocab * dim, 0, scale);
    this.table = tf.tidy(() => tf.variable(tf.tensor2d(values, [vocab, dim]), true, name));
  }

  /** Embeddings of integer ids given as a float or int tensor of shape [batch]. */
  apply(ids: tf.Tensor1D): tf.Tensor2D {
    return embeddingLookup(this.table, ids.dtype === "int32" ? ids : ids.toInt());
  }
}
