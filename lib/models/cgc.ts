/**
 * Customized Gate Control, the single-level form of Progressive Layered Extraction (Tang et al.,
 * RecSys 2020): shared experts plus experts owned by each task; task k's gate mixes its own experts
 * and the shared ones only, which separates task-specific from shared knowledge.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { BaseArchitecture, type CommonConfig } from "./base";
import { Dense, Mlp } from "./dense";
import { ExpertBank } from "./experts";
import { uniquePrefix } from "./init";

/** Configuration of CGC. */
export interface CgcConfig extends CommonConfig {
  /** Shared experts. Default 4. */
  sharedExperts?: number;
  /** Experts owned by each task. Default 2. */
  taskExperts?: number;
  /** Units per expert. Default 16. */
  expertUnits?: number;
  /** Tower hidden sizes. Default [8]. */
  tower?: number[];
}

/** Shared and task-owned experts; per-task gates over [own, shared]. */
export class Cgc extends BaseArchitecture {
  readonly name: string;
  readonly experts: ExpertBank;
  readonly gates: Dense[];
  readonly towers: Mlp[];
  readonly shared: number;
  readonly own: number;
  readonly variables: tf.Variable[];
  readonly sharedVariables: tf.Variable[];
  readonly lastSharedVariables: tf.Variable[];

  constructor(config: CgcConfig) {
    super(config);
    this.shared = config.sharedExperts ?? 4;
    this.own = config.taskExperts ?? 2;
    const U = config.expertUnits ?? 16;
    const tower = config.tower ?? [8];
    const rng = new Rng(config.seed ?? 0);
    const prefix = uniquePrefix("cgc");
    // Experts laid out as [shared..., task 0's..., task 1's..., ...] in one bank.
    this.experts = new ExpertBank(rng, this.inputDim, this.shared + this.numTasks * this.own, U, `${prefix}/experts`);
    this.gates = Array.from({ length: this.numTasks }, (_, t) => new Dense(rng, this.inputDim, this.own + this.shared, "linear", `${prefix}/gate${t}`));
    this.towers = Array.from({ length: this.numTasks }, (_, t) => new Mlp(rng, [U, ...tower, this.outputDim], `${prefix}/tower${t}`));
    // The bank mixes shared and owned experts in one weight, so the bank counts as shared.
    this.sharedVariables = this.experts.variables;
    this.lastSharedVariables = this.experts.variables;
    this.variables = [...this.experts.variables, ...this.gates.flatMap((g) => g.variables), ...this.towers.flatMap((t) => t.variables)];
    this.name = `CGC (${this.shared} shared + ${this.own}/task experts of ${U})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const ex = this.experts.apply(x); // [B, S + T·K, U]
    const [batch, , units] = ex.shape;
    const sharedEx = ex.slice([0, 0, 0], [batch, this.shared, units]);
    return tasks.map((t) => {
      const ownEx = ex.slice([0, this.shared + t * this.own, 0], [batch, this.own, units]);
      const pool = tf.concat([ownEx, sharedEx], 1); // [B, K + S, U]
      const g = tf.softmax(this.gates[t].apply(x)).expandDims(1) as tf.Tensor3D; // [B, 1, K + S]
      const h = tf.matMul(g, pool).reshape([batch, units]) as tf.Tensor2D;
      return this.towers[t].apply(h);
    });
  }
}

/** Builds a CGC (single-level PLE) model. */
export function cgc(config: CgcConfig): Cgc {
  return new Cgc(config);
}
