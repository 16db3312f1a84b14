/**
 * mtl-kit: the course's multi-task learning library. Notebooks import it as
 * `import * as mtl from "mtl-kit"` and reach each area by name: `mtl.tasks`, `mtl.models`,
 * `mtl.objectives`, `mtl.training`, `mtl.diagnostics`, `mtl.plots`, `mtl.display`, `mtl.recsys`,
 * `mtl.recommender`, `mtl.claims`; `mtl.courseSeed()` and `mtl.seedFor(...)` give every experiment its seed.
 */
import { guardKernelSends } from "./kernel-guard";

// In a tslab kernel, a busy message socket queues what a cell prints or shows instead of losing it
// (and, with the WASM backend, instead of ending the kernel): see kernel-guard.ts.
guardKernelSends();

export * from "./random";
export * from "./seed";
export * from "./backend";
export * as stats from "./stats";
export * as claims from "./claims";
export * as tasks from "./tasks";
export * as models from "./models";
export * as objectives from "./objectives";
export * as training from "./training";
export * as diagnostics from "./diagnostics";
export * as plots from "./plots";
export * as diagrams from "./diagrams";
export * as display from "./display";
export * as optim from "./optim";
export * as ops from "./ops";
export * as grading from "./grading";
export * as recsys from "./recsys";
export * as recommender from "./recommender";
