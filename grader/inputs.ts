/** The helpers a homework's input generators import as "mtl-grader/inputs" (see src/inputs.ts). */
export * from "./src/inputs";
