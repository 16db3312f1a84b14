/**
 * The point-wise multi-task ranker of the case study (Zhao et al., RecSys 2019), as an Architecture
 * so that the generic trainer and every weighting apply to it. Inputs: query and candidate video ids
 * (learned embeddings), user, device and video features, and the logged position. A shared hidden
 * layer feeds either one tower per task (Shared-Bottom) or an MMoE placed on that layer (one gate
 * per task, optional gate dropout), as the paper does to avoid gating the wide input layer.
 *
 * Selection bias: a shallow position tower maps (position × device) to a logit added to the click
 * logit. In training the position is dropped (treated as missing) 10% of the time; at serving it is
 * always missing, so the main model's score is the debiased one.
 */
import * as tf from "@tensorflow/tfjs";
import { BaseArchitecture } from "../models/base";
import { Dense, Mlp } from "../models/dense";
import { ExpertBank, GateBank } from "../models/experts";
import { uniquePrefix } from "../models/init";
import { Embedding } from "../ops/embedding";
import { tidyRead } from "../ops/read";
import { Rng } from "../random";
import { dataset, oneHot, type Task, type TaskFamily } from "../tasks/task";
import type { History } from "../training/history";
import { train, type TrainConfig } from "../training/trainer";
import { DEVICES, type Impression } from "./simulator";

/** The ranker's tasks, in output order. */
export const RANKER_TASKS = ["click", "watch time", "like", "dismiss"] as const;

/** Column layout of the ranker's input matrix. */
const COLUMNS = ["queryVideo", "videoId", "position", "device", "userAge", "userActivity", "videoCategory", "videoDuration", "videoPopularity"] as const;
const C = Object.fromEntries(COLUMNS.map((c, i) => [c, i])) as Record<(typeof COLUMNS)[number], number>;

/** Configuration of the ranker. */
export interface RankerConfig {
  videos: number;
  categories?: number;
  positions?: number;
  /** "shared-bottom" or "mmoe". */
  mode: "shared-bottom" | "mmoe";
  embeddingDim?: number;
  /** Width of the shared hidden layer. Default 64. */
  hidden?: number;
  experts?: number;
  expertUnits?: number;
  towerUnits?: number;
  gateDropout?: number;
  positionTower?: boolean;
  /** Probability of treating the position as missing in training. Default 0.1. */
  positionDropout?: number;
  seed?: number;
}

/** The ranker's input rows for impressions. */
export function rankerInputs(rows: readonly Impression[]): Float32Array {
  const x = new Float32Array(rows.length * COLUMNS.length);
  rows.forEach((r, i) => COLUMNS.forEach((c, j) => (x[i * COLUMNS.length + j] = r[c] as number)));
  return x;
}

/** The four ranking tasks built from logs: click and dismiss on every impression, watch time and like on clicks. */
export function rankerFamily(train: readonly Impression[], test: readonly Impression[]): TaskFamily {
  const make = (rows: readonly Impression[], label: (r: Impression) => number) =>
    dataset(rankerInputs(rows), Float32Array.from(rows.map(label)), COLUMNS.length, 1);
  const clicked = (rows: readonly Impression[]) => rows.filter((r) => r.clicked === 1);
  const spec: Array<[string, (rows: readonly Impression[]) => readonly Impression[], (r: Impression) => number, "bce" | "mse"]> = [
    ["click", (r) => r, (r) => r.clicked, "bce"],
    ["watch time", clicked, (r) => Math.log1p(r.watchMinutes), "mse"],
    ["like", clicked, (r) => r.liked, "bce"],
    ["dismiss", (r) => r, (r) => r.dismissed, "bce"],
  ];
  const tasks: Task[] = spec.map(([name, pick, label, loss], i) => ({
    name,
    index: i,
    descriptor: oneHot(i, spec.length),
    train: make(pick(train), label),
    test: make(pick(test), label),
    loss,
    metric: loss === "bce" ? "auc" : "mse",
  }));
  return { name: "video ranking", inputDim: COLUMNS.length, outputDim: 1, descriptorDim: spec.length, tasks, sharedInputs: false };
}

