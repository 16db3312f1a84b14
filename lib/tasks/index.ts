/** Barrel of lib/tasks: task types, task families and sampling. */
export * from "./task";
export * from "./sampling";
export * from "./sinusoid";
export * from "./mmoe-synthetic";
export * from "./fashion-mnist";
export * from "./data-files";
export * from "./subsets";
