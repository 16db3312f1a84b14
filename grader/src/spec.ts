/**
 * The grading specification a solution notebook carries in metadata.mtl.homework, checked against
 * a versioned schema: points are defined here and nowhere else.
 */
import { z } from "zod";
import type { Notebook } from "./notebook";

/** The metadata schema version this grader reads. */
export const SPEC_VERSION = 1;

const tolerance = z.strictObject({ atol: z.number().nonnegative().optional(), rtol: z.number().nonnegative().optional() });

const question = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a question id is letters, digits, '.', '_' or '-'"),
    points: z.number().finite().nonnegative(),
    /** The function the student implements (absent for written questions). */
    fn: z
      .string()
      .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "fn must be a function name")
      .optional(),
    /** Input generator name (in the homework's hwN.inputs.ts, next to the solution). */
    inputs: z.string().min(1).optional(),
    /** Public cases (the student's checks) and hidden cases (grading only). */
    public: z.number().int().nonnegative().optional(),
    hidden: z.number().int().positive().optional(),
    tolerance: tolerance.optional(),
    hint: z.string().optional(),
    /** Graded by hand from the exported text. */
    written: z.boolean().optional(),
  })
  .refine((q) => (q.written ? !q.fn : Boolean(q.fn && q.inputs)), { message: "a question is either written (no fn) or has both fn and inputs" });

const homework = z
  .strictObject({
    version: z.literal(SPEC_VERSION, { error: `version must be ${SPEC_VERSION} (this grader reads version ${SPEC_VERSION} of the homework metadata)` }),
    name: z.string().regex(/^hw\d+$/, "name must look like hw1"),
    title: z.string().optional(),
    questions: z.array(question).min(1),
  })
  .refine((h) => new Set(h.questions.map((q) => q.id)).size === h.questions.length, { message: "question ids must be unique" });

/** One graded question. */
export type QuestionSpec = z.infer<typeof question>;

/** A homework's specification. */
export type HomeworkSpec = z.infer<typeof homework>;

/** `spec` checked against the schema, or an error naming every problem with its place. */
export function parseHomeworkSpec(spec: unknown, where = "metadata.mtl.homework"): HomeworkSpec {
  const r = homework.safeParse(spec);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `- ${[where, ...i.path].join(".")}: ${i.message}`);
  throw new Error(`${where} is not a valid homework specification:\n${lines.join("\n")}`);
}

/** The specification of a solution notebook (throws, with every problem, if absent or invalid). */
export function homeworkSpec(nb: Notebook): HomeworkSpec {
  const spec = (nb.metadata.mtl as { homework?: unknown } | undefined)?.homework;
  if (spec === undefined) throw new Error("this notebook has no metadata.mtl.homework: it is not a solution notebook");
  return parseHomeworkSpec(spec);
}

/** The fixed seed of public case k (public inputs are the same for every student). */
export const publicSeed = (question: string, k: number) => 1000 + k * 7919 + [...question].reduce((s, c) => s * 31 + c.charCodeAt(0), 0);
