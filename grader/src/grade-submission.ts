/**
 * Grading one submission. The graded notebook is built from the instructor's source: the student's
 * answer and written cells are taken by id, every other cell comes from the source (an edited or
 * deleted locked cell is restored and reported). The cells run in a separate process; then every
 * question's function is called on public and hidden inputs, and the returned values are compared
 * here, against the reference solution's values for the same inputs.
 */
import * as fs from "fs";
import * as path from "path";
import { makeHomework } from "./authoring";
import { difference, type Tolerance } from "mtl-kit/grading";
import { drawInputs, loadInputs, type InputGenerators } from "./inputs";
import { cellSource, cellsById, kernelProblem, readNotebook, readSubmission, type Cell, type Notebook } from "./notebook";
import { GradingSession, type SessionLimits } from "./session";
import { homeworkSpec, publicSeed, type HomeworkSpec, type QuestionSpec } from "./spec";

/** One test in Gradescope's shape, with the question it grades. */
export interface TestResult {
  /** The question's id (as in the homework's specification). */
  question: string;
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
  /** Whether every public case passed (what the student's checks and `validate` show). */
  publicPassed: boolean;
}

/** The grade of one submission. */
export interface GradeResult {
  submission: string;
  homework: string;
  score: number;
  maxScore: number;
  tests: TestResult[];
  /** Structural problems found (deleted, duplicated or edited cells, wrong kernel, unreadable file). */
  problems: string[];
  /** Written answers by question id, for the TAs. */
  written: Record<string, string>;
  /** Written questions left unanswered (absent, empty, or the template's text). */
  unanswered: string[];
  /** Answer cells left as released (their stub unchanged). */
  unedited: string[];
  seconds: number;
}

/** A grade with nothing scored or found yet: the given fields, empty lists, zero score and time. */
export function newGradeResult(fields: Pick<GradeResult, "submission" | "homework" | "maxScore"> & Partial<GradeResult>): GradeResult {
  return { score: 0, tests: [], problems: [], written: {}, unanswered: [], unedited: [], seconds: 0, ...fields };
}

/** A question as the grading loop needs it (the solution's spec and the public checks both give these). */
export interface GradedQuestion {
  id: string;
  points: number;
  fn?: string;
  written?: boolean;
  tolerance?: Tolerance;
  hint?: string;
}

/**
 * A homework as grading needs it: its questions and its released notebook (the cells the graded
 * notebook is built from), and the public checks file copied beside the graded notebook.
 */
export interface Homework {
  name: string;
  questions: GradedQuestion[];
  notebook: Notebook;
  checksFile: string | null;
}

/** Expected values per question: public cases, then hidden ones. */
export type Reference = Record<string, Array<{ args: unknown[]; expected: unknown; hidden: boolean }>>;

/** Options of grading. */
export interface GradeOptions {
  /** The instructor's solution notebook. */
  solution: string;
  /** Seed of the hidden inputs (chosen at grading time). */
  seed: number;
  limits?: SessionLimits;
  /** Reference values already computed for this solution and seed. */
  reference?: Reference;
}

/** What building the graded notebook found. */
export interface GradedNotebook {
  cells: Cell[];
  problems: string[];
  written: Record<string, string>;
  unanswered: string[];
  unedited: string[];
}

