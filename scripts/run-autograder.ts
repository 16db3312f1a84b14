/**
 * What Gradescope's `run_autograder` runs for one submission:
 *
 *   node --import tsx scripts/run-autograder.ts HOMEWORK [ROOT]
 *
 * ROOT is Gradescope's directory (default /autograder): the submission is in ROOT/submission and the
 * result goes to ROOT/results/results.json. It always writes a results.json, also when no notebook
 * was uploaded or grading broke, so a student sees a reason instead of a blank page.
 */
import { randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { computeReference, gradeSubmission } from "../lib/grading/grade";
import { gradescopeJson, writeAtomic } from "../lib/grading/results";

const ROOT = path.resolve(__dirname, "..");

/** The notebooks under `dir`, at any depth (Gradescope keeps the uploaded folder structure). */
function notebooksUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ipynb") && !f.split(path.sep).includes(".ipynb_checkpoints"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The uploaded notebook to grade: the one named HOMEWORK.ipynb, else the only notebook. */
export function pickSubmission(dir: string, homework: string): { file?: string; reason?: string } {
  const all = notebooksUnder(dir);
  const named = all.filter((f) => path.basename(f) === `${homework}.ipynb`);
  if (named.length >= 1) return { file: named[0] };
  if (all.length === 1) return { file: all[0] };
  if (!all.length) return { reason: `No notebook was uploaded: submit your ${homework}.ipynb.` };
  return { reason: `Several notebooks were uploaded (${all.map((f) => path.basename(f)).join(", ")}) and none is named ${homework}.ipynb: upload just that one.` };
}

/** A results.json with score 0 and the reason nothing was graded, so the student sees why. */
function writeUngraded(base: string, reason: string): void {
  writeAtomic(path.join(base, "results", "results.json"), JSON.stringify({ score: 0, output: reason, output_format: "text", visibility: "visible", tests: [] }, null, 2));
}

async function main(): Promise<void> {
  const [homework, base = "/autograder"] = process.argv.slice(2);
  if (!homework) {
    console.error("usage: node --import tsx scripts/run-autograder.ts HOMEWORK [ROOT]");
    process.exit(2);
  }
  const results = path.join(base, "results", "results.json");
  const solution = path.join(ROOT, "solutions", `${homework}.ipynb`);
  const { file, reason } = pickSubmission(path.join(base, "submission"), homework);
  if (!file) {
    writeUngraded(base, reason as string);
    console.log(reason);
    return;
  }
  // A fresh seed per run: hidden inputs differ between submissions and resubmissions.
  const seed = randomInt(1, 2 ** 31);
  // Gradescope's default machine has 0.5 CPU, 768 MB and 10 minutes: one submission, a modest heap,
  // generous cells, and a whole-submission limit that leaves time for the reference run.
  const limits = { cellSeconds: 120, probeSeconds: 120, submissionSeconds: 480, heapMb: 512 };
  const reference = await computeReference(solution, seed, limits);
  const r = await gradeSubmission(file, { solution, seed, reference, limits });
  writeAtomic(results, JSON.stringify(gradescopeJson(r), null, 2));
  console.log(`${r.submission}: ${r.score} / ${r.maxScore}`);
}

if (require.main === module) {
  main().catch((e) => {
    // Grading itself broke (not the submission): say so, and let the staff see the details.
    const base = process.argv[3] ?? "/autograder";
    const message = `The autograder failed before it could grade this submission; please tell the course staff. (${e instanceof Error ? e.message : e})`;
    writeUngraded(base, message);
    console.error(e);
    process.exit(1);
  });
}
