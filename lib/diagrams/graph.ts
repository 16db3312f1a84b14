/**
 * A model's structure as a small graph to draw: blocks (layers, experts, gates, towers), the inputs
 * and descriptors that feed them, the operations that join them, and the per-task outputs. Each
 * block carries the variables it is made of, so its colour can be decided from the model's own list
 * of shared variables rather than from what the drawing code believes.
 */
import type * as tf from "@tensorflow/tfjs";

/** What a node stands for; it decides the node's shape. */
export type NodeKind = "input" | "descriptor" | "block" | "gate" | "op" | "output" | "penalty";

/** One box (or circle) of a diagram. */
export interface DiagramNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** A second line: sizes, activation. */
  detail?: string;
  /** The task whose lane this node is in, for task-specific nodes. */
  task?: number;
  /** The variables this node is made of (a slice of a fused variable counts as the variable). */
  variables: readonly tf.Variable[];
  /** Trainable scalars drawn on the node (defaults to the variables' sizes). */
  params?: number;
  /** Grid position: column (left to right, by depth) and row (top to bottom; fractions allowed). */
  col: number;
  row: number;
  /**
   * Concept figures only (nodes with no variables): whom the node concerns, for its colour. Model
   * diagrams never set it: their colours come from the model's shared variables.
   */
  tint?: "shared" | number;
  /** Drawn dashed: a part that is absent at serving time, or a penalty rather than a layer. */
  dashed?: boolean;
}

/** An arrow from one node to another. */
export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
  dashed?: boolean;
}

/** A model as a diagram. */
export interface ModelGraph {
  title: string;
  numTasks: number;
  taskNames: string[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** A line under the title, e.g. the soft-sharing penalty or where position is dropped. */
  note?: string;
}

/** Who owns a node's parameters: every task ("shared"), one task, nobody (inputs, operations). */
export type Owner = "shared" | "none" | "mixed" | number;

/**
 * A node's owner, from the model's list of shared variables: shared when all of its variables are
 * shared, its task's when none is, "mixed" (a bug in the description) otherwise.
 */
export function ownerOf(node: DiagramNode, shared: ReadonlySet<tf.Variable>): Owner {
  if (!node.variables.length) return node.tint ?? "none";
  const inShared = node.variables.filter((v) => shared.has(v)).length;
  if (inShared === node.variables.length) return "shared";
  if (inShared === 0 && node.task !== undefined) return node.task;
  return "mixed";
}

/** Trainable scalars on a node. */
export function nodeParams(node: DiagramNode): number {
  return node.params ?? node.variables.reduce((s, v) => s + v.size, 0);
}

/** Builds a graph node by node; `chain` links a list of nodes in order. */
export class GraphBuilder {
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];

  /** Adds a node and returns its id. */
  node(n: Omit<DiagramNode, "variables"> & { variables?: readonly tf.Variable[] }): string {
    if (this.nodes.some((m) => m.id === n.id)) throw new Error(`diagram: duplicate node id ${n.id}`);
    this.nodes.push({ ...n, variables: n.variables ?? [] });
    return n.id;
  }

  /** Adds an edge. */
  edge(from: string, to: string, options: { label?: string; dashed?: boolean } = {}): void {
    this.edges.push({ from, to, ...options });
  }

  /** Adds edges ids[0] → ids[1] → … */
  chain(ids: readonly string[]): void {
    for (let i = 0; i + 1 < ids.length; i++) this.edge(ids[i], ids[i + 1]);
  }

  /** The finished graph. */
  build(title: string, numTasks: number, taskNames?: readonly string[], note?: string): ModelGraph {
    const names = taskNames?.length === numTasks ? [...taskNames] : Array.from({ length: numTasks }, (_, t) => `task ${t + 1}`);
    for (const e of this.edges) {
      for (const end of [e.from, e.to]) if (!this.nodes.some((n) => n.id === end)) throw new Error(`diagram: edge to unknown node ${end}`);
    }
    return { title, numTasks, taskNames: names, nodes: this.nodes, edges: this.edges, note };
  }
}
