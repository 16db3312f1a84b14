/** Barrel of lib/training: the training loop, evaluation, metrics and history. */
export * from "./trainer";
export * from "./evaluate";
export * from "./metrics";
export * from "./history";
export * from "./early-stopping";
