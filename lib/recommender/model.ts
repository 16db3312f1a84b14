/**
 * The multi-task recommender of homework 2 (after CS330's multi-task homework): user and item
 * embeddings feed two heads. The ranking head is a factorization with biases,
 * s(a, i) = u_a·q_i + b_a + b_i, trained with a BPR loss on (user, rated item, unrated item)
 * triples; the rating head is an MLP over [u, q, u⊙q] that predicts the 1–5 rating. Embeddings
 * are shared by the two heads or separate per head. The MMoE variant keeps both heads exactly as
 * they are and changes only where their embeddings come from: E expert tables shared by the
 * heads, mixed per task by a gate softmax(W_k x) on the one-hot user and item ids x.
 *
 * Inputs are rows [user, item, other item]: task 0 (ranking) outputs s(u, item) − s(u, other),
 * a logit whose BCE against 1 is exactly the BPR loss; task 1 (rating) outputs the rating of item.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture } from "../models/base";
import { Mlp } from "../models/dense";
import { constantVariable, uniquePrefix } from "../models/init";
import { Embedding, embeddingLookup } from "../ops/embedding";

/** The recommender's tasks, in output order. */
export const RECOMMENDER_TASKS = ["ranking", "rating"] as const;

/** Configuration of the recommender. */
export interface RecommenderConfig {
  users: number;
  items: number;
  /** Embedding dimension. Default 8. */
  dim?: number;
  /** One pair of embedding tables for both heads, or one pair per head. Default "shared". */
  embeddings?: "shared" | "separate";
  /** Hidden layers of the rating MLP. Default [16]. */
  ratingHidden?: number[];
  /** "plain": each head reads its tables; "mmoe": each head reads a gated mix of expert tables. Default "plain". */
  mode?: "plain" | "mmoe";
  /** MMoE: number of expert table pairs. Default 2 (the same embedding parameters as "separate"). */
  experts?: number;
  /** Standard deviation of the initial embeddings. Default 0.1. */
  initScale?: number;
  /** Default 0. */
  seed?: number;
}

/** User and item tables: what one head (or one expert) looks users and items up in. */
export class Tables {
  readonly user: Embedding;
  readonly item: Embedding;
  constructor(rng: Rng, users: number, items: number, dim: number, name: string, scale = 0.1) {
    this.user = new Embedding(rng, users, dim, `${name}/user`, scale);
    this.item = new Embedding(rng, items, dim, `${name}/item`, scale);
  }
  get variables(): tf.Variable[] {
    return [this.user.table, this.item.table];
  }
}

/** One task's MMoE gate: logits W_k x = G_user[a] + G_item[i] for the one-hot ids x = [a; i]. */
export class IdGate {
  readonly user: tf.Variable<tf.Rank.R2>;
  readonly item: tf.Variable<tf.Rank.R2>;
  constructor(users: number, items: number, experts: number, name: string) {
    // Zero logits: every gate starts as the even mix, i.e. as shared embeddings.
    this.user = constantVariable([users, experts], 0, `${name}/user`) as tf.Variable<tf.Rank.R2>;
    this.item = constantVariable([items, experts], 0, `${name}/item`) as tf.Variable<tf.Rank.R2>;
  }
  get variables(): tf.Variable[] {
    return [this.user, this.item];
  }
  /** Gate weights softmax(G_user[a] + G_item[i]), [batch, experts]. */
  apply(users: tf.Tensor1D, items: tf.Tensor1D): tf.Tensor2D {
    return tf.softmax(embeddingLookup(this.user, users).add(embeddingLookup(this.item, items))) as tf.Tensor2D;
  }
}

