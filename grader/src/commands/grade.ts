/**
 * The grade verb:
 *
 *   mtl-grader grade SUBMISSION.ipynb | FOLDER | SUBMISSIONS.zip [--out DIR] [--homework hwN] [--solution FILE]
 *                    [--jobs N] [--force] [--seed N] [--manual scores.csv] [--cell-seconds S] [--probe-seconds S]
 *                    [--submission-seconds S] [--without-node-permission] [--course DIR]
 *
 * Each submission is graded in its own process (see session.ts). Per submission: results.json
 * (Gradescope's format), feedback.md, written.json. Per folder: gradebook.csv, summary.md,
 * distribution.svg (the score histogram), written/<question>.md with the question's rubric and model
 * answer at the top and every student's answer below, and manual-scores.csv, the template of the
 * TAs' scores for written questions (submission, question, score, comment) that --manual reads. A
 * re-run skips submissions that already have results (unless --force) and reuses the hidden-input
 * seed saved in the output folder. A zip (as an LMS exports a class's uploads) is unpacked to
 * DIR/submissions first: every notebook in it, at any depth, is one submission named after its path
 * (identities.csv records which entry became which file and results folder).
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
import { Command, InvalidArgumentError } from "commander";
import { markdownSolutions } from "../authoring";
import { capBytes, extractNotebooks, safeComponent } from "../archive";
import { courseDir, userPath } from "../course";
import {
  computeReference,
  gradeSubmission,
  identifyHomework,
  knownHomeworks,
  referenceLimits,
  ungradedResult,
  type GradeOptions,
  type Identification,
  type GradeResult,
  type Reference,
} from "../grade-submission";
import { cellSource, readNotebook, readSubmission, type Notebook } from "../notebook";
import {
  csvText,
  gradebookCsv,
  manualTemplateCsv,
  markdownBlock,
  markdownInline,
  plainText,
  readFinishedResult,
  readManualScores,
  scoreDistributionSvg,
  summaryMarkdown,
  writeAtomic,
  writeResult,
  type ManualScores,
} from "../results";
import { homeworkSpec } from "../spec";
import { allowWithoutNodePermission, isolationReport, type SessionLimits } from "../session";

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
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel) || rel.includes(path.sep))
      throw new Error(`internal: results folder ${dir} is not directly inside ${out}`);
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
  const dirs = resultFolders(
    batch.map((b) => b.file),
    out,
  );
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
      return ungradedResult(
        submission,
        spec,
        `Not graded: the reference solution of ${id.name} could not be run, a fault of the grading setup, not of the submission (${(e as Error)?.message ?? e}).`,
      );
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
        r = ungradedResult(
          path.basename(file),
          null,
          `The grader failed on this submission (not a fault of the submission; the course staff can regrade it with --force): ${(e as Error)?.message ?? String(e)}`,
        );
      }
      try {
        writeResult(dir, r);
      } catch (e) {
        r.problems.push(`its result files could not be written (${(e as Error).message})`);
        console.error(`could not write the results of ${submission}: ${(e as Error).message}`);
      }
      results[i] = r;
      console.log(
        `graded ${submission}: ${r.score} / ${r.maxScore} in ${r.seconds.toFixed(1)} s${r.problems.length ? ` (${r.problems.length} problem(s))` : ""}`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  writeIdentities(out, batch, dirs, results);
  return results;
}

/** identities.csv: which zip entry or file each submission came from and where its results are. */
function writeIdentities(out: string, batch: readonly BatchFile[], dirs: readonly string[], results: readonly GradeResult[]): void {
  const rows = batch.map((b, i) => [results[i]?.submission ?? path.basename(b.file), b.source, path.basename(dirs[i])]);
  writeAtomic(path.join(out, "identities.csv"), csvText([["submission", "source", "results folder"], ...rows]));
}

/**
 * What the staff know about each homework's written questions: their ids and each one's rubric and
 * model answer (the solution's rubric cells, then its written cell's solution region).
 */
export interface WrittenQuestions {
  [homework: string]: { questions: string[]; rubrics: Record<string, string> };
}

