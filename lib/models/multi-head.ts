/**
 * Multi-head (shared bottom): a shared MLP θ^sh feeds one tower θ^i per task
 * (Caruana, 1997; the "Shared-Bottom" baseline of Ma et al., 2018).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Mlp } from "./dense";
import { uniquePrefix } from "./init";

/** Configuration of a shared-bottom model. */
export interface MultiHeadConfig extends CommonConfig {
  /** Shared bottom layer sizes. Default [32]. */
  bottom?: number[];
  /** Hidden sizes of each task's tower (empty: a linear head). Default [8]. */
  tower?: number[];
}

/** Shared bottom + one tower per task. */
export class MultiHead extends BaseArchitecture {
  readonly name: string;
  readonly bottom: Mlp;
  readonly towers: Mlp[];
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];

  constructor(config: MultiHeadConfig) {
    super(config);
    const bottom = config.bottom ?? [32];
    const tower = config.tower ?? [8];
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("multihead");
    this.bottom = new Mlp(rng, [this.inputDim, ...bottom], `${prefix}/bottom`, "relu");
    this.towers = Array.from({ length: this.numTasks }, (_, t) => new Mlp(rng, [bottom[bottom.length - 1], ...tower, this.outputDim], `${prefix}/tower${t}`));
    this.sharedVariables = this.bottom.variables;
    this.lastSharedVariables = this.bottom.layers[this.bottom.layers.length - 1].variables;
    this.variables = [...this.sharedVariables, ...this.towers.flatMap((t) => t.variables)];
    this.name = `Multi-head (bottom ${bottom.join("-")}, towers ${tower.join("-") || "linear"})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const h = this.bottom.apply(x);
    return tasks.map((t) => this.towers[t].apply(h));
  }
}

/** Builds a multi-head (shared-bottom) model. */
export function multiHead(config: MultiHeadConfig): MultiHead {
  return new MultiHead(config);
}

/**
 * Bottom width that gives a shared-bottom model about `target` parameters, so it can be compared
 * with another architecture at equal size (Ma et al. match MMoE's 13,056 with ~113 units).
 */
export function sharedBottomUnitsFor(target: number, config: { inputDim: number; numTasks: number; tower?: number[]; outputDim?: number }): number {
  const tower = config.tower ?? [8];
  const out = config.outputDim ?? 1;
  const towerParams = (u: number) => {
    let n = 0;
    let prev = u;
    for (const h of [...tower, out]) {
      n += prev * h + h;
      prev = h;
    }
    return n;
  };
  let best = 1;
  for (let u = 1; u <= 4096; u++) {
    const total = config.inputDim * u + u + config.numTasks * towerParams(u);
    if (Math.abs(total - target) < Math.abs(config.inputDim * best + best + config.numTasks * towerParams(best) - target)) best = u;
    if (total > target) break;
  }
  return best;
}
