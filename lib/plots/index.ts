/** Barrel of lib/plots: figure types, showing figures, and the course's standard charts. */
export * from "./figure";
export * from "./show";
export * from "./charts";
