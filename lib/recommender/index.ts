/** Barrel of lib/recommender: homework 2's ratings data, two-task recommender, its metrics and curves. */
export * from "./ratings";
export * from "./model";
export * from "./family";
export * from "./evaluate";
export * from "./curves";
