/** Barrel of lib/diagnostics: Δm, gradient conflict, task affinity and task grouping. */
export * from "./delta-m";
export * from "./task-gradients";
export * from "./gradient-cosine";
export * from "./affinity";
export * from "./grouping";