/** The two-head recommender; see the file comment for its inputs and outputs. */
export class Recommender extends BaseArchitecture {
  readonly name: string;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];
  /** Plain: one pair (shared) or one per head (separate). MMoE: the expert tables. */
  readonly tables: Tables[];
  /** MMoE: one gate per task (empty otherwise). */
  readonly gates: IdGate[];
  /** b_a of the factorization head: only the ranking task reads it, so it is never shared. */
  readonly userBias: tf.Variable<tf.Rank.R2>;
  /** b_i of the factorization head, the ranking task's too. */
  readonly itemBias: tf.Variable<tf.Rank.R2>;
  readonly ratingMlp: Mlp;

  constructor(readonly config: RecommenderConfig) {
    super({ inputDim: 3, numTasks: 2, seed: config.seed });
    const rng = new Rng(config.seed ?? 0);
    const dim = config.dim ?? 8;
    const scale = config.initScale ?? 0.1;
    const prefix = uniquePrefix("recommender");
    const mmoe = config.mode === "mmoe";
    const separate = !mmoe && config.embeddings === "separate";
    const experts = config.experts ?? 2;
    if (mmoe && !(Number.isInteger(experts) && experts >= 1)) throw new Error(`recommender: experts must be a positive whole number, got ${experts}`);
    const table = (name: string) => new Tables(rng, config.users, config.items, dim, `${prefix}/${name}`, scale);
    this.tables = mmoe ? Array.from({ length: experts }, (_, e) => table(`expert${e}`)) : separate ? [table("rank"), table("rate")] : [table("shared")];
    this.gates = mmoe ? RECOMMENDER_TASKS.map((t) => new IdGate(config.users, config.items, experts, `${prefix}/gate_${t}`)) : [];
    this.userBias = constantVariable([config.users, 1], 0, `${prefix}/rank/user_bias`) as tf.Variable<tf.Rank.R2>;
    this.itemBias = constantVariable([config.items, 1], 0, `${prefix}/rank/item_bias`) as tf.Variable<tf.Rank.R2>;
    this.ratingMlp = new Mlp(rng, [3 * dim, ...(config.ratingHidden ?? [16]), 1], `${prefix}/rating`);
    // Ratings sit around 3: starting the output there spares the first steps of training.
    tf.tidy(() => this.ratingMlp.layers[this.ratingMlp.layers.length - 1].b.assign(tf.fill([1], 3)));
    const embeddingVars = this.tables.flatMap((t) => t.variables);
    this.variables = [...embeddingVars, ...this.gates.flatMap((g) => g.variables), this.userBias, this.itemBias, ...this.ratingMlp.variables];
    this.sharedVariables = separate ? [] : embeddingVars;
    this.lastSharedVariables = separate ? [] : this.tables.map((t) => t.item.table);
    this.name = mmoe ? `MMoE embeddings (${experts} experts)` : `${separate ? "separate" : "shared"} embeddings`;
  }

  /** Whether this is the MMoE variant. */
  get isMmoe(): boolean {
    return this.gates.length > 0;
  }

  /** The user and item embeddings head `task` reads for (user, item) pairs, [batch, dim] each. */
  embed(users: tf.Tensor1D, items: tf.Tensor1D, task: number): { u: tf.Tensor2D; q: tf.Tensor2D } {
    const ids = { users: users.dtype === "int32" ? users : users.toInt(), items: items.dtype === "int32" ? items : items.toInt() };
    if (!this.isMmoe) {
      const t = this.tables[Math.min(task, this.tables.length - 1)];
      return { u: t.user.apply(ids.users), q: t.item.apply(ids.items) };
    }
    // Σ_e g_e · table_e: the gate weights [B, 1, E] times the stacked expert rows [B, E, dim].
    const g = this.gates[task].apply(ids.users, ids.items).expandDims(1);
    const mix = (rows: tf.Tensor2D[]) => g.matMul(tf.stack(rows, 1)).squeeze([1]) as tf.Tensor2D;
    return { u: mix(this.tables.map((t) => t.user.apply(ids.users))), q: mix(this.tables.map((t) => t.item.apply(ids.items))) };
  }

  /** Ranking scores s(a, i) = u_a·q_i + b_a + b_i of (user, item) pairs, [batch, 1]. */
  score(users: tf.Tensor1D, items: tf.Tensor1D): tf.Tensor2D {
    const { u, q } = this.embed(users, items, 0);
    // embeddingLookup rather than tf.gather: the latter's gradient has no WASM kernel.
    return u.mul(q).sum(1, true).add(embeddingLookup(this.userBias, users.toInt())).add(embeddingLookup(this.itemBias, items.toInt())) as tf.Tensor2D;
  }

  /** Predicted ratings of (user, item) pairs, [batch, 1]: the MLP over [u, q, u⊙q]. */
  rate(users: tf.Tensor1D, items: tf.Tensor1D): tf.Tensor2D {
    const { u, q } = this.embed(users, items, 1);
    return this.ratingMlp.apply(tf.concat([u, q, u.mul(q)], 1) as tf.Tensor2D);
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const [users, items, others] = tf.unstack(x, 1) as tf.Tensor1D[];
    return tasks.map((task) => {
      if (task === 1) return this.rate(users, items);
      // Rated and sampled items in one pass: half the lookups and kernel launches of two passes.
      const [pos, neg] = tf.split(this.score(tf.concat([users, users]), tf.concat([items, others])), 2, 0);
      return pos.sub(neg) as tf.Tensor2D;
    });
  }
}

/** A recommender (see Recommender). */
export function recommender(config: RecommenderConfig): Recommender {
  return new Recommender(config);
}
