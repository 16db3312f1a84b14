/**
 * The grading command:
 *
 *   npm run grade -- SUBMISSION.ipynb | FOLDER | SUBMISSIONS.zip [--out DIR] [--jobs N] [--force] [--seed N]
 *                    [--manual scores.csv] [--solution solutions/hwN.ipynb] [--cell-seconds 60] [--probe-seconds 60]
 *                    [--submission-seconds 600]
 *
 * Each submission is graded in its own process (see lib/grading). Per submission: results.json
 * (Gradescope's format), feedback.md, written.json. Per folder: gradebook.csv, summary.md,
 * distribution.svg (the score histogram) and
 * written/<question>.md with every student's written answer. A re-run skips submissions that already
 * have results (unless --force) and reuses the hidden-input seed saved in the output folder. A zip
 * (as an LMS exports a class's uploads) is unpacked to DIR/submissions first: every notebook in it,
 * at any depth, is one submission named after its path.
 */
import { randomInt } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { extractNotebooks } from "../lib/grading/archive";
import { computeReference, gradeSubmission, type GradeResult, type Reference } from "../lib/grading/grade";
import { readNotebook } from "../lib/grading/notebook";
import { gradebookCsv, readManualScores, scoreDistributionSvg, summaryMarkdown, writeAtomic, writeResult } from "../lib/grading/results";
import { sandboxIsolation, type SessionLimits } from "../lib/grading/session";

const ROOT = path.resolve(__dirname, "..");

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Which homework a submission is, from its own metadata or its file name. */
function solutionFor(file: string): string {
  let name: string | undefined;
  try {
    name = (readNotebook(file).metadata.mtl as { homework?: { name: string } } | undefined)?.homework?.name;
  } catch {
    /* unreadable: fall back to the file name */
  }
  name ??= path.basename(file).match(/hw\d+/)?.[0];
  if (!name) throw new Error(`cannot tell which homework ${file} is: pass --solution solutions/hwN.ipynb`);
  return path.join(ROOT, "solutions", `${name}.ipynb`);
}

/** Grades many submissions with up to `jobs` at once. */
async function gradeAll(files: string[], out: string, opts: { jobs: number; force: boolean; seed: number; solution?: string; limits: SessionLimits }): Promise<GradeResult[]> {
  const references = new Map<string, Reference>();
  const results: GradeResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i];
      const dir = path.join(out, path.basename(file, ".ipynb"));
      const done = path.join(dir, "grade.json");
      if (!opts.force && fs.existsSync(done)) {
        results[i] = JSON.parse(fs.readFileSync(done, "utf8"));
        console.log(`skip  ${path.basename(file)} (already graded: ${results[i].score} / ${results[i].maxScore}; --force to regrade)`);
        continue;
      }
      const solution = opts.solution ?? solutionFor(file);
      if (!references.has(solution)) references.set(solution, await computeReference(solution, opts.seed));
      const r = await gradeSubmission(file, { solution, seed: opts.seed, reference: references.get(solution), limits: opts.limits });
      writeResult(dir, r);
      results[i] = r;
      console.log(`graded ${r.submission}: ${r.score} / ${r.maxScore} in ${r.seconds.toFixed(1)} s${r.problems.length ? ` (${r.problems.length} problem(s))` : ""}`);
    }
  };
  // The first reference is computed before the workers start, so parallel jobs share it.
  if (files.length) {
    const first = opts.solution ?? solutionFor(files[0]);
    references.set(first, await computeReference(first, opts.seed, opts.limits));
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const target = args.find((a, i) => !a.startsWith("--") && !["--out", "--jobs", "--seed", "--manual", "--solution", "--cell-seconds", "--probe-seconds", "--submission-seconds"].includes(args[i - 1]));
  if (!target) {
    console.error("usage: npm run grade -- SUBMISSION.ipynb | FOLDER | SUBMISSIONS.zip [--out DIR] [--jobs N] [--force] [--seed N] [--manual scores.csv] [--solution FILE]");
    process.exit(2);
  }
  if (!fs.existsSync(target)) {
    console.error(`${target} does not exist`);
    process.exit(2);
  }
  const isZip = target.toLowerCase().endsWith(".zip");
  const isFolder = fs.statSync(target).isDirectory();
  const out = path.resolve(option(args, "--out") ?? (isZip ? target.replace(/\.zip$/i, "-grades") : path.join(isFolder ? target : path.dirname(target), "grades")));
  fs.mkdirSync(out, { recursive: true });
  let folder = isFolder ? target : null;
  if (isZip) {
    // Unpacked next to the results, so a re-run finds the same files and skips what it graded.
    folder = path.join(out, "submissions");
    for (const e of extractNotebooks(target, folder)) if (e.skipped) console.warn(`not graded: ${e.entry} in ${path.basename(target)}: ${e.skipped}`);
  }
  const seedFile = path.join(out, "seed.json");
  const seed = Number(option(args, "--seed") ?? (fs.existsSync(seedFile) ? JSON.parse(fs.readFileSync(seedFile, "utf8")).seed : randomInt(1, 2 ** 31)));
  writeAtomic(seedFile, JSON.stringify({ seed }) + "\n");
  const from = folder;
  const files = from
    ? fs.readdirSync(from).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(from, f))
    : [target];
  if (!files.length) console.warn(`no .ipynb files in ${target}`);
  const jobs = Number(option(args, "--jobs") ?? Math.min(2, os.cpus().length));
  const solution = option(args, "--solution");
  const limits: SessionLimits = { cellSeconds: Number(option(args, "--cell-seconds") ?? 60), probeSeconds: Number(option(args, "--probe-seconds") ?? 60), submissionSeconds: Number(option(args, "--submission-seconds") ?? 600) };
  console.log(`sandbox: a process per submission, Node's permission model; ${sandboxIsolation().notes.join("; ")}`);
  const results = await gradeAll(files, out, { jobs, force: args.includes("--force"), seed, solution: solution && path.resolve(solution), limits });
  const manualFile = option(args, "--manual");
  const manual = manualFile ? readManualScores(manualFile) : {};
  writeAtomic(path.join(out, "gradebook.csv"), gradebookCsv(results, manual));
  writeAtomic(path.join(out, "summary.md"), summaryMarkdown(results));
  writeAtomic(path.join(out, "distribution.svg"), scoreDistributionSvg(results));
  const byQuestion: Record<string, string[]> = {};
  for (const r of results) for (const [q, text] of Object.entries(r.written)) (byQuestion[q] ??= []).push(`## ${r.submission}\n\n${text}\n`);
  for (const [q, answers] of Object.entries(byQuestion)) writeAtomic(path.join(out, "written", `${q}.md`), `# Written answers to question ${q}\n\n${answers.join("\n")}`);
  console.log(`\n${results.length} submission(s) graded; gradebook: ${path.join(out, "gradebook.csv")}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
