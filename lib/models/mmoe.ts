/**
 * Multi-gate mixture of experts (Ma et al., KDD 2018). Experts f_e are ReLU layers; each task k has
 * a gate g^k(x) = softmax(W_k x) and a tower h^k on the gated mixture Σ_e g^k(x)_e f_e(x).
 * With `sharedGate` one gate serves every task: that is OMoE. Gate dropout follows Zhao et al.
 * (RecSys 2019). Defaults are the paper's sizes: 8 experts of 16 units, towers of 8 units.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Mlp } from "./dense";
import { ExpertBank, GateBank } from "./experts";
import { uniquePrefix } from "./init";

/** Configuration of MMoE / OMoE. */
export interface MmoeConfig extends CommonConfig {
  /** Number of experts E. Default 8. */
  experts?: number;
  /** Units per expert U. Default 16. */
  expertUnits?: number;
  /** Hidden sizes of each task tower. Default [8]. */
  tower?: number[];
  /** One gate shared by all tasks (OMoE). Default false. */
  sharedGate?: boolean;
  /** Probability of dropping each gate weight in training (renormalised). Default 0. */
  gateDropout?: number;
}

/** MMoE (one gate per task) or OMoE (one gate for all). */
export class Mmoe extends BaseArchitecture {
  readonly name: string;
  readonly experts: ExpertBank;
  readonly gateBank: GateBank;
  readonly towers: Mlp[];
  readonly gateDropout: number;
  readonly sharedGate: boolean;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];
  private readonly dropoutRng: Rng;

  constructor(config: MmoeConfig) {
    super(config);
    const E = config.experts ?? 8;
    const U = config.expertUnits ?? 16;
    const tower = config.tower ?? [8];
    this.sharedGate = config.sharedGate ?? false;
    this.gateDropout = config.gateDropout ?? 0;
    const rng = new Rng(config.seed ?? 0);
    this.dropoutRng = rng.fork(1);
    const prefix = uniquePrefix(this.sharedGate ? "omoe" : "mmoe");
    this.experts = new ExpertBank(rng, this.inputDim, E, U, `${prefix}/experts`);
    this.gateBank = new GateBank(rng, this.inputDim, this.sharedGate ? 1 : this.numTasks, E, `${prefix}/gates`);
    this.towers = Array.from({ length: this.numTasks }, (_, t) => new Mlp(rng, [U, ...tower, this.outputDim], `${prefix}/tower${t}`));
    this.sharedVariables = this.sharedGate ? [...this.experts.variables, ...this.gateBank.variables] : this.experts.variables;
    this.lastSharedVariables = this.experts.variables;
    this.variables = [...this.experts.variables, ...this.gateBank.variables, ...this.towers.flatMap((t) => t.variables)];
    this.name = `${this.sharedGate ? "OMoE" : "MMoE"} (${E}×${U}${this.gateDropout ? `, gate dropout ${this.gateDropout}` : ""})`;
  }

  /** Gate weights per requested task, each [batch, E]. */
  gates(x: tf.Tensor2D, tasks: readonly number[] = range(this.numTasks), training = false): tf.Tensor2D[] {
    const g = this.gateBank.apply(x, training ? this.gateDropout : 0, this.dropoutRng);
    const [batch, , E] = g.shape;
    return tasks.map((t) => g.slice([0, this.sharedGate ? 0 : t, 0], [batch, 1, E]).reshape([batch, E]) as tf.Tensor2D);
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[], training: boolean): tf.Tensor2D[] {
    const ex = this.experts.apply(x); // [B, E, U]
    const g = this.gateBank.apply(x, training ? this.gateDropout : 0, this.dropoutRng); // [B, G, E]
    const mixed = tf.matMul(g, ex); // [B, G, U]: Σ_e g_e f_e(x) for every gate at once
    const [batch, , units] = mixed.shape;
    return tasks.map((t) => {
      const h = mixed.slice([0, this.sharedGate ? 0 : t, 0], [batch, 1, units]).reshape([batch, units]) as tf.Tensor2D;
      return this.towers[t].apply(h);
    });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Builds a multi-gate mixture of experts. */
export function mmoe(config: MmoeConfig): Mmoe {
  return new Mmoe({ ...config, sharedGate: false });
}

/** Builds a one-gate mixture of experts (OMoE). */
export function omoe(config: MmoeConfig): Mmoe {
  return new Mmoe({ ...config, sharedGate: true });
}
