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
import { difference } from "./compare";
import { drawInputs } from "./inputs";
import { cellSource, cellsById, kernelProblem, readNotebook, type Cell, type Notebook } from "./notebook";
import { GradingSession, type SessionLimits } from "./session";
import { homeworkSpec, publicSeed, type HomeworkSpec, type QuestionSpec } from "./spec";

/** One test in Gradescope's shape. */
export interface TestResult {
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
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
  seconds: number;
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

/** The graded notebook: source cells with the submission's answers, and what had to be repaired. */
export function buildGraded(solution: Notebook, submission: Notebook): { cells: Cell[]; problems: string[]; written: Record<string, string> } {
  const homework = makeHomework(solution);
  const { byId, duplicates } = cellsById(submission);
  const problems = duplicates.map((id) => `cell "${id}" appears more than once; the first copy was graded`);
  const written: Record<string, string> = {};
  const cells = homework.cells.map((cell) => {
    const meta = cell.metadata?.mtl;
    if (!meta) return cell;
    const theirs = byId.get(meta.id);
    if (meta.role === "answer" || meta.role === "written") {
      if (!theirs) {
        problems.push(`answer cell "${meta.id}"${meta.question ? ` (question ${meta.question})` : ""} was deleted; graded as unanswered`);
        return cell;
      }
      if (meta.role === "written") written[meta.question ?? meta.id] = cellSource(theirs);
      return { ...cell, source: cellSource(theirs) };
    }
    // Experiments are the student's to change; the grader does not run them (see runCells).
    if (meta.role === "experiment") return cell;
    if (!theirs) problems.push(`locked cell "${meta.id}" was deleted; the original was restored`);
    else if (cellSource(theirs) !== cellSource(cell)) problems.push(`locked cell "${meta.id}" was edited; the original was restored`);
    return cell;
  });
  return { cells, problems, written };
}

/** Runs a notebook's code cells in a session; returns failures as readable lines. */
async function runCells(session: GradingSession, cells: Cell[]): Promise<string[]> {
  const failures: string[] = [];
  for (const [index, cell] of cells.entries()) {
    // Experiment cells train models for the written questions: they earn no points and cost time.
    if (cell.cell_type !== "code" || cell.metadata?.mtl?.role === "experiment") continue;
    const run = await session.runCell(index, cellSource(cell));
    if (!run.ok) failures.push(`cell ${index + 1}${cell.metadata?.mtl?.id ? ` ("${cell.metadata.mtl.id}")` : ""} ${run.reason ?? "failed"}${run.output ? `: ${run.output.trim().split("\n").filter((l) => l.trim()).join(" | ").slice(0, 500)}` : ""}`);
  }
  return failures;
}

/** The inputs of a question: public (fixed seeds) and hidden (the grading seed). */
function questionInputs(q: QuestionSpec, seed: number): Array<{ args: unknown[]; hidden: boolean }> {
  if (!q.fn || !q.inputs) return [];
  const pub = Array.from({ length: q.public ?? 1 }, (_, k) => ({ args: drawInputs(q.inputs as string, 1, publicSeed(q.id, k))[0], hidden: false }));
  const hid = drawInputs(q.inputs, q.hidden ?? 2, seed + [...q.id].reduce((s, c) => s + c.charCodeAt(0), 0)).map((args) => ({ args, hidden: true }));
  return [...pub, ...hid];
}

/** Runs the solution once and records its outputs on every question's inputs. */
export async function computeReference(solutionFile: string, seed: number, limits: SessionLimits = {}): Promise<Reference> {
  const solution = readNotebook(solutionFile);
  const spec = homeworkSpec(solution);
  const session = new GradingSession(limits);
  try {
    copyChecks(solutionFile, spec, session.scratch);
    const failures = await runCells(session, solution.cells);
    if (failures.length) throw new Error(`the solution notebook itself fails: ${failures.join("; ")}`);
    const reference: Reference = {};
    for (const q of spec.questions) {
      reference[q.id] = [];
      for (const input of questionInputs(q, seed)) {
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

/** Copies <name>.checks.json next to the graded notebook so check cells behave as for students. */
function copyChecks(solutionFile: string, spec: HomeworkSpec, scratch: string): void {
  const checks = path.join(path.dirname(solutionFile), "..", "homework", `${spec.name}.checks.json`);
  if (fs.existsSync(checks)) fs.copyFileSync(checks, path.join(scratch, `${spec.name}.checks.json`));
}

/** Grades one submission file; never throws: every failure becomes part of the result. */
export async function gradeSubmission(file: string, options: GradeOptions): Promise<GradeResult> {
  const started = Date.now();
  const solution = readNotebook(options.solution);
  const spec = homeworkSpec(solution);
  const auto = spec.questions.filter((q) => !q.written);
  const maxScore = auto.reduce((s, q) => s + q.points, 0);
  const result: GradeResult = { submission: path.basename(file), homework: spec.name, score: 0, maxScore, tests: [], problems: [], written: {}, seconds: 0 };
  const failAll = (why: string) => {
    result.problems.push(why);
    result.tests = auto.map((q) => ({ name: `${q.id} (${q.fn})`, score: 0, max_score: q.points, status: "failed", output: `Not graded: ${why}`, visibility: "visible" }));
    result.seconds = (Date.now() - started) / 1000;
    return result;
  };
  let submission: Notebook;
  try {
    submission = readNotebook(file);
  } catch (e) {
    return failAll((e as Error).message);
  }
  if (!submission.cells.length) return failAll("the notebook has no cells");
  const kernel = kernelProblem(submission);
  if (kernel) result.problems.push(kernel);
  const reference = options.reference ?? (await computeReference(options.solution, options.seed, options.limits));
  const graded = buildGraded(solution, submission);
  result.problems.push(...graded.problems);
  result.written = graded.written;

  const session = new GradingSession(options.limits);
  try {
    copyChecks(options.solution, spec, session.scratch);
    const failures = await runCells(session, graded.cells);
    const runNote = failures.length ? `\n\nCells that did not run cleanly:\n- ${failures.join("\n- ")}` : "";
    for (const q of auto) {
      const cases = reference[q.id] ?? [];
      const lines: string[] = [];
      let passed = 0;
      for (const [k, c] of cases.entries()) {
        const label = c.hidden ? `hidden case ${k + 1}` : `public case ${k + 1}`;
        const late = session.outOfTime();
        if (late) {
          lines.push(`✗ ${label} and the rest: not run, ${late}`);
          break;
        }
        const r = await session.probe(q.fn as string, c.args);
        if (!r.ok) {
          lines.push(`✗ ${label}: ${r.error}`);
          continue;
        }
        const diff = difference(r.value, c.expected, q.tolerance);
        if (diff) lines.push(c.hidden ? `✗ ${label}: wrong result` : `✗ ${label}: ${diff}`);
        else {
          passed++;
          lines.push(`✓ ${label}`);
        }
      }
      const score = cases.length ? Math.round((q.points * passed * 100) / cases.length) / 100 : 0;
      const hint = passed < cases.length && q.hint ? `\nHint: ${q.hint}` : "";
      result.tests.push({ name: `${q.id} (${q.fn})`, score, max_score: q.points, status: passed === cases.length && cases.length > 0 ? "passed" : "failed", output: lines.join("\n") + hint, visibility: "visible" });
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
    if (!result.tests.some((t) => t.name.startsWith(`${q.id} `))) result.tests.push({ name: `${q.id} (${q.fn})`, score: 0, max_score: q.points, status: "failed", output: "Not graded: grading stopped before this question", visibility: "visible" });
  }
  result.score = Math.round(result.tests.reduce((s, t) => s + t.score, 0) * 100) / 100;
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
