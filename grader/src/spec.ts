/** The grading specification a solution notebook carries in metadata.mtl.homework. */
import type { Notebook } from "./notebook";
import type { Tolerance } from "./compare";

/** One graded question. */
export interface QuestionSpec {
  id: string;
  points: number;
  /** The function the student implements (absent for written questions). */
  fn?: string;
  /** Input generator name (inputs.ts). */
  inputs?: string;
  /** Public cases (the student's checks) and hidden cases (grading only). */
  public?: number;
  hidden?: number;
  tolerance?: Tolerance;
  hint?: string;
  /** Graded by hand from the exported text. */
  written?: boolean;
}

/** A homework's specification. */
export interface HomeworkSpec {
  /** Version of this metadata's schema. */
  version: 1;
  name: string;
  title: string;
  questions: QuestionSpec[];
}

/** The specification of a solution notebook (throws if absent). */
export function homeworkSpec(nb: Notebook): HomeworkSpec {
  const spec = (nb.metadata.mtl as { homework?: HomeworkSpec } | undefined)?.homework;
  if (!spec) throw new Error("this notebook has no metadata.mtl.homework: it is not a solution notebook");
  return spec;
}

/** The fixed seed of public case k (public inputs are the same for every student). */
export const publicSeed = (question: string, k: number) => 1000 + k * 7919 + [...question].reduce((s, c) => s * 31 + c.charCodeAt(0), 0);
