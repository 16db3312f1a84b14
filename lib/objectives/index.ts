/** Barrel of lib/objectives: the weighting axis (per-task losses and gradients → one update). */
export * from "./weighting";
export * from "./losses";
export * from "./fixed";
export * from "./uncertainty";
export * from "./dwa";
export * from "./dro";
export * from "./flat-gradients";
export * from "./pcgrad";
export * from "./gradnorm";
