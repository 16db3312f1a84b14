/**
 * Generates the student version of a homework from its solution notebook, the single source:
 *
 *   npx tsx scripts/make-homework.ts solutions/hw1.ipynb   → homework/hw1.ipynb and homework/hw1.checks.json
 *   npx tsx scripts/make-homework.ts --all                 → every solutions/hw*.ipynb
 *
 * The public checks' expected values come from running the solution in the grader's sandbox.
 */
import * as fs from "fs";
import * as path from "path";
import { homeworkText } from "../lib/grading/authoring";
import { computeReference } from "../lib/grading/grade";
import { readNotebook } from "../lib/grading/notebook";
import { homeworkSpec } from "../lib/grading/spec";
import type { PublicChecks } from "../lib/grading/check";
import { writeAtomic } from "../lib/grading/results";

const ROOT = path.resolve(__dirname, "..");

/** The generated files of one homework: path → text. */
export async function generateHomework(solutionFile: string): Promise<Record<string, string>> {
  const solution = readNotebook(solutionFile);
  const spec = homeworkSpec(solution);
  const reference = await computeReference(solutionFile, 0);
  const checks: PublicChecks = { homework: spec.name, questions: {} };
  for (const q of spec.questions) {
    if (q.written || !q.fn) continue;
    checks.questions[q.id] = { fn: q.fn, hint: q.hint, tolerance: q.tolerance, cases: reference[q.id].filter((c) => !c.hidden).map(({ args, expected }) => ({ args, expected })) };
  }
  return {
    [path.join(ROOT, "homework", `${spec.name}.ipynb`)]: homeworkText(solution),
    [path.join(ROOT, "homework", `${spec.name}.checks.json`)]: JSON.stringify(checks, null, 1) + "\n",
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.includes("--all")
    ? fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => /^hw.*\.ipynb$/.test(f)).map((f) => path.join(ROOT, "solutions", f))
    : args;
  if (!files.length) {
    console.error("usage: npx tsx scripts/make-homework.ts solutions/hw1.ipynb | --all");
    process.exit(2);
  }
  for (const file of files) {
    for (const [out, text] of Object.entries(await generateHomework(file))) {
      writeAtomic(out, text);
      console.log(`wrote ${path.relative(ROOT, out)}`);
    }
  }
}

if (require.main === module) main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
