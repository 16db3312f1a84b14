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
import { difference, type Tolerance } from "./compare";
import { decodeArgs, toPlain } from "./transport";

/** The public cases of a homework, as written by the make-homework command. */
export interface PublicChecks {
  homework: string;
  questions: Record<string, { fn: string; hint?: string; tolerance?: Tolerance; cases: Array<{ args: unknown[]; expected: unknown }> }>;
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
    if (!q) {
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
      const diff = difference(got, c.expected, q.tolerance);
      if (diff) {
        console.log(`✗ ${question}, case ${k + 1}: ${diff}\n  expected: ${JSON.stringify(c.expected)}\n  got:      ${JSON.stringify(got)}${q.hint ? `\n  hint: ${q.hint}` : ""}`);
        return false;
      }
    }
    console.log(`✓ ${question}: ${q.cases.length} public check(s) passed; these are a help and earn no points: the points come from hidden cases the grader draws at grading time`);
    return true;
  };
}
