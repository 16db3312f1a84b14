/**
 * The autograde verb, what Gradescope's `run_autograder` runs for one submission:
 *
 *   mtl-grader autograde HOMEWORK [ROOT]
 *
 * ROOT is Gradescope's directory (default /autograder): the submission is in ROOT/submission and the
 * result goes to ROOT/results/results.json. It always writes a results.json, also when no notebook
 * was uploaded or grading broke, so a student sees a reason instead of a blank page.
 */
import { randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { courseDir } from "../course";
import { computeReference, gradeSubmission, knownHomeworks } from "../grade-submission";
import { gradescopeJson, writeAtomic } from "../results";

/**
 * The notebooks under `dir`, at any depth (Gradescope keeps the uploaded folder structure), walked
 * with lstat: links are never followed, and a notebook that is a link or not a regular file is
 * listed apart, to be refused with a reason.
 */
function notebooksUnder(dir: string): { files: string[]; refused: Array<{ file: string; why: string }> } {
  const files: string[] = [];
  const refused: Array<{ file: string; why: string }> = [];
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        if (name !== ".ipynb_checkpoints") walk(p);
      } else if (name.endsWith(".ipynb")) {
        if (st.isFile()) files.push(p);
        else refused.push({ file: p, why: st.isSymbolicLink() ? "a symbolic link" : "not a regular file" });
      }
    }
  };
  if (fs.existsSync(dir) && fs.lstatSync(dir).isDirectory()) walk(dir);
  return { files, refused };
}

/** The uploaded notebook to grade: the one named HOMEWORK.ipynb, else the only notebook; links are refused. */
export function pickSubmission(dir: string, homework: string): { file?: string; reason?: string } {
  const { files: all, refused } = notebooksUnder(dir);
  const named = all.filter((f) => path.basename(f) === `${homework}.ipynb`);
  if (named.length >= 1) return { file: named[0] };
  const link = refused.find((r) => path.basename(r.file) === `${homework}.ipynb`) ?? (all.length ? undefined : refused[0]);
  if (link) return { reason: `The uploaded ${path.basename(link.file)} is ${link.why}, not a notebook file: upload the notebook itself.` };
  if (all.length === 1) return { file: all[0] };
  if (!all.length) return { reason: `No notebook was uploaded: submit your ${homework}.ipynb.` };
  return {
    reason: `Several notebooks were uploaded (${all.map((f) => path.basename(f)).join(", ")}) and none is named ${homework}.ipynb: upload just that one.`,
  };
}

/** A results.json with score 0 and the reason nothing was graded, so the student sees why. */
function writeUngraded(base: string, reason: string): void {
  writeAtomic(
    path.join(base, "results", "results.json"),
    JSON.stringify({ score: 0, output: reason, output_format: "text", visibility: "visible", tests: [] }, null, 2),
  );
}

/** What a student sees when grading itself broke (not the submission). */
const brokeMessage = (e: unknown) =>
  `The autograder failed before it could finish grading this submission; please tell the course staff. (${e instanceof Error ? e.message : String(e)})`;

/** Set once the final results.json is written: a late error must not replace a finished grade. */
let finished = false;

async function autograde(homework: string, base: string, course: string): Promise<void> {
  // Written first and replaced at the end: whatever stops the grader half way (a crash in Node's own
  // code, a kill), Gradescope finds a results.json with a reason rather than none.
  writeUngraded(base, brokeMessage(new Error("grading did not finish")));
  const results = path.join(base, "results", "results.json");
  // The homework comes from the autograder's own command line and must be one the course ships.
  const solution = knownHomeworks(path.join(course, "solutions")).get(homework);
  if (!solution) throw new Error(`the autograder was built for "${homework}", which has no solution notebook`);
  const { file, reason } = pickSubmission(path.join(base, "submission"), homework);
  if (!file) {
    writeUngraded(base, reason as string);
    finished = true;
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
  finished = true;
  console.log(`${r.submission}: ${r.score} / ${r.maxScore}`);
}

/** The autograde verb (Gradescope's run_autograder calls it; the course's tests call it on a copy of Gradescope's layout). */
export function autogradeCommand(): Command {
  return new Command("autograde")
    .description("grade the one submission in Gradescope's layout (ROOT/submission → ROOT/results/results.json); run by run_autograder")
    .argument("<homework>", "the homework the autograder was built for (hw1, ...)")
    .argument("[root]", "Gradescope's directory", "/autograder")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .action(async (homework: string, base: string, o: { course?: string }) => {
      const fail = (e: unknown) => {
        // Grading itself broke (not the submission): say so, and let the staff see the details.
        try {
          if (!finished) writeUngraded(base, brokeMessage(e));
        } finally {
          console.error(e);
          process.exit(1);
        }
      };
      // Errors thrown outside any promise chain (e.g. inside Node's own IPC reader) land here.
      process.on("uncaughtException", fail);
      process.on("unhandledRejection", fail);
      try {
        await autograde(homework, base, courseDir(o.course));
      } catch (e) {
        fail(e);
      }
    });
}