/** The written questions of the solutions in `known`, with their rubrics; a solution that cannot be read gives none. */
export function writtenQuestions(known: ReadonlyMap<string, string>): WrittenQuestions {
  const out: WrittenQuestions = {};
  for (const [name, file] of known) {
    try {
      const solution = readNotebook(file);
      const rubrics: Record<string, string> = {};
      for (const c of solution.cells) {
        const meta = c.metadata?.mtl;
        // The rubric cells, then the model answer (the written cell's solution region).
        const text = meta?.role === "rubric" ? cellSource(c) : meta?.role === "written" ? markdownSolutions(cellSource(c)) : "";
        if (text && meta?.question) rubrics[meta.question] = [rubrics[meta.question], text].filter(Boolean).join("\n\n");
      }
      out[name] = {
        questions: homeworkSpec(solution)
          .questions.filter((q) => q.written)
          .map((q) => q.id),
        rubrics,
      };
    } catch {
      /* reported when that homework is graded */
    }
  }
  return out;
}

/**
 * Writes the class files (gradebook, summary, score chart, written answers with their rubrics, the
 * manual-score template); each is tried on its own. The template is written only when absent: it
 * holds the TAs' scores once they fill it in.
 */
export function writeClassFiles(out: string, results: readonly GradeResult[], manual: ManualScores = {}, written: WrittenQuestions = {}): string[] {
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
  // Homeworks with written questions here (an ungraded "unknown homework" has none).
  const homeworks = [
    ...new Set([
      ...all.filter((r) => Object.keys(r.written ?? {}).length).map((r) => r.homework),
      ...all.map((r) => r.homework).filter((h) => written[h]?.questions.length),
    ]),
  ];
  // One file per written question; with several such homeworks in one batch, named hwN-<question>.
  const fileOf = (hw: string, q: string) => `${capBytes(safeComponent(homeworks.length > 1 ? `${hw}-${q}` : q))}.md`;
  const byFile = new Map<string, { hw: string; q: string; answers: string[] }>();
  for (const hw of homeworks) for (const q of written[hw]?.questions ?? []) byFile.set(fileOf(hw, q), { hw, q, answers: [] });
  // Each answer sits in a fenced block it cannot close, under a heading of the grader's own text.
  for (const r of all) {
    for (const [q, text] of Object.entries(r.written ?? {})) {
      const entry = byFile.get(fileOf(r.homework, q)) ?? byFile.set(fileOf(r.homework, q), { hw: r.homework, q, answers: [] }).get(fileOf(r.homework, q))!;
      const note = (r.unanswered ?? []).includes(q) ? " (not answered)" : "";
      entry.answers.push(`## Submission: ${markdownInline(r.submission, 200)}${note}\n\n${markdownBlock(String(text))}\n`);
    }
  }
  for (const [file, { hw, q, answers }] of byFile) {
    const rubric = written[hw]?.rubrics[q];
    const top = rubric ? `## Rubric and model answer (staff only)\n\n${rubric.trim()}\n\n---\n\n` : `_No rubric cell in the solution for this question._\n\n`;
    attempt(`written/${file}`, () =>
      writeAtomic(path.join(out, "written", file), `# Written answers to ${markdownInline(hw)} question ${markdownInline(q)}\n\n${top}${answers.join("\n")}`),
    );
  }
  const template = path.join(out, "manual-scores.csv");
  if (!fs.existsSync(template))
    attempt("manual-scores.csv", () =>
      writeAtomic(
        template,
        manualTemplateCsv(all, (hw) => written[hw]?.questions ?? []),
      ),
    );
  return failed;
}

/** The notebooks of a folder, links and special files included (they are refused one by one, with a reason). */
function folderNotebooks(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(folder, f));
}

/** A whole number ≥ min, for commander. */
export function wholeNumber(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got "${value}"`);
    return n;
  };
}

/** A number of seconds > 0, for commander. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number of seconds > 0, got "${value}"`);
  return n;
}

/** Options of the grade verb, as commander parses them. */
interface GradeCliOptions {
  out?: string;
  homework?: string;
  solution?: string;
  jobs: number;
  force?: boolean;
  seed?: number;
  manual?: string;
  cellSeconds: number;
  probeSeconds: number;
  submissionSeconds: number;
  withoutNodePermission?: boolean;
  course?: string;
}

