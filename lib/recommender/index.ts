/** Barrel of lib/recommender: homework 2's ratings data, two-task recommender and its metrics. */
export * from "./ratings";
export * from "./model";
export * from "./family";
export * from "./evaluate";