/** The multi-task ranker. */
export class Ranker extends BaseArchitecture {
  readonly name: string;
  readonly videoEmbedding: Embedding;
  readonly shared: Dense;
  readonly experts: ExpertBank | null;
  readonly gateBank: GateBank | null;
  readonly towers: Mlp[];
  readonly positionTable: tf.Variable<tf.Rank.R2> | null;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];
  private readonly cfg: Required<RankerConfig>;
  private readonly dropRng: Rng;

  constructor(config: RankerConfig) {
    super({ inputDim: COLUMNS.length, numTasks: RANKER_TASKS.length, seed: config.seed });
    this.cfg = {
      categories: 10,
      positions: 10,
      embeddingDim: 16,
      hidden: 64,
      experts: 4,
      expertUnits: 32,
      towerUnits: 16,
      gateDropout: 0,
      positionTower: false,
      positionDropout: 0.1,
      seed: 0,
      ...config,
    };
    const c = this.cfg;
    const rng = new Rng(c.seed);
    this.dropRng = rng.fork(3);
    const prefix = uniquePrefix("ranker");
    this.videoEmbedding = new Embedding(rng, c.videos, c.embeddingDim, `${prefix}/videos`);
    const denseWidth = 4 + 1 + DEVICES.length + c.categories + 2;
    this.shared = new Dense(rng, 2 * c.embeddingDim + denseWidth, c.hidden, "relu", `${prefix}/shared`);
    const towerInput = c.mode === "mmoe" ? c.expertUnits : c.hidden;
    this.experts = c.mode === "mmoe" ? new ExpertBank(rng, c.hidden, c.experts, c.expertUnits, `${prefix}/experts`) : null;
    this.gateBank = c.mode === "mmoe" ? new GateBank(rng, c.hidden, this.numTasks, c.experts, `${prefix}/gates`) : null;
    this.towers = RANKER_TASKS.map((_, t) => new Mlp(rng, [towerInput, c.towerUnits, 1], `${prefix}/tower${t}`));
    // One learned logit per (position, device) cell, plus a last row for "position missing".
    this.positionTable = c.positionTower
      ? (tf.tidy(() => tf.variable(tf.zeros([c.positions * DEVICES.length + 1, 1]), true, `${prefix}/position`)) as tf.Variable<tf.Rank.R2>)
      : null;
    this.sharedVariables = [this.videoEmbedding.table, ...this.shared.variables, ...(this.experts?.variables ?? [])];
    this.lastSharedVariables = this.experts ? this.experts.variables : this.shared.variables;
    this.variables = [
      ...this.sharedVariables,
      ...(this.gateBank?.variables ?? []),
      ...this.towers.flatMap((t) => t.variables),
      ...(this.positionTable ? [this.positionTable] : []),
    ];
    this.name = `${c.mode === "mmoe" ? `MMoE ranker (${c.experts} experts${c.gateDropout ? `, gate dropout ${c.gateDropout}` : ""})` : "Shared-Bottom ranker"}${c.positionTower ? " + position tower" : ""}`;
  }

  private column(x: tf.Tensor2D, name: keyof typeof C): tf.Tensor1D {
    return x.slice([0, C[name]], [x.shape[0], 1]).reshape([x.shape[0]]) as tf.Tensor1D;
  }

  /** The shared hidden layer for a batch. */
  hiddenLayer(x: tf.Tensor2D): tf.Tensor2D {
    const c = this.cfg;
    const oh = (name: keyof typeof C, depth: number) => tf.oneHot(this.column(x, name).toInt(), depth).toFloat();
    const dense = tf.concat(
      [
        oh("userAge", 4),
        this.column(x, "userActivity").expandDims(1),
        oh("device", DEVICES.length),
        oh("videoCategory", c.categories),
        this.column(x, "videoDuration").div(30).expandDims(1),
        this.column(x, "videoPopularity").div(10).expandDims(1),
      ],
      1,
    );
    const q = this.videoEmbedding.apply(this.column(x, "queryVideo"));
    const v = this.videoEmbedding.apply(this.column(x, "videoId"));
    return this.shared.apply(tf.concat([q, v, dense], 1) as tf.Tensor2D);
  }

  /** Per-task gate weights [batch, experts] on a batch (MMoE mode only). */
  gates(x: tf.Tensor2D): tf.Tensor2D[] {
    if (!this.gateBank) throw new Error("gates exist only in MMoE mode");
    const g = this.gateBank.apply(this.hiddenLayer(x));
    const [batch, , E] = g.shape;
    return RANKER_TASKS.map((_, t) => g.slice([0, t, 0], [batch, 1, E]).reshape([batch, E]) as tf.Tensor2D);
  }

  /** The position tower's logit; the "missing" row at serving time and for dropped rows in training. */
  private positionLogit(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const c = this.cfg;
    const n = x.shape[0];
    const missing = c.positions * DEVICES.length;
    const pos = this.column(x, "position").dataSync();
    const dev = this.column(x, "device").dataSync();
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const drop = !training || this.dropRng.next() < c.positionDropout || pos[i] < 0 || pos[i] >= c.positions;
      idx[i] = drop ? missing : pos[i] * DEVICES.length + dev[i];
    }
    // The table is tiny: a one-hot product keeps its gradient on every backend.
    return tf.matMul(tf.oneHot(tf.tensor1d(idx, "int32"), missing + 1).toFloat(), this.positionTable as tf.Tensor2D);
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[], training: boolean): tf.Tensor2D[] {
    const h = this.hiddenLayer(x);
    let perTask: (t: number) => tf.Tensor2D;
    if (this.experts && this.gateBank) {
      const ex = this.experts.apply(h);
      const g = this.gateBank.apply(h, training ? this.cfg.gateDropout : 0, this.dropRng);
      const mixed = tf.matMul(g, ex);
      const [batch, , units] = mixed.shape;
      perTask = (t) => this.towers[t].apply(mixed.slice([0, t, 0], [batch, 1, units]).reshape([batch, units]) as tf.Tensor2D);
    } else {
      perTask = (t) => this.towers[t].apply(h);
    }
    return tasks.map((t) => {
      const out = perTask(t);
      return t === 0 && this.positionTable ? (out.add(this.positionLogit(x, training)) as tf.Tensor2D) : out;
    });
  }

  /** The learned position logits by device (rows: positions; columns: devices). */
  positionEffects(): number[][] {
    if (!this.positionTable) throw new Error("this ranker has no position tower");
    const values = this.positionTable.dataSync();
    return Array.from({ length: this.cfg.positions }, (_, p) => DEVICES.map((_, d) => values[p * DEVICES.length + d]));
  }
}