/** The text of a written answer without Markdown emphasis and spacing, to tell an answer from the template. */
const answerText = (s: string) => s.replace(/[*_`>#\s]/g, "").toLowerCase();

/**
 * The graded notebook: the released homework's cells with the submission's answers, and what had
 * to be repaired. `homework` is the student version (answers as stubs, written cells as templates).
 */
export function buildGraded(homework: Notebook, submission: Notebook): GradedNotebook {
  const { byId, duplicates } = cellsById(submission);
  const problems = duplicates.map((id) => `cell "${id}" appears more than once; the first copy was graded`);
  const written: Record<string, string> = {};
  const unanswered: string[] = [];
  const unedited: string[] = [];
  const cells = homework.cells.map((cell) => {
    const meta = cell.metadata?.mtl;
    if (!meta) return cell;
    const theirs = byId.get(meta.id);
    if (meta.role === "answer" || meta.role === "written") {
      if (!theirs) {
        problems.push(`answer cell "${meta.id}"${meta.question ? ` (question ${meta.question})` : ""} was deleted; graded as unanswered`);
        if (meta.role === "written") unanswered.push(meta.question ?? meta.id);
        else unedited.push(meta.id);
        return cell;
      }
      const text = cellSource(theirs);
      if (meta.role === "written") {
        written[meta.question ?? meta.id] = text;
        if (!answerText(text) || answerText(text) === answerText(cellSource(cell))) unanswered.push(meta.question ?? meta.id);
      } else if (text.trim() === cellSource(cell).trim()) unedited.push(meta.id);
      return { ...cell, source: text };
    }
    // Experiments are the student's to change; the grader does not run them (see runCells).
    if (meta.role === "experiment") return cell;
    if (!theirs) problems.push(`locked cell "${meta.id}" was deleted; the original was restored`);
    else if (cellSource(theirs) !== cellSource(cell)) problems.push(`locked cell "${meta.id}" was edited; the original was restored`);
    return cell;
  });
  return { cells, problems, written, unanswered, unedited };
}

/** Runs a notebook's code cells in a session; returns failures as readable lines. */
async function runCells(session: GradingSession, cells: Cell[]): Promise<string[]> {
  const failures: string[] = [];
  for (const [index, cell] of cells.entries()) {
    // Experiment cells train models for the written questions: they earn no points and cost time.
    if (cell.cell_type !== "code" || cell.metadata?.mtl?.role === "experiment") continue;
    const run = await session.runCell(index, cellSource(cell));
    if (!run.ok)
      failures.push(
        `cell ${index + 1}${cell.metadata?.mtl?.id ? ` ("${cell.metadata.mtl.id}")` : ""} ${run.reason ?? "failed"}${
          run.output
            ? `: ${run.output
                .trim()
                .split("\n")
                .filter((l) => l.trim())
                .join(" | ")
                .slice(0, 500)}`
            : ""
        }`,
      );
  }
  return failures;
}

/** Hidden inputs drawn per wanted case before giving up on finding ones unlike the public inputs. */
const DRAWS_PER_HIDDEN = 20;

/**
 * The inputs of a question: public (fixed seeds, shipped with their expected values in
 * hwN.checks.json) and hidden (drawn from the grading seed). A hidden draw equal to a public input
 * is dropped and drawn again, so that no scored input can be looked up in the public checks.
 */
export function questionInputs(q: QuestionSpec, seed: number, generators: InputGenerators): Array<{ args: unknown[]; hidden: boolean }> {
  if (!q.fn || !q.inputs) return [];
  const pub = Array.from({ length: q.public ?? 1 }, (_, k) => ({ args: drawInputs(generators, q.inputs as string, 1, publicSeed(q.id, k))[0], hidden: false }));
  const published = new Set(pub.map((c) => JSON.stringify(c.args)));
  const want = Math.max(1, q.hidden ?? 2);
  const pool = drawInputs(generators, q.inputs, want * DRAWS_PER_HIDDEN, seed + [...q.id].reduce((s, c) => s + c.charCodeAt(0), 0));
  const hid = pool
    .filter((args) => !published.has(JSON.stringify(args)))
    .slice(0, want)
    .map((args) => ({ args, hidden: true }));
  if (!hid.length) throw new Error(`question ${q.id}: the generator "${q.inputs}" draws only the public inputs, so nothing could be scored`);
  return [...pub, ...hid];
}

/**
 * Limits of a reference run: never tighter than the defaults, since tight limits are meant for
 * students' code, not for the trusted solution, whose failure would leave the whole class ungraded.
 */
export function referenceLimits(limits: SessionLimits = {}): SessionLimits {
  const atLeast = (v: number | undefined, min: number) => Math.max(v ?? min, min);
  return {
    ...limits,
    cellSeconds: atLeast(limits.cellSeconds, 60),
    probeSeconds: atLeast(limits.probeSeconds, 60),
    submissionSeconds: atLeast(limits.submissionSeconds, 600),
  };
}

/** Runs the solution once and records its outputs on every question's inputs. */
export async function computeReference(solutionFile: string, seed: number, limits: SessionLimits = {}): Promise<Reference> {
  const solution = readNotebook(solutionFile);
  const spec = homeworkSpec(solution);
  // Loaded before the session starts: a missing or broken generators file fails fast.
  const generators = loadInputs(solutionFile);
  const session = new GradingSession(limits);
  try {
    copyChecks(checksFileOf(solutionFile, spec.name), session.scratch);
    const failures = await runCells(session, solution.cells);
    if (failures.length) throw new Error(`the solution notebook itself fails: ${failures.join("; ")}`);
    const reference: Reference = {};
    for (const q of spec.questions) {
      reference[q.id] = [];
      for (const input of questionInputs(q, seed, generators)) {
        const r = await session.probe(q.fn as string, input.args);
        if (!r.ok) throw new Error(`the solution's ${q.fn} failed on question ${q.id}: ${r.error}`);
        reference[q.id].push({ ...input, expected: r.value });
      }
    }
    return reference;
  } finally {
    session.close();
  }
}

