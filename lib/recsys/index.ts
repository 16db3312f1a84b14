/** Barrel of lib/recsys: the case study's simulator, logs, ranker and ranking metrics. */
export * from "./simulator";
export * from "./log";
export * from "./ranker";
export * from "./metrics";
export * from "./evaluate";
