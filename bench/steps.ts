/**
 * Training-step timings: forward + backward + Adam on a fixed batch, the same work the PyTorch
 * twins in torch_twin.py do, for each backend that loads here.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../lib/models/architecture";
import { mmoe } from "../lib/models/mmoe";
import { flatAdam } from "../lib/optim/adam";
import { tidyRead } from "../lib/ops/read";
import { Rng } from "../lib/random";
import { ranker } from "../lib/recsys/ranker";
import { recommender } from "../lib/recommender/model";

/** A benchmarked model: how to build it, its inputs, and its PyTorch twin's spec. */
export interface BenchModel {
  name: string;
  build(): Architecture;
  inputs(batch: number, rng: Rng): Float32Array;
  inputDim: number;
  torch: Record<string, unknown>;
}

/** The course's models at the sizes the notebooks use. */
export const MODELS: BenchModel[] = [
  {
    name: "MMoE, paper sizes (d=100, 8×16 experts)",
    build: () => mmoe({ inputDim: 100, numTasks: 2, experts: 8, expertUnits: 16, tower: [8] }),
    inputs: (b, rng) => rng.normals(b * 100),
    inputDim: 100,
    torch: { kind: "mmoe", inputDim: 100, experts: 8, expertUnits: 16, towerUnits: 8, tasks: 2 },
  },
  {
    name: "MMoE, 4×64 experts (d=100)",
    build: () => mmoe({ inputDim: 100, numTasks: 2, experts: 4, expertUnits: 64, tower: [8] }),
    inputs: (b, rng) => rng.normals(b * 100),
    inputDim: 100,
    torch: { kind: "mmoe", inputDim: 100, experts: 4, expertUnits: 64, towerUnits: 8, tasks: 2 },
  },
  {
    name: "case-study ranker (MMoE + position tower)",
    build: () => ranker({ videos: 1000, mode: "mmoe", positionTower: true }),
    inputs: (b, rng) => {
      const x = new Float32Array(b * 9);
      for (let i = 0; i < b; i++) {
        x.set([rng.int(1000), rng.int(1000), rng.int(10), rng.int(3), rng.int(4), rng.next(), rng.int(10), rng.uniform(2, 30), rng.uniform(4, 9)], i * 9);
      }
      return x;
    },
    inputDim: 9,
    torch: { kind: "ranker", videos: 1000, dim: 16, dense: 20, hidden: 64, experts: 4, expertUnits: 32, tasks: 4, positions: 31 },
  },
  {
    name: "hw2 recommender (shared embeddings, BPR + rating heads)",
    build: () => recommender({ users: 500, items: 300, dim: 16, ratingHidden: [32] }),
    inputs: (b, rng) => {
      const x = new Float32Array(b * 3);
      for (let i = 0; i < b; i++) x.set([rng.int(500), rng.int(300), rng.int(300)], i * 3);
      return x;
    },
    inputDim: 3,
    torch: { kind: "recommender", users: 500, items: 300, dim: 16, hidden: 32 },
  },
];

/** Floating-point operations of one training step: 2·B·(rows·cols) per dense weight, ×3 for forward + backward. */
export function stepFlops(model: Architecture, batch: number): number {
  // Embedding tables are looked up, not multiplied: they are not dense work.
  const dense = model.variables.filter((v) => v.rank === 2 && !/videos|position|\/user|\/item/.test(v.name));
  return 3 * 2 * batch * dense.reduce((s, v) => s + v.size, 0);
}

/** A model's training step on a fixed batch, built once and timed in blocks. */
export interface PreparedStep {
  /** One training step (forward, backward, Adam). */
  step(): void;
  /** Floating-point operations of one step (stepFlops). */
  flops: number;
  /** Waits for queued work (asynchronous backends) by reading a weight. */
  sync(): void;
  dispose(): void;
}

/** Builds `spec` at `batch` with fixed inputs and targets, warmed up with a few steps. */
export function prepareStep(spec: BenchModel, batch: number): PreparedStep {
  const model = spec.build();
  const rng = new Rng(1);
  const x = tf.tensor2d(spec.inputs(batch, rng), [batch, spec.inputDim]);
  const ys = Array.from({ length: model.numTasks }, () => tf.tensor2d(rng.normals(batch), [batch, 1]));
  const tasks = Array.from({ length: model.numTasks }, (_, i) => i);
  const optimizer = flatAdam({ learningRate: 1e-3 });
  const step = () =>
    optimizer.minimize(
      () =>
        tf.tidy(
          () =>
            model
              .forward(x, tasks, { training: true })
              .map((o, i) => o.sub(ys[i]).square().mean())
              .reduce((a, b) => a.add(b)) as tf.Scalar,
        ),
      false,
      [...model.variables],
    );
  for (let i = 0; i < 5; i++) step();
  return {
    step,
    flops: stepFlops(model, batch),
    sync: () => void model.variables[0].dataSync(),
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, ...ys]);
    },
  };
}

/** Milliseconds per step over one timed block of `reps` steps. */
export function timeBlock(prepared: PreparedStep, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) prepared.step();
  prepared.sync();
  return (performance.now() - t0) / reps;
}

/** GFLOP/s of a 1024×1024 matrix product on the current backend. */
export function matmulGflops(n = 1024, reps = 5): number {
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  // tidyRead, not tf.tidy: tidy would scan the returned array element by element.
  tidyRead(() => tf.matMul(a, b).dataSync());
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tidyRead(() => tf.matMul(a, b).dataSync());
  const seconds = (performance.now() - t0) / 1000 / reps;
  tf.dispose([a, b]);
  return (2 * n ** 3) / seconds / 1e9;
}
