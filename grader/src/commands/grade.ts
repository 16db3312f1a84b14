/**
 * The grading command:
 *
 *   npm run grade -- SUBMISSION.ipynb | FOLDER | SUBMISSIONS.zip [--out DIR] [--homework hwN] [--jobs N] [--force]
 *                    [--seed N] [--manual scores.csv] [--solution solutions/hwN.ipynb] [--cell-seconds 60]
 *                    [--probe-seconds 60] [--submission-seconds 600]
 *
 * Each submission is graded in its own process (see lib/grading). Per submission: results.json
 * (Gradescope's format), feedback.md, written.json. Per folder: gradebook.csv, summary.md,
 * distribution.svg (the score histogram) and
 * written/<question>.md with every student's written answer. A re-run skips submissions that already
 * have results (unless --force) and reuses the hidden-input seed saved in the output folder. A zip
 * (as an LMS exports a class's uploads) is unpacked to DIR/submissions first: every notebook in it,
 * at any depth, is one submission named after its path (identities.csv records which entry became
 * which file and results folder).
 *
 * The reference (and so the points) comes only from the staff's side: `--homework hwN` or
 * `--solution FILE` grades everything as that homework; otherwise each submission is matched against
 * the course's solutions/hwN.ipynb by the name in its metadata or file name, or by its content. A
 * batch never stops for one submission: any fault becomes that submission's result with a reason.
 */
import { randomInt } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { capBytes, extractNotebooks, safeComponent } from "../lib/grading/archive";
import { computeReference, gradeSubmission, identifyHomework, knownHomeworks, referenceLimits, ungradedResult, type GradeOptions, type Identification, type GradeResult, type Reference } from "../lib/grading/grade";
import { readNotebook, readSubmission, type Notebook } from "../lib/grading/notebook";
import { csvCell, gradebookCsv, markdownBlock, markdownInline, plainText, readFinishedResult, readManualScores, scoreDistributionSvg, summaryMarkdown, writeAtomic, writeResult } from "../lib/grading/results";
import { homeworkSpec } from "../lib/grading/spec";
import { sandboxIsolation, type SessionLimits } from "../lib/grading/session";

const ROOT = path.resolve(__dirname, "..");

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** One submission of a batch: its file, and where it came from (a zip entry, or the file itself). */
export interface BatchFile {
  file: string;
  source: string;
}

/** Options of a batch. */
export interface BatchOptions {
  jobs: number;
  force: boolean;
  seed: number;
  /** The course's homeworks, name → solution file: the only references a submission can be graded against. */
  known: ReadonlyMap<string, string>;
  /** The homework the staff named (`--homework` or `--solution`): every submission is graded as this one. */
  homework?: string;
  limits: SessionLimits;
  /** Replaceable for tests: grades one file. */
  grade?: (file: string, options: GradeOptions) => Promise<GradeResult>;
  /** Replaceable for tests: the reference run of one solution. */
  reference?: (solution: string, seed: number, limits: SessionLimits) => Promise<Reference>;
}

/** Names of files and folders the batch writes in --out, which no submission's folder may take. */
const RESERVED = new Set(["submissions", "written", "gradebook.csv", "summary.md", "distribution.svg", "seed.json", "identities.csv"]);

/**
 * The results folder of each submission, inside `out` whatever the file is called: names in any
 * script kept, dots-only names (`...ipynb`) and reserved names renamed, long names cut with a hash,
 * and case-insensitive clashes numbered.
 */
export function resultFolders(files: readonly string[], out: string): string[] {
  const used = new Set<string>();
  return files.map((file) => {
    let stem = safeComponent(path.basename(file).replace(/\.ipynb$/i, ""));
    if (/^\.*$/.test(stem)) stem = `_${stem}`;
    stem = capBytes(stem);
    let name = stem;
    for (let k = 2; used.has(name.toLowerCase()) || RESERVED.has(name.toLowerCase()); k++) name = `${stem}-${k}`;
    used.add(name.toLowerCase());
    const dir = path.join(out, name);
    const rel = path.relative(out, dir);
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel) || rel.includes(path.sep)) throw new Error(`internal: results folder ${dir} is not directly inside ${out}`);
    return dir;
  });
}

/**
 * Grades a class, up to `jobs` at once. Never rejects because of one submission: every fault in one
 * (unreadable, unknown homework, a link, a reference that cannot run, an error thrown while grading,
 * a result that cannot be written) becomes that submission's result with a reason.
 */
