/**
 * Inputs for graded functions, drawn from a seed. Public checks use fixed seeds; the grader draws
 * hidden inputs from a seed chosen at grading time, so answers cannot be prepared in advance.
 * Each homework's generators live next to its solution (`solutions/hwN.inputs.ts`, instructor-only)
 * and use the helpers here. Tensors travel as {"$tensor": {values, shape}} and become tensors in
 * the submission's process.
 */
import * as fs from "fs";
import { Rng } from "mtl-kit/random";

export type { Rng };

/** A tensor argument in transit. */
export interface EncodedTensor {
  $tensor: { values: number[]; shape: number[] };
}

/** Input generators by name: each returns the argument list of one call. */
export type InputGenerators = Record<string, (rng: Rng) => unknown[]>;

/** A tensor of the given shape with normal entries (scaled), rounded to 3 decimals so it survives JSON exactly. */
export function tensor(rng: Rng, shape: number[], scale = 1): EncodedTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { $tensor: { values: Array.from({ length: n }, () => Math.round(rng.normal(0, scale) * 1000) / 1000), shape } };
}

/** A one-hot vector of length n, hot at a random index. */
export function oneHotVector(rng: Rng, n: number): EncodedTensor {
  const k = rng.int(n);
  return { $tensor: { values: Array.from({ length: n }, (_, i) => (i === k ? 1 : 0)), shape: [n] } };
}

/** A random integer in [lo, hi], both ends included. */
export const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);

/** The generators file of a solution notebook: `hwN.ipynb` → `hwN.inputs.ts` beside it. */
export function inputsFileOf(solutionFile: string): string {
  return solutionFile.replace(/\.ipynb$/, "") + ".inputs.ts";
}

/**
 * Loads the input generators of the homework whose solution is `solutionFile`. The file is
 * TypeScript: it is compiled on load (tsx), so this works whether the grader runs from source or built.
 */
export function loadInputs(solutionFile: string): InputGenerators {
  const file = inputsFileOf(solutionFile);
  if (!fs.existsSync(file)) throw new Error(`the homework's input generators are missing: expected ${file} next to its solution`);
  const { require: tsRequire } = require("tsx/cjs/api") as { require: (id: string, from: string) => unknown };
  const loaded = tsRequire(file, __filename) as { INPUTS?: unknown };
  if (!loaded.INPUTS || typeof loaded.INPUTS !== "object") throw new Error(`${file} does not export INPUTS (a record of generator functions)`);
  return loaded.INPUTS as InputGenerators;
}

/** `count` argument lists for generator `name` of `generators`, drawn from `seed`. */
export function drawInputs(generators: InputGenerators, name: string, count: number, seed: number): unknown[][] {
  const make = generators[name];
  if (typeof make !== "function") throw new Error(`no input generator named ${name} (known: ${Object.keys(generators).join(", ") || "none"})`);
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => make(rng));
}