/** The grade verb. */
export function gradeCommand(): Command {
  return new Command("grade")
    .description("grade submissions (a notebook, a folder of notebooks, or an LMS zip) in isolated processes")
    .argument("<target>", "SUBMISSION.ipynb, a FOLDER of notebooks, or SUBMISSIONS.zip")
    .option("--out <dir>", "results folder (default: <folder>/grades, or <zip name>-grades)")
    .option("--homework <hwN>", "grade every submission as this course homework")
    .option("--solution <file>", "grade every submission against this solution notebook")
    .option("--jobs <n>", "submissions graded at once", wholeNumber(1), Math.min(2, os.cpus().length))
    .option("--force", "regrade submissions that already have results")
    .option("--seed <n>", "seed of the hidden inputs (default: the one saved in --out, else random)", wholeNumber(0))
    .option("--manual <csv>", "manual scores to merge into the gradebook (columns submission,question,score[,comment]; the manual-scores.csv template)")
    .option("--cell-seconds <s>", "time limit per cell", seconds, 60)
    .option("--probe-seconds <s>", "time limit per call of a graded function", seconds, 60)
    .option("--submission-seconds <s>", "time limit per submission", seconds, 600)
    .option("--without-node-permission", "grade even where Node's permission model is not applied (relying on the OS layers alone)")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .action(async (targetArg: string, o: GradeCliOptions) => {
      const target = userPath(targetArg);
      if (!fs.existsSync(target)) throw new Error(`${targetArg} does not exist`);
      if (o.homework && o.solution) throw new Error("pass --homework or --solution, not both");
      // Checked before any work: a manual file that cannot be read fails now, not after the batch.
      const manual = o.manual ? readManualScores(userPath(o.manual)) : {};
      if (o.withoutNodePermission) allowWithoutNodePermission();
      const isolation = isolationReport();
      console.log(`sandbox: a process per submission; ${isolation.notes.join("; ")}`);
      if (isolation.refusal) throw new Error(isolation.refusal);
      // The references: the course's solutions, or one solution file the staff names.
      let known: Map<string, string>;
      let homework = o.homework;
      if (o.solution) {
        const file = userPath(o.solution);
        homework = homeworkSpec(readNotebook(file)).name;
        known = new Map([[homework, file]]);
      } else {
        known = knownHomeworks(path.join(courseDir(o.course), "solutions"));
        if (homework && !known.has(homework))
          throw new Error(`--homework ${homework}: there is no solutions/${homework}.ipynb (known: ${[...known.keys()].join(", ") || "none"})`);
      }
      const isZip = target.toLowerCase().endsWith(".zip");
      const isFolder = fs.statSync(target).isDirectory();
      const out = o.out ? userPath(o.out) : isZip ? target.replace(/\.zip$/i, "-grades") : path.join(isFolder ? target : path.dirname(target), "grades");
      fs.mkdirSync(out, { recursive: true });
      let batch: BatchFile[];
      if (isZip) {
        // Unpacked next to the results, so a re-run finds the same files and skips what it graded.
        const folder = path.join(out, "submissions");
        const report = extractNotebooks(target, folder);
        for (const e of report) if (e.skipped) console.warn(`not graded: ${JSON.stringify(e.entry)} in ${path.basename(target)}: ${e.skipped}`);
        batch = report
          .filter((e) => e.file)
          .map((e) => ({ file: e.file as string, source: `${path.basename(target)}: ${e.entry}` }))
          .sort((a, b) => (a.file < b.file ? -1 : 1));
      } else {
        batch = (isFolder ? folderNotebooks(target) : [target]).map((file) => ({ file, source: file }));
      }
      const seedFile = path.join(out, "seed.json");
      const seed = o.seed ?? (fs.existsSync(seedFile) ? Number(JSON.parse(fs.readFileSync(seedFile, "utf8")).seed) : randomInt(1, 2 ** 31));
      writeAtomic(seedFile, JSON.stringify({ seed }) + "\n");
      if (!batch.length) console.warn(`no .ipynb files in ${targetArg}`);
      const limits: SessionLimits = { cellSeconds: o.cellSeconds, probeSeconds: o.probeSeconds, submissionSeconds: o.submissionSeconds };
      // An error thrown outside every promise chain (e.g. by Node's own reader of a grading child's
      // channel fed garbage) would end the batch: it is reported, the submission concerned fails by its
      // own time limits, and the batch goes on to write every file; the exit status then says so.
      const stray: string[] = [];
      process.on("uncaughtException", (e) => {
        stray.push(e instanceof Error ? e.message : String(e));
        console.error(`internal error while grading (the batch goes on): ${e instanceof Error ? e.stack : e}`);
      });
      const results = await gradeAll(batch, out, { jobs: o.jobs, force: Boolean(o.force), seed, known, homework, limits });
      const failed = writeClassFiles(out, results, manual, writtenQuestions(known));
      for (const f of failed) console.error(`could not write ${f}`);
      console.log(
        `\n${results.length} submission(s) graded; gradebook: ${path.join(out, "gradebook.csv")}; manual scores: ${path.join(out, "manual-scores.csv")}`,
      );
      if (stray.length) console.error(`${stray.length} internal error(s) during grading; see above`);
      if (failed.length || stray.length) process.exitCode = 1;
    });
}
