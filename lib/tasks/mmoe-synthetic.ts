/**
 * The synthetic family of Ma et al. (KDD 2018, §4) with a controllable task correlation p.
 * Orthogonal unit vectors u_k in R^d (Gram–Schmidt on seeded normals); for two tasks
 * w₁ = c·u₁, w₂ = c·(p·u₁ + √(1−p²)·u₂), so cos(w₁, w₂) = p. For T > 2 tasks we use
 * w_k = c·(√p·u₀ + √(1−p)·u_k), which gives every pair cosine p (p ≥ 0). Inputs x ~ N(0, I);
 * y_k = w_kᵀx + Σ_{i=1..m} sin(α_i w_kᵀx + β_i) + ε, ε ~ N(0, 0.01), with α_i, β_i ~ N(0, 1)
 * shared by the tasks. The paper leaves c and m open: we use c = 1 and m = 10.
 * With `clusters` (a cluster id per task), w_k = c·(√p·u_{cluster(k)} + √(1−p)·v_k): tasks of one
 * cluster have pairwise cosine p, tasks of different clusters are orthogonal (for grouping studies).
 *
 * p is the correlation of the tasks' LINEAR PARTS w_kᵀx (the cosine of the w_k), as in the paper;
 * it is not the correlation of the labels. The sine terms are nonlinear in w_kᵀx and drawn once
 * per family, so the labels' Pearson correlation differs from p (usually lower) and varies with the seed (at
 * p = 0.5, d = 20, between about 0.12 and 0.50 over seeds 1–10). `family.labelCorrelation` is the
 * measured value; show it wherever p is discussed.
 */
import { Rng } from "../random";
import { dataset, oneHot, type Task, type TaskFamily } from "./task";

/** Configuration of the MMoE synthetic family. */
export interface MmoeSyntheticConfig {
  /**
   * Task correlation p: the cosine between the tasks' weight vectors, i.e. the correlation of the
   * linear parts w_kᵀx. The labels' correlation is lower and depends on the seed (see
   * `labelCorrelation` on the family).
   */
  correlation: number;
  /** Cluster id of each task; tasks correlate (p) only within a cluster. Sets the number of tasks. */
  clusters?: number[];
  numTasks?: number;
  inputDim?: number;
  /** Scale c of the weight vectors, or one per task (a larger c makes a task more nonlinear). Default 1. */
  scale?: number | number[];
  /** Number m of sine terms. Default 10. */
  sines?: number;
  /** Variance of the label noise. Default 0.01. */
  noiseVariance?: number;
  trainSize?: number;
  testSize?: number;
  seed?: number;
}

/** The family plus the quantities a test or a plot may need. */
export interface MmoeSyntheticFamily extends TaskFamily {
  /** The p it was built with: the correlation of the linear parts, not of the labels. */
  readonly correlation: number;
  /**
   * The measured Pearson correlation of the tasks' training labels: for two tasks, of the pair; for
   * more, the mean over pairs (over pairs within a cluster when `clusters` is given).
   */
  readonly labelCorrelation: number;
  /** The T × T Pearson correlations of the training labels. */
  readonly labelCorrelations: readonly (readonly number[])[];
  /** The weight vectors w_k. */
  readonly weights: readonly Float32Array[];
  /** Linear parts w_kᵀx of the training inputs, one array per task. */
  readonly linearParts: readonly Float32Array[];
}

/** Orthonormal vectors by Gram–Schmidt on seeded normals. */
function orthonormal(rng: Rng, count: number, dim: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < count) {
    const v = Float64Array.from(rng.normals(dim));
    for (const u of out) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += v[i] * u[i];
      for (let i = 0; i < dim; i++) v[i] -= dot * u[i];
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    for (let i = 0; i < dim; i++) v[i] /= norm;
    out.push(v);
  }
  return out;
}

