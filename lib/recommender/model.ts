/**
 * The multi-task recommender of homework 2 (after CS330's multi-task homework): user and item
 * embeddings feed two heads. The ranking head is a factorization, s(u, i) = u·q_i + b_i, trained
 * with a BPR loss on (user, rated item, unrated item) triples; the rating head is an MLP over
 * [u, q, u⊙q] that predicts the 1–5 rating. Embeddings are shared by the two heads or separate per
 * head; the MMoE variant puts experts with per-task gates between the features and the heads.
 *
 * Inputs are rows [user, item, other item]: task 0 (ranking) outputs s(u, item) − s(u, other),
 * a logit whose BCE against 1 is exactly the BPR loss; task 1 (rating) outputs the rating of item.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture } from "../models/base";
import { Mlp } from "../models/dense";
import { ExpertBank, GateBank } from "../models/experts";
import { constantVariable, uniquePrefix } from "../models/init";
import { Embedding, embeddingLookup } from "../ops/embedding";

/** The recommender's tasks, in output order. */
export const RECOMMENDER_TASKS = ["ranking", "rating"] as const;

/** Configuration of the recommender. */
export interface RecommenderConfig {
  users: number;
  items: number;
  /** Embedding dimension. Default 16. */
  dim?: number;
  /** One pair of embedding tables for both heads, or one pair per head. Default "shared". */
  embeddings?: "shared" | "separate";
  /** Hidden layers of the rating MLP. Default [32]. */
  ratingHidden?: number[];
  /** "plain" heads, or "mmoe": experts over [u, q, u⊙q] with one gate per task. Default "plain". */
  mode?: "plain" | "mmoe";
  /** MMoE experts and units per expert. Defaults 3 and 16. */
  experts?: number;
  expertUnits?: number;
  /** Default 0. */
  seed?: number;
}

/** User and item tables: what one head looks users and items up in. */
export class Tables {
  readonly user: Embedding;
  readonly item: Embedding;
  constructor(rng: Rng, users: number, items: number, dim: number, name: string) {
    this.user = new Embedding(rng, users, dim, `${name}/user`, 0.1);
    this.item = new Embedding(rng, items, dim, `${name}/item`, 0.1);
  }
  get variables(): tf.Variable[] {
    return [this.user.table, this.item.table];
  }
}

/** The two-head recommender; see the file comment for its inputs and outputs. */
export class Recommender extends BaseArchitecture {
  readonly name: string;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];
  readonly tables: Tables[];
  /** b_i of the factorization head: only the ranking task reads it, so it is never shared. */
  readonly itemBias: tf.Variable<tf.Rank.R2>;
  readonly ratingMlp: Mlp;
  readonly rankTower: Mlp | null = null;
  readonly experts: ExpertBank | null = null;
  readonly gates: GateBank | null = null;

  constructor(readonly config: RecommenderConfig) {
    super({ inputDim: 3, numTasks: 2, seed: config.seed });
    const rng = new Rng(config.seed ?? 0);
    const dim = config.dim ?? 16;
    const prefix = uniquePrefix("recommender");
    const separate = config.embeddings === "separate";
    this.tables = separate
      ? [new Tables(rng, config.users, config.items, dim, `${prefix}/rank`), new Tables(rng, config.users, config.items, dim, `${prefix}/rate`)]
      : [new Tables(rng, config.users, config.items, dim, `${prefix}/shared`)];
    this.itemBias = constantVariable([config.items, 1], 0, `${prefix}/${separate ? "rank" : "shared"}/item_bias`) as tf.Variable<tf.Rank.R2>;
    const mmoe = config.mode === "mmoe";
    const units = config.expertUnits ?? 16;
    if (mmoe) {
      this.experts = new ExpertBank(rng, 3 * dim, config.experts ?? 3, units, `${prefix}/experts`);
      this.gates = new GateBank(rng, 3 * dim, 2, config.experts ?? 3, `${prefix}/gates`);
      this.rankTower = new Mlp(rng, [units, 1], `${prefix}/rank_tower`);
    }
    this.ratingMlp = new Mlp(rng, [mmoe ? units : 3 * dim, ...(config.ratingHidden ?? [32]), 1], `${prefix}/rating`);
    // Ratings sit around 3: starting the output there spares the first steps of training.
    tf.tidy(() => this.ratingMlp.layers[this.ratingMlp.layers.length - 1].b.assign(tf.fill([1], 3)));
    const embeddingVars = this.tables.flatMap((t) => t.variables);
    const expertVars = this.experts ? [...this.experts.variables, ...(this.gates as GateBank).variables] : [];
    this.variables = [...embeddingVars, this.itemBias, ...expertVars, ...this.ratingMlp.variables, ...(this.rankTower?.variables ?? [])];
    this.sharedVariables = [...(separate ? [] : embeddingVars), ...(this.experts?.variables ?? [])];
    this.lastSharedVariables = this.experts ? this.experts.variables : separate ? [] : [this.tables[0].item.table];
    this.name = `${separate ? "separate" : "shared"} embeddings${mmoe ? `, MMoE (${config.experts ?? 3} experts)` : ""}`;
  }

  /** u, q and [u, q, u⊙q] of (user, item) pairs, from the tables of task `task`. */
  private features(users: tf.Tensor1D, items: tf.Tensor1D, task: number): { u: tf.Tensor2D; q: tf.Tensor2D; f: tf.Tensor2D } {
    const t = this.tables[Math.min(task, this.tables.length - 1)];
    const u = t.user.apply(users);
    const q = t.item.apply(items);
    return { u, q, f: tf.concat([u, q, u.mul(q)], 1) as tf.Tensor2D };
  }

  /** Output of task `task`'s MMoE mixture over features f ([batch, units]). */
  private mixture(f: tf.Tensor2D, task: number): tf.Tensor2D {
    const experts = (this.experts as ExpertBank).apply(f);
    const g = (this.gates as GateBank).apply(f).slice([0, task, 0], [-1, 1, -1]);
    return g.matMul(experts).squeeze([1]) as tf.Tensor2D;
  }

  /** Ranking scores s(u, i) of (user, item) pairs, [batch, 1]. */
  score(users: tf.Tensor1D, items: tf.Tensor1D): tf.Tensor2D {
    const { u, q, f } = this.features(users, items, 0);
    // embeddingLookup rather than tf.gather: the latter's gradient has no WASM kernel.
    let s = u.mul(q).sum(1, true).add(embeddingLookup(this.itemBias, items.toInt()));
    if (this.rankTower) s = s.add(this.rankTower.apply(this.mixture(f, 0)));
    return s as tf.Tensor2D;
  }

  /** Predicted ratings of (user, item) pairs, [batch, 1]. */
  rate(users: tf.Tensor1D, items: tf.Tensor1D): tf.Tensor2D {
    const { f } = this.features(users, items, 1);
    return this.ratingMlp.apply(this.experts ? this.mixture(f, 1) : f);
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
