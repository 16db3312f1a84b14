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
  /** The S shared experts: the only parameters every task uses. */
  readonly sharedExperts: ExpertBank;
  /** The T·K task-owned experts, laid out [task 0's..., task 1's..., ...]: expert block t serves task t only. */
  readonly taskExperts: ExpertBank | null;
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
    if (!(this.shared >= 1)) throw new Error(`CGC needs at least one shared expert, got ${this.shared}`);
    // Two banks, so that the shared experts are a variable of their own: gradient methods (PCGrad,
    // GradNorm) must see only them as shared. The task-owned experts still run as one product.
    this.sharedExperts = new ExpertBank(rng, this.inputDim, this.shared, U, `${prefix}/shared_experts`);
    this.taskExperts = this.own > 0 ? new ExpertBank(rng, this.inputDim, this.numTasks * this.own, U, `${prefix}/task_experts`) : null;
    this.gates = Array.from({ length: this.numTasks }, (_, t) => new Dense(rng, this.inputDim, this.own + this.shared, "linear", `${prefix}/gate${t}`));
    this.towers = Array.from({ length: this.numTasks }, (_, t) => new Mlp(rng, [U, ...tower, this.outputDim], `${prefix}/tower${t}`));
    // Each gate belongs to its task (CGC has no shared gate), so only the shared experts are shared.
    this.sharedVariables = this.sharedExperts.variables;
    this.lastSharedVariables = this.sharedExperts.variables;
    this.variables = [
      ...this.sharedVariables,
      ...(this.taskExperts?.variables ?? []),
      ...this.gates.flatMap((g) => g.variables),
      ...this.towers.flatMap((t) => t.variables),
    ];
    this.name = `CGC (${this.shared} shared + ${this.own}/task experts of ${U})`;
  }

  protected forwardTasks(x: tf.Tensor2D, tasks: readonly number[]): tf.Tensor2D[] {
    const sharedEx = this.sharedExperts.apply(x); // [B, S, U]
    const [batch, , units] = sharedEx.shape;
    const ownAll = this.taskExperts?.apply(x) ?? null; // [B, T·K, U]
    return tasks.map((t) => {
      const pool = ownAll ? tf.concat([ownAll.slice([0, t * this.own, 0], [batch, this.own, units]), sharedEx], 1) : sharedEx; // [B, K + S, U]
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