/**
 * The homeworks the course ships, by name, from the instructor's folder of solutions
 * (`hwN.ipynb`). The only place a solution path comes from: a submission can pick among these
 * names, never name a file.
 */
export function knownHomeworks(solutionsDir: string): Map<string, string> {
  const known = new Map<string, string>();
  if (!fs.existsSync(solutionsDir)) return known;
  for (const f of fs.readdirSync(solutionsDir).sort()) {
    const m = f.match(/^(hw\d+)\.ipynb$/);
    if (m) known.set(m[1], path.join(solutionsDir, f));
  }
  return known;
}

/** Which known homework a submission is, and how that was decided; or why it cannot be told. */
export type Identification = { name: string; how: string } | { name?: undefined; reason: string };

/**
 * Which of the `known` homeworks a submission is: the name in its metadata or its file name when
 * that is a known homework; else the homework whose locked cells (the given text) it shares most;
 * else the only homework there is. A name that is not in `known` is never used, so a submission
 * cannot choose its own reference or points.
 */
export function identifyHomework(nb: Notebook | null, fileName: string, known: ReadonlyMap<string, string>): Identification {
  const names = [...known.keys()];
  const claimed = (nb?.metadata?.mtl as { homework?: { name?: unknown } } | undefined)?.homework?.name;
  if (typeof claimed === "string" && known.has(claimed)) return { name: claimed, how: "named in its metadata" };
  const fromFile = fileName
    .match(/hw\d+/gi)
    ?.map((m) => m.toLowerCase())
    .find((m) => known.has(m));
  if (fromFile) return { name: fromFile, how: "from its file name" };
  if (nb && names.length > 1) {
    const shared = names
      .map((name) => {
        let locked: Set<string>;
        try {
          locked = new Set(
            makeHomework(readNotebook(known.get(name) as string))
              .cells.filter((c) => c.metadata?.mtl?.role === "locked")
              .map(cellSource),
          );
        } catch {
          locked = new Set();
        }
        return { name, n: nb.cells.filter((c) => locked.has(cellSource(c))).length };
      })
      .sort((a, b) => b.n - a.n);
    if (shared[0].n > 0 && shared[0].n > shared[1].n)
      return { name: shared[0].name, how: `from its content (${shared[0].n} of its cells are ${shared[0].name}'s)` };
  }
  if (names.length === 1) return { name: names[0], how: "the only homework" };
  const what =
    typeof claimed === "string"
      ? `its metadata names "${claimed}", which is not one of the course's homeworks (${names.join(", ")})`
      : "neither its metadata nor its file name names a homework";
  return {
    reason: `Cannot tell which homework this notebook is: ${what}, and its cells match none of them. Keep the homework's file name (e.g. hw1.ipynb) or ask the course staff to grade it with --homework.`,
  };
}