export async function gradeAll(batch: readonly BatchFile[], out: string, opts: BatchOptions): Promise<GradeResult[]> {
  const grade = opts.grade ?? gradeSubmission;
  const runReference = opts.reference ?? computeReference;
  // One reference run per homework, shared by parallel jobs (a failed run is remembered, not retried per file).
  const references = new Map<string, Promise<Reference>>();
  const referenceOf = (name: string, solution: string) => {
    if (!references.has(name)) {
      const p = runReference(solution, opts.seed, referenceLimits(opts.limits));
      p.catch(() => undefined);
      references.set(name, p);
    }
    return references.get(name) as Promise<Reference>;
  };
  const dirs = resultFolders(batch.map((b) => b.file), out);
  const results: GradeResult[] = new Array(batch.length);

  const gradeOne = async (file: string): Promise<GradeResult> => {
    const submission = path.basename(file);
    let nb: Notebook | null = null;
    let unreadable = "";
    try {
      nb = readSubmission(file);
    } catch (e) {
      // Reported by gradeSubmission when the file name tells the homework, else right here.
      unreadable = (e as Error).message;
    }
    const id: Identification = opts.homework ? { name: opts.homework, how: "named by the staff" } : identifyHomework(nb, submission, opts.known);
    if (id.name === undefined) return ungradedResult(submission, null, unreadable || id.reason);
    const solution = opts.known.get(id.name) as string;
    let reference: Reference;
    try {
      reference = await referenceOf(id.name, solution);
    } catch (e) {
      let spec = null;
      try {
        spec = homeworkSpec(readNotebook(solution));
      } catch {
        /* reported below */
      }
      return ungradedResult(submission, spec, `Not graded: the reference solution of ${id.name} could not be run, a fault of the grading setup, not of the submission (${(e as Error)?.message ?? e}).`);
    }
    return grade(file, { solution, seed: opts.seed, reference, limits: opts.limits });
  };

  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const i = next++;
      const { file } = batch[i];
      // Printed names are made plain: a file name must not drive the terminal.
      const submission = plainText(path.basename(file)).replace(/\n/g, "\\n");
      const dir = dirs[i];
      const previous = opts.force ? null : readFinishedResult(dir);
      if (previous) {
        results[i] = previous;
        console.log(`skip  ${submission} (already graded: ${previous.score} / ${previous.maxScore}; --force to regrade)`);
        continue;
      }
      let r: GradeResult;
      try {
        r = await gradeOne(file);
      } catch (e) {
        r = ungradedResult(path.basename(file), null, `The grader failed on this submission (not a fault of the submission; the course staff can regrade it with --force): ${(e as Error)?.message ?? String(e)}`);
      }
      try {
        writeResult(dir, r);
      } catch (e) {
        r.problems.push(`its result files could not be written (${(e as Error).message})`);
        console.error(`could not write the results of ${submission}: ${(e as Error).message}`);
      }
      results[i] = r;
      console.log(`graded ${submission}: ${r.score} / ${r.maxScore} in ${r.seconds.toFixed(1)} s${r.problems.length ? ` (${r.problems.length} problem(s))` : ""}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  writeIdentities(out, batch, dirs, results);
  return results;
}

/** identities.csv: which zip entry or file each submission came from and where its results are. */
function writeIdentities(out: string, batch: readonly BatchFile[], dirs: readonly string[], results: readonly GradeResult[]): void {
  const rows = batch.map((b, i) => [results[i]?.submission ?? path.basename(b.file), b.source, path.basename(dirs[i])].map(csvCell).join(","));
  writeAtomic(path.join(out, "identities.csv"), [["submission", "source", "results folder"].map(csvCell).join(","), ...rows].join("\n") + "\n");
}

/** Writes the class files (gradebook, summary, score chart, written answers); each is tried on its own. */
export function writeClassFiles(out: string, results: readonly GradeResult[], manual: Record<string, Record<string, number>> = {}): string[] {
  const failed: string[] = [];
  const attempt = (what: string, write: () => void) => {
    try {
      write();
    } catch (e) {
      failed.push(`${what}: ${(e as Error).message}`);
    }
  };
  const all = results.filter(Boolean);
  attempt("gradebook.csv", () => writeAtomic(path.join(out, "gradebook.csv"), gradebookCsv(all, manual)));
  attempt("summary.md", () => writeAtomic(path.join(out, "summary.md"), summaryMarkdown(all)));
  attempt("distribution.svg", () => writeAtomic(path.join(out, "distribution.svg"), scoreDistributionSvg(all)));
  const byQuestion: Record<string, string[]> = {};
  // Each answer sits in a fenced block it cannot close, under a heading of the grader's own text.
  for (const r of all) for (const [q, text] of Object.entries(r.written ?? {})) (byQuestion[q] ??= []).push(`## Submission: ${markdownInline(r.submission, 200)}\n\n${markdownBlock(String(text))}\n`);
  for (const [q, answers] of Object.entries(byQuestion)) attempt(`written/${q}.md`, () => writeAtomic(path.join(out, "written", `${capBytes(safeComponent(q))}.md`), `# Written answers to question ${markdownInline(q)}\n\n${answers.join("\n")}`));
  return failed;
}

/** The notebooks of a folder, links and special files included (they are refused one by one, with a reason). */
function folderNotebooks(folder: string): string[] {
  return fs.readdirSync(folder).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(folder, f));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const valued = ["--out", "--jobs", "--seed", "--manual", "--solution", "--homework", "--cell-seconds", "--probe-seconds", "--submission-seconds"];
  const target = args.find((a, i) => !a.startsWith("--") && !valued.includes(args[i - 1]));
  if (!target) {
    console.error("usage: npm run grade -- SUBMISSION.ipynb | FOLDER | SUBMISSIONS.zip [--out DIR] [--homework hwN] [--jobs N] [--force] [--seed N] [--manual scores.csv] [--solution FILE]");
    process.exit(2);
  }
  if (!fs.existsSync(target)) {
    console.error(`${target} does not exist`);
    process.exit(2);
  }
  // The references: the course's solutions, or one solution file the staff names.
  let known = knownHomeworks(path.join(ROOT, "solutions"));
  let homework = option(args, "--homework");
  const solutionOption = option(args, "--solution");
  if (solutionOption) {
    const file = path.resolve(solutionOption);
    homework = homeworkSpec(readNotebook(file)).name;
    known = new Map([[homework, file]]);
  } else if (homework && !known.has(homework)) {
    console.error(`--homework ${homework}: there is no solutions/${homework}.ipynb (known: ${[...known.keys()].join(", ") || "none"})`);
    process.exit(2);
  }
  const isZip = target.toLowerCase().endsWith(".zip");
  const isFolder = fs.statSync(target).isDirectory();
  const out = path.resolve(option(args, "--out") ?? (isZip ? target.replace(/\.zip$/i, "-grades") : path.join(isFolder ? target : path.dirname(target), "grades")));
  fs.mkdirSync(out, { recursive: true });
  let batch: BatchFile[];
  if (isZip) {
    // Unpacked next to the results, so a re-run finds the same files and skips what it graded.
    const folder = path.join(out, "submissions");
    const report = extractNotebooks(target, folder);
    for (const e of report) if (e.skipped) console.warn(`not graded: ${JSON.stringify(e.entry)} in ${path.basename(target)}: ${e.skipped}`);
    batch = report.filter((e) => e.file).map((e) => ({ file: e.file as string, source: `${path.basename(target)}: ${e.entry}` })).sort((a, b) => (a.file < b.file ? -1 : 1));
  } else {
    batch = (isFolder ? folderNotebooks(target) : [path.resolve(target)]).map((file) => ({ file, source: file }));
  }
  const seedFile = path.join(out, "seed.json");
  const seed = Number(option(args, "--seed") ?? (fs.existsSync(seedFile) ? JSON.parse(fs.readFileSync(seedFile, "utf8")).seed : randomInt(1, 2 ** 31)));
  writeAtomic(seedFile, JSON.stringify({ seed }) + "\n");
  if (!batch.length) console.warn(`no .ipynb files in ${target}`);
  const jobs = Number(option(args, "--jobs") ?? Math.min(2, os.cpus().length));
  const limits: SessionLimits = { cellSeconds: Number(option(args, "--cell-seconds") ?? 60), probeSeconds: Number(option(args, "--probe-seconds") ?? 60), submissionSeconds: Number(option(args, "--submission-seconds") ?? 600) };
  console.log(`sandbox: a process per submission, Node's permission model; ${sandboxIsolation().notes.join("; ")}`);
  // An error thrown outside every promise chain (e.g. by Node's own reader of a grading child's
  // channel fed garbage) would end the batch: it is reported, the submission concerned fails by its
  // own time limits, and the batch goes on to write every file; the exit status then says so.
  const stray: string[] = [];
  process.on("uncaughtException", (e) => {
    stray.push(e instanceof Error ? e.message : String(e));
    console.error(`internal error while grading (the batch goes on): ${e instanceof Error ? e.stack : e}`);
  });
  const results = await gradeAll(batch, out, { jobs, force: args.includes("--force"), seed, known, homework, limits });
  const manualFile = option(args, "--manual");
  const manual = manualFile ? readManualScores(manualFile) : {};
  const failed = writeClassFiles(out, results, manual);
  for (const f of failed) console.error(`could not write ${f}`);
  console.log(`\n${results.length} submission(s) graded; gradebook: ${path.join(out, "gradebook.csv")}`);
  if (stray.length) console.error(`${stray.length} internal error(s) during grading; see above`);
  if (failed.length || stray.length) process.exit(1);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
