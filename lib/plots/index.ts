/** Barrel of lib/plots: figure types, showing figures, the course's standard charts and image rows. */
export * from "./figure";
export * from "./show";
export * from "./charts";
export * from "./images";
