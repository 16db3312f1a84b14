/**
 * GradNorm (Chen et al., ICML 2018). With W the last shared layer, G_i = ||∇_W w_i L_i|| and
 * r_i = (L_i(t)/L_i(0)) / mean_j(L_j(t)/L_j(0)), the weights w_i minimise
 * L_grad = Σ_i |G_i − mean(G) · r_i^α| with the target held constant; its gradient in w_i is
 * sign(G_i − target_i) · ||∇_W L_i||. The model's update is Σ_i w_i ∇L_i.
 *
 * How the weights follow that gradient matters. A plain step w_i ← w_i − η ∂L_grad/∂w_i moves by
 * η · ||∇_W L_i||, which for a task with large losses (a target ×10) is larger than the weights
 * themselves; since ∂L_grad/∂w_i is a sign times a norm, the weights then jump across the balance
 * point every step and hit any floor (they oscillated every step on notebook 03's family). As in
 * LibMTL's implementation, the weights are w = T · softmax(s) (positive, summing to T by
 * construction, so no clipping or renormalisation) and the logits s take Adam steps on L_grad:
 * Adam's step is about η whatever the gradient's scale, and its moving average cancels alternating
 * signs near the balance, so the weights settle instead of flipping.
 */
import type { GradientWeighting } from "./weighting";
import { flattenGradients, norm, sumGradients } from "./flat-gradients";

/** Options of GradNorm. */
export interface GradNormConfig {
  /** Asymmetry α: how strongly slow tasks are pushed. Default 1.5. */
  alpha?: number;
  /** Adam learning rate of the weights' logits s (w = T · softmax(s)). Default 0.025. */
  learningRate?: number;
  /**
   * Steps whose losses are averaged into L_i(0). Default 1: the first step's batch loss, the
   * paper's L(0). One batch of 64 misjudges a task's initial loss by about 10–14% (sd), which
   * biases r_i^α for the whole run; with k > 1 the weights stay at 1 for the first k steps (as
   * LibMTL trains its first epoch with equal weights) and L_i(0) is the mean of their losses.
   */
  initialLossSteps?: number;
}

/**
 * ∂L_grad/∂w_i = sign(G_i − target_i) · n_i, with G_i = w_i n_i, n_i = ||∇_W L_i||, and
 * target_i = mean(G) · (r_i / mean(r))^α held constant (r_i = L_i(t)/L_i(0)).
 */
export function gradNormWeightGradient(w: readonly number[], gradNorms: readonly number[], lossRatios: readonly number[], alpha: number): number[] {
  const T = w.length;
  if (gradNorms.length !== T || lossRatios.length !== T)
    throw new Error(`gradNormWeightGradient: ${T} weights, ${gradNorms.length} norms, ${lossRatios.length} loss ratios`);
  const G = w.map((wi, i) => wi * gradNorms[i]);
  const meanG = G.reduce((a, b) => a + b, 0) / T;
  const meanRatio = lossRatios.reduce((a, b) => a + b, 0) / T;
  return G.map((g, i) => Math.sign(g - meanG * Math.pow(lossRatios[i] / meanRatio, alpha)) * gradNorms[i]);
}

/** w = T · softmax(s). */
export function gradNormWeights(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const e = logits.map((s) => Math.exp(s - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => (logits.length * x) / total);
}

/**
 * The chain rule through w = T · softmax(s): ∂L/∂s_j = w_j (∂L/∂w_j − Σ_i (w_i/T) ∂L/∂w_i).
 */
export function softmaxWeightsBackward(w: readonly number[], gradW: readonly number[]): number[] {
  const T = w.length;
  const mean = w.reduce((s, wi, i) => s + (wi / T) * gradW[i], 0);
  return w.map((wj, j) => wj * (gradW[j] - mean));
}

/** The state of GradNorm's weights: logits and their Adam moments. */
export interface GradNormState {
  logits: number[];
  m: number[];
  v: number[];
  /** Adam steps taken. */
  t: number;
}

/** The starting state: s = 0, so w = 1 for every task. */
export function gradNormInitialState(numTasks: number): GradNormState {
  return { logits: new Array(numTasks).fill(0), m: new Array(numTasks).fill(0), v: new Array(numTasks).fill(0), t: 0 };
}

/**
 * One GradNorm move of the weights (pure): the gradient of L_grad in w, through the softmax to the
 * logits, then one Adam step (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as torch.optim.Adam). `active` lists
 * the tasks whose norms and ratios are given (all by default); the others have ∂L_grad/∂w = 0.
 */
export function gradNormStep(
  state: GradNormState,
  gradNorms: readonly number[],
  lossRatios: readonly number[],
  alpha: number,
  lr: number,
  active?: readonly number[],
): GradNormState {
  const T = state.logits.length;
  const tasks = active ?? Array.from({ length: T }, (_, i) => i);
  const w = gradNormWeights(state.logits);
  const partial = gradNormWeightGradient(
    tasks.map((i) => w[i]),
    gradNorms,
    lossRatios,
    alpha,
  );
  const gradW = new Array(T).fill(0);
  tasks.forEach((i, k) => (gradW[i] = partial[k]));
  const g = softmaxWeightsBackward(w, gradW);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const t = state.t + 1;
  const m = state.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
  const v = state.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
  const logits = state.logits.map((s, i) => s - (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
  return { logits, m, v, t };
}

/** GradNorm as a gradient weighting. */
export function gradNorm(numTasks: number, config: GradNormConfig = {}): GradientWeighting {
  const alpha = config.alpha ?? 1.5;
  const lr = config.learningRate ?? 0.025;
  const warmup = config.initialLossSteps ?? 1;
  if (!(Number.isInteger(warmup) && warmup >= 1)) throw new Error(`gradNorm: initialLossSteps must be a positive integer, got ${warmup}`);
  let state = gradNormInitialState(numTasks);
  // Per task: the sum and count of its first `warmup` losses; L_i(0) is their mean.
  const sums = new Array(numTasks).fill(0);
  const counts = new Array(numTasks).fill(0);
  return {
    kind: "gradient",
    name: `GradNorm (α = ${alpha}${warmup > 1 ? `, L(0) over ${warmup} steps` : ""})`,
    combineGradients(taskGrads, lossValues, ctx) {
      const tasks = ctx.tasks;
      const last = ctx.model.lastSharedVariables;
      // Without a shared layer there is no G_i to balance: say so rather than train with w = 1.
      if (!last.length)
        throw new Error(
          `GradNorm balances gradient norms on the last shared layer, but "${ctx.model.name}" shares no parameters (lastSharedVariables is empty): use a model with shared layers, or another weighting`,
        );
      if (tasks.length < 2)
        throw new Error(
          'GradNorm compares the tasks of one step, but this step trains a single task: train all tasks per step (taskSampling "all") or set tasksPerStep ≥ 2',
        );
      const w = gradNormWeights(state.logits);
      const update = sumGradients(
        taskGrads,
        tasks.map((t) => w[t]),
      );
      let warming = false;
      tasks.forEach((t, k) => {
        if (counts[t] < warmup) {
          sums[t] += lossValues[k];
          counts[t] += 1;
          warming ||= counts[t] < warmup;
        }
      });
      if (warming) return update;
      const norms = taskGrads.map((g) => norm(flattenGradients(g, last)));
      const ratios = tasks.map((t, k) => lossValues[k] / Math.max(sums[t] / counts[t], 1e-12));
      state = gradNormStep(state, norms, ratios, alpha, lr, tasks);
      return update;
    },
    weights: () => gradNormWeights(state.logits),
  };
}
