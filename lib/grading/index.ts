/** Barrel of lib/grading: the student's self-check and the grader's building blocks. */
export * from "./check";
export * from "./compare";
export * from "./notebook";
export * from "./authoring";
export * from "./spec";
export * from "./inputs";
export * from "./session";
export * from "./grade";
export * from "./results";
export * from "./transport";
export * from "./archive";
export * from "./isolation";
