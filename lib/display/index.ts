/** Barrel of lib/display: rich notebook output, progress bars and tables. */
export * from "./output";
export * from "./progress";
export * from "./table";
