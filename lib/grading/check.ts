/**
 * Students' self-checks: `const check = mtl.grading.checker("hw1")`, then `await check("1a",
 * oneHotDescriptor)` runs the public cases and says what was expected, what came back, and a hint.
 * The expected values come from the reference solution (hw1.checks.json beside the homework). These
 * checks run in the student's own kernel, so they are a help, not a grade: the grader re-runs them for
 * the feedback, but scores only hidden cases drawn at grading time (never equal to a public input),
 * in a separate process, and compares outside it.
 */
import * as fs from "fs";
import * as path from "path";
import { difference, showValue, type Tolerance } from "./compare";
import { decodeArgs, decodeJsonValue, toPlain } from "./transport";

/** One question as students' checks (and the pre-submit validation) see it. */
export interface PublicQuestion {
  /** The function the student implements; absent for written questions. */
  fn?: string;
  points: number;
  written?: boolean;
  hint?: string;
  tolerance?: Tolerance;
  /** Public cases; values JSON-safe (see encodeJsonValue). */
  cases: Array<{ args: unknown[]; expected: unknown }>;
}

/**
 * The public side of a homework, as written by the grader's make-homework command beside the
 * homework notebook: its questions with their public cases, and the homework's cells as released
 * (so the pre-submit validation can rebuild the notebook the grader will run, without the solution).
 */
export interface PublicChecks {
  /** Version of this file's layout. */
  version: 1;
  homework: string;
  questions: Record<string, PublicQuestion>;
  /** The released homework's cells with kit metadata: id, role, question and source. */
  cells: Array<{ id: string; role: string; question?: string; cell_type: string; source: string }>;
}

/** A check function for one homework, reading `<homework>.checks.json` beside the notebook (or in ../homework). */
export function checker(homework: string, folder = process.cwd()) {
  const candidates = [path.join(folder, `${homework}.checks.json`), path.join(folder, "..", "homework", `${homework}.checks.json`)];
  const file = candidates.find((f) => fs.existsSync(f)) ?? candidates[0];
  return async (question: string, fn: (...args: any[]) => unknown): Promise<boolean> => {
    if (!fs.existsSync(file)) {
      console.log(`✗ ${question}: ${file} is missing; it ships beside the homework notebook.`);
      return false;
    }
    const checks = JSON.parse(fs.readFileSync(file, "utf8")) as PublicChecks;
    const q = checks.questions[question];
    if (!q || !q.fn) {
      console.log(`✗ there is no question ${question} in ${homework}`);
      return false;
    }
    for (const [k, c] of q.cases.entries()) {
      let got: unknown;
      try {
        got = toPlain(await fn(...c.args.map(decodeArgs)));
      } catch (e) {
        console.log(`✗ ${question}, case ${k + 1}: ${q.fn} threw "${(e as Error).message}"${q.hint ? `\n  hint: ${q.hint}` : ""}`);
        return false;
      }
      const expected = decodeJsonValue(c.expected);
      const diff = difference(got, expected, q.tolerance);
      if (diff) {
        console.log(
          `✗ ${question}, case ${k + 1}: ${diff}\n  expected: ${showValue(expected)}\n  got:      ${showValue(got)}${q.hint ? `\n  hint: ${q.hint}` : ""}`,
        );
        return false;
      }
    }
    console.log(
      `✓ ${question}: ${q.cases.length} public check(s) passed; these are a help and earn no points: the points come from hidden cases the grader draws at grading time`,
    );
    return true;
  };
}