/** The public checks of a solution's homework: the course keeps `solutions/` and `homework/` side by side. */
export function checksFileOf(solutionFile: string, name: string): string {
  return path.join(path.dirname(solutionFile), "..", "homework", `${name}.checks.json`);
}

/** Copies the public checks next to the graded notebook so check cells behave as for students. */
function copyChecks(checks: string | null, scratch: string): void {
  if (checks && fs.existsSync(checks)) fs.copyFileSync(checks, path.join(scratch, path.basename(checks)));
}

/** A homework from its solution notebook (the grader's case). */
export function homeworkFromSolution(solutionFile: string): Homework {
  const solution = readNotebook(solutionFile);
  const spec = homeworkSpec(solution);
  return { name: spec.name, questions: spec.questions, notebook: makeHomework(solution), checksFile: checksFileOf(solutionFile, spec.name) };
}

/** A failed test for question `q`, with the reason. */
function failedTest(q: GradedQuestion, output: string): TestResult {
  return { question: q.id, name: `${q.id} (${q.fn})`, score: 0, max_score: q.points, status: "failed", output, visibility: "visible", publicPassed: false };
}

/**
 * A result for a submission that could not be graded, with the reason; every question of `spec`
 * (when known) scores 0 and says why.
 */
export function ungradedResult(submission: string, spec: Pick<HomeworkSpec, "name" | "questions"> | null, why: string, seconds = 0): GradeResult {
  const auto = spec ? spec.questions.filter((q) => !q.written) : [];
  return {
    submission,
    homework: spec?.name ?? "unknown homework",
    score: 0,
    maxScore: auto.reduce((s, q) => s + q.points, 0),
    tests: auto.map((q) => failedTest(q, `Not graded: ${why}`)),
    problems: [why],
    written: {},
    unanswered: [],
    unedited: [],
    seconds,
  };
}

/** The specification of a solution file, or null when it cannot be read. */
function specOrNull(solutionFile: string): HomeworkSpec | null {
  try {
    return homeworkSpec(readNotebook(solutionFile));
  } catch {
    return null;
  }
}

/**
 * Grades one submission file; never throws: every failure, the grader's own included, becomes part
 * of the result, with a reason.
 */
export async function gradeSubmission(file: string, options: GradeOptions): Promise<GradeResult> {
  const started = Date.now();
  try {
    const homework = homeworkFromSolution(options.solution);
    const reference = async () => options.reference ?? (await computeReference(options.solution, options.seed, referenceLimits(options.limits)));
    return await gradeNotebook(file, homework, reference, options.limits);
  } catch (e) {
    const why = `The grader failed on this submission (not a fault of the submission; the course staff can regrade it): ${(e as Error)?.message ?? String(e)}`;
    return ungradedResult(path.basename(file), specOrNull(options.solution), why, (Date.now() - started) / 1000);
  }
}

/**
 * Grades one notebook against `homework`, with expected values from `reference` (called once the
 * file is known to be readable). The grader passes public and hidden cases; the pre-submit
 * validation passes the public cases only, through this same code. May throw on the grader's own faults.
 */
