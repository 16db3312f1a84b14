/** Barrel of lib/ops: operations the backends lack or run slowly. */
export * from "./embedding";
export * from "./read";