/** Builds the seeded MMoE synthetic family. */
export function mmoeSyntheticFamily(config: MmoeSyntheticConfig): MmoeSyntheticFamily {
  const { correlation: p, clusters, inputDim: d = 100, scale = 1, sines: m = 10, noiseVariance = 0.01, trainSize = 4000, testSize = 1000, seed = 0 } = config;
  const numTasks = clusters ? clusters.length : (config.numTasks ?? 2);
  if (p < -1 || p > 1) throw new Error(`correlation must be in [-1, 1], got ${p}`);
  if ((numTasks > 2 || clusters) && p < 0) throw new Error("for more than two tasks the correlation must be non-negative");
  const rng = new Rng(seed);
  const clusterCount = clusters ? Math.max(...clusters) + 1 : 1;
  if (clusterCount + numTasks > d) throw new Error(`inputDim ${d} is too small for ${numTasks} tasks`);
  const u = orthonormal(rng, clusterCount + numTasks, d);
  const weights: Float32Array[] = [];
  for (let k = 0; k < numTasks; k++) {
    const c = Array.isArray(scale) ? scale[k] : scale;
    const w = new Float32Array(d);
    const base = clusters ? u[clusters[k]] : u[0];
    const own = u[clusterCount + k];
    for (let i = 0; i < d; i++) {
      if (numTasks === 2 && !clusters) w[i] = c * (k === 0 ? u[0][i] : p * u[0][i] + Math.sqrt(1 - p * p) * u[1][i]);
      else w[i] = c * (Math.sqrt(p) * base[i] + Math.sqrt(1 - p) * own[i]);
    }
    weights.push(w);
  }
  const alpha = Array.from({ length: m }, () => rng.normal());
  const beta = Array.from({ length: m }, () => rng.normal());
  const noiseSd = Math.sqrt(noiseVariance);

  const draw = (n: number) => {
    const x = rng.normals(n * d);
    const ys = weights.map(() => new Float32Array(n));
    const linear = weights.map(() => new Float32Array(n));
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < numTasks; k++) {
        let lin = 0;
        for (let i = 0; i < d; i++) lin += weights[k][i] * x[r * d + i];
        let y = lin;
        for (let s = 0; s < m; s++) y += Math.sin(alpha[s] * lin + beta[s]);
        linear[k][r] = lin;
        ys[k][r] = y + rng.normal(0, noiseSd);
      }
    }
    return { x, ys, linear };
  };
  const train = draw(trainSize);
  const test = draw(testSize);
  const tasks: Task[] = weights.map((_, k) => ({
    name: clusters ? `task ${k + 1} (cluster ${String.fromCharCode(65 + clusters[k])})` : `task ${k + 1}`,
    index: k,
    descriptor: oneHot(k, numTasks),
    train: dataset(train.x, train.ys[k], d, 1),
    test: dataset(test.x, test.ys[k], d, 1),
    loss: "mse",
    metric: "mse",
  }));
  const family: TaskFamily = { name: `MMoE synthetic (p = ${p})`, inputDim: d, outputDim: 1, descriptorDim: numTasks, tasks, sharedInputs: true };
  const labelCorrelations = labelCorrelation(family);
  const pairs: number[] = [];
  for (let a = 0; a < numTasks; a++) for (let b = a + 1; b < numTasks; b++) if (!clusters || clusters[a] === clusters[b]) pairs.push(labelCorrelations[a][b]);
  const meanPair = pairs.length ? pairs.reduce((x, y) => x + y, 0) / pairs.length : NaN;
  return { ...family, correlation: p, labelCorrelation: meanPair, labelCorrelations, weights, linearParts: train.linear };
}

/**
 * The T × T Pearson correlations of a family's labels on `split` (entry [a][b] between tasks a and
 * b). The tasks must share inputs (the same rows, as in the MMoE synthetic and multi-label
 * families), since a correlation pairs the labels of one example; for multi-column labels the
 * first column is used.
 */
export function labelCorrelation(family: TaskFamily, split: "train" | "test" = "train"): number[][] {
  if (!family.sharedInputs) throw new Error(`labelCorrelation: the tasks of "${family.name}" do not share inputs, so their labels cannot be paired`);
  const labels = family.tasks.map((t) => {
    const d = t[split];
    return Float64Array.from({ length: d.n }, (_, r) => d.y[r * d.yDim]);
  });
  return labels.map((a, i) => labels.map((b, j) => (i === j ? 1 : pearson(a, b))));
}

/** Pearson correlation of two equal-length arrays. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