/** Builds a ranker. */
export function ranker(config: RankerConfig): Ranker {
  return new Ranker(config);
}

/** Options of trainRanker: the trainer's, with defaults that suit the ranker. */
export interface TrainRankerOptions extends TrainConfig {
  /** Default 600. */
  steps?: number;
  /** Default 512. */
  batchSize?: number;
  /** Default 0.005. */
  learningRate?: number;
  /** Default 0 (evaluate once, at the end). */
  evalEvery?: number;
  /** Default 0. */
  seed?: number;
  /** Default true. */
  progress?: boolean;
}

/**
 * Trains a ranker on its four tasks with the course's trainer (equal task weights unless
 * `weighting` says otherwise); seeded, so the same seed gives the same model.
 */
export function trainRanker(model: Ranker, family: TaskFamily, options: TrainRankerOptions = {}): Promise<History> {
  return train(model, family, {
    label: model.name,
    ...options,
    steps: options.steps ?? 600,
    batchSize: options.batchSize ?? 512,
    learningRate: options.learningRate ?? 0.005,
    evalEvery: options.evalEvery ?? 0,
    seed: options.seed ?? 0,
  });
}

/** Serving-time logits of every task for impressions (position treated as missing). */
export function rankerScores(model: Ranker, rows: readonly Impression[], chunk = 4096): number[][] {
  const out: number[][] = RANKER_TASKS.map(() => []);
  const x = rankerInputs(rows);
  for (let start = 0; start < rows.length; start += chunk) {
    const n = Math.min(chunk, rows.length - start);
    const values = tidyRead(() =>
      model
        .forward(tf.tensor2d(x.subarray(start * COLUMNS.length, (start + n) * COLUMNS.length), [n, COLUMNS.length]), [0, 1, 2, 3])
        .map((o) => Array.from(o.dataSync())),
    );
    values.forEach((v, t) => out[t].push(...v));
  }
  return out;
}
