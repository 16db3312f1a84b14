/** The weighted sum min_θ Σ_i w_i L_i(θ) with weights chosen by hand (priority, scale). */
import type { LossWeighting } from "./weighting";
import { weightedSum } from "./losses";

/** Fixed task weights. */
export function fixedWeights(weights: readonly number[], name = `fixed weights (${weights.map((w) => +w.toFixed(3)).join(", ")})`): LossWeighting {
  const w = [...weights];
  return {
    kind: "loss",
    name,
    variables: [],
    combine: (losses, ctx) =>
      weightedSum(
        losses,
        ctx.tasks.map((t) => w[t]),
      ),
    weights: () => [...w],
  };
}

/** Equal weights: the plain sum Σ_i L_i. */
export function equalWeights(numTasks: number): LossWeighting {
  return fixedWeights(new Array(numTasks).fill(1), "equal weights");
}
