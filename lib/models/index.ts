/** Barrel of lib/models: the architecture axis (inputs and task ids → per-task outputs). */
export * from "./architecture";
export * from "./base";
export * from "./dense";
export * from "./descriptors";
export * from "./init";
export * from "./independent";
export * from "./concat";
export * from "./additive";
export * from "./multi-head";
export * from "./multiplicative";
export * from "./cross-stitch";
export * from "./soft-sharing";
export * from "./experts";
export * from "./mmoe";
export * from "./cgc";
export * from "./sizing";