export async function gradeNotebook(file: string, homework: Homework, reference: () => Promise<Reference>, limits?: SessionLimits): Promise<GradeResult> {
  const started = Date.now();
  const auto = homework.questions.filter((q) => !q.written);
  const maxScore = auto.reduce((s, q) => s + q.points, 0);
  const result = newGradeResult({ submission: path.basename(file), homework: homework.name, maxScore });
  const failAll = (why: string) => {
    result.problems.push(why);
    result.tests = auto.map((q) => failedTest(q, `Not graded: ${why}`));
    result.seconds = (Date.now() - started) / 1000;
    return result;
  };
  let submission: Notebook;
  try {
    // Links and special files are refused: a link to the solution must not grade as the solution.
    submission = readSubmission(file);
  } catch (e) {
    return failAll((e as Error).message);
  }
  if (!submission.cells.length) return failAll("the notebook has no cells");
  const kernel = kernelProblem(submission);
  if (kernel) result.problems.push(kernel);
  const expected = await reference();
  const graded = buildGraded(homework.notebook, submission);
  result.problems.push(...graded.problems);
  result.written = graded.written;
  result.unanswered = graded.unanswered;
  result.unedited = graded.unedited;

  const session = new GradingSession(limits);
  try {
    copyChecks(homework.checksFile, session.scratch);
    const failures = await runCells(session, graded.cells);
    const runNote = failures.length ? `\n\nCells that did not run cleanly:\n- ${failures.join("\n- ")}` : "";
    for (const q of auto) {
      const cases = expected[q.id] ?? [];
      const lines: string[] = [];
      let hiddenPassed = 0;
      let publicPassed = true;
      const hiddenCount = cases.filter((c) => c.hidden).length;
      for (const [k, c] of cases.entries()) {
        // Public cases are the ones in hwN.checks.json: shown as help, never scored (their expected
        // values are published, so an answer could look them up).
        const label = c.hidden ? `hidden case ${k + 1}` : `public case ${k + 1} (help only, no points)`;
        const late = session.outOfTime();
        if (late) {
          lines.push(`✗ ${label} and the rest: not run, ${late}`);
          publicPassed = false;
          break;
        }
        const r = await session.probe(q.fn as string, c.args);
        if (!r.ok) {
          lines.push(`✗ ${label}: ${r.error}`);
          if (!c.hidden) publicPassed = false;
          continue;
        }
        const diff = difference(r.value, c.expected, q.tolerance);
        if (diff && !c.hidden) publicPassed = false;
        if (diff) lines.push(c.hidden ? `✗ ${label}: wrong result` : `✗ ${label}: ${diff}`);
        else {
          if (c.hidden) hiddenPassed++;
          lines.push(`✓ ${label}`);
        }
      }
      const score = hiddenCount ? Math.round((q.points * hiddenPassed * 100) / hiddenCount) / 100 : 0;
      const hint = (hiddenPassed < hiddenCount || !publicPassed) && q.hint ? `\nHint: ${q.hint}` : "";
      const rule = hiddenCount
        ? `\nPoints come from the ${hiddenCount} hidden case(s), drawn at grading time: ${hiddenPassed} passed.`
        : "\nOnly the public cases were run (no points: the grader scores hidden cases it draws when it grades).";
      const passed = hiddenCount > 0 ? hiddenPassed === hiddenCount : publicPassed;
      result.tests.push({
        question: q.id,
        name: `${q.id} (${q.fn})`,
        score,
        max_score: q.points,
        status: passed ? "passed" : "failed",
        output: lines.join("\n") + rule + hint,
        visibility: "visible",
        publicPassed,
      });
    }
    if (runNote) result.problems.push(runNote.trim());
    const late = session.outOfTime();
    if (late) result.problems.push(`Grading stopped: ${late}; questions it did not reach score 0.`);
  } catch (e) {
    result.problems.push(`grading stopped early: ${(e as Error).message}`);
  } finally {
    session.close();
  }
  for (const q of auto) {
    if (!result.tests.some((t) => t.question === q.id)) result.tests.push(failedTest(q, "Not graded: grading stopped before this question"));
  }
  for (const q of result.unanswered) result.problems.push(`written question ${q} is not answered`);
  result.score = Math.round(result.tests.reduce((s, t) => s + t.score, 0) * 100) / 100;
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
