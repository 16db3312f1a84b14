/**
 * The validate verb, a student's check before submitting:
 *
 *   mtl-grader validate homework/hw1.ipynb      (npm run validate -- homework/hw1.ipynb)
 *
 * It is the grader minus the hidden inputs, through the same code (gradeNotebook): the notebook the
 * grader would run is rebuilt from the released homework's cells (kept in hwN.checks.json) with the
 * student's answers, run in the same sandbox, and every question's function is called on the public
 * cases. It checks the file and the homework id, that every answer cell is present and edited,
 * runs the public checks, and flags unanswered written questions. One line per problem; the exit
 * status is 1 when there is any.
 *
 * The open notebook's unsaved edits cannot be seen from outside Jupyter. What can: Jupyter writes
 * `.ipynb_checkpoints/<name>-checkpoint.ipynb` when the student saves (Ctrl-S), while autosave
 * writes only the notebook itself. A notebook whose cells differ from that checkpoint was changed
 * since the last explicit save (by autosave or another program), so validate warns: save in
 * Jupyter and run it again, to check exactly what is on screen.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { decodeJsonValue, type PublicChecks } from "mtl-kit/grading";
import { courseDir, userPath } from "../course";
import { gradeNotebook, type GradeResult, type Homework, type Reference } from "../grade-submission";
import { readSubmission, type Cell, type CellMeta, type Notebook } from "../notebook";

/** What validation found: problems (any one fails it), warnings, and the run's result when it got that far. */
export interface Validation {
  file: string;
  homework?: string;
  problems: string[];
  warnings: string[];
  result?: GradeResult;
}

/** A homework as validation knows it: from its public checks file. */
export function homeworkFromChecks(checksFile: string): Homework & { reference: Reference } {
  let checks: PublicChecks;
  try {
    checks = JSON.parse(fs.readFileSync(checksFile, "utf8")) as PublicChecks;
  } catch (e) {
    throw new Error(`${checksFile} cannot be read (${(e as Error).message}); get it again from the course bundle`, { cause: e });
  }
  if (checks.version !== 1 || !Array.isArray(checks.cells) || typeof checks.questions !== "object")
    throw new Error(`${checksFile} is not a checks file this grader reads (version 1 with the homework's cells); get it again from the course bundle`);
  const cells: Cell[] = checks.cells.map((c) => ({
    id: c.id,
    cell_type: c.cell_type as Cell["cell_type"],
    source: c.source,
    metadata: { mtl: { id: c.id, role: c.role as CellMeta["role"], ...(c.question ? { question: c.question } : {}) } },
    ...(c.cell_type === "code" ? { outputs: [], execution_count: null } : {}),
  }));
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells,
  };
  const questions = Object.entries(checks.questions).map(([id, q]) => ({
    id,
    points: q.points,
    fn: q.fn,
    written: q.written,
    tolerance: q.tolerance,
    hint: q.hint,
  }));
  const reference: Reference = Object.fromEntries(
    Object.entries(checks.questions).map(([id, q]) => [id, q.cases.map((c) => ({ args: c.args, expected: decodeJsonValue(c.expected), hidden: false }))]),
  );
  return { name: checks.homework, questions, notebook, checksFile, reference };
}

/** The sources of a notebook's cells, to compare two saves of it (outputs and metadata aside). */
function cellTexts(file: string): string | null {
  try {
    const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells?: Array<{ source?: string | string[] }> };
    return JSON.stringify((nb.cells ?? []).map((c) => (Array.isArray(c.source) ? c.source.join("") : (c.source ?? ""))));
  } catch {
    return null;
  }
}

/** A warning when the notebook differs from Jupyter's checkpoint of its last explicit save (see the module comment). */
export function checkpointWarning(file: string): string | null {
  const checkpoint = path.join(path.dirname(file), ".ipynb_checkpoints", path.basename(file).replace(/\.ipynb$/i, "") + "-checkpoint.ipynb");
  if (!fs.existsSync(checkpoint)) return null;
  const [now, saved] = [cellTexts(file), cellTexts(checkpoint)];
  if (now === null || saved === null || now === saved) return null;
  return `the file differs from Jupyter's checkpoint of your last save (${path.relative(path.dirname(file), checkpoint)}): it changed since you last pressed Save (autosave or another program). Save the notebook in Jupyter (Ctrl-S) and run validate again, so it checks what you see.`;
}

/** The homework a notebook says it is: the name in its metadata, else one in its file name. */
function claimedHomework(nb: Notebook, file: string): string | undefined {
  const named = (nb.metadata?.mtl as { homework?: { name?: unknown } } | undefined)?.homework?.name;
  if (typeof named === "string") return named;
  return path.basename(file).match(/hw\d+/i)?.[0].toLowerCase();
}

/** Validates one notebook (see the module comment); never throws on a bad notebook, only reports. */
export async function validateNotebook(fileArg: string, course?: string): Promise<Validation> {
  const file = userPath(fileArg);
  const v: Validation = { file, problems: [], warnings: [] };
  let nb: Notebook;
  try {
    nb = readSubmission(file);
  } catch (e) {
    v.problems.push((e as Error).message);
    return v;
  }
  const name = claimedHomework(nb, file);
  if (!name) {
    v.problems.push(
      "the notebook does not say which homework it is (no metadata.mtl.homework.name and no hwN in its file name): start from the course's homework notebook",
    );
    return v;
  }
  v.homework = name;
  const candidates = [path.join(path.dirname(file), `${name}.checks.json`)];
  try {
    candidates.push(path.join(courseDir(course), "homework", `${name}.checks.json`));
  } catch {
    /* only the file beside the notebook, then */
  }
  const checksFile = candidates.find((f) => fs.existsSync(f));
  if (!checksFile) {
    v.problems.push(
      `no public checks for ${name} (looked for ${candidates.join(" and ")}): "${name}" is not a homework of this course, or the checks file is missing`,
    );
    return v;
  }
  let homework: ReturnType<typeof homeworkFromChecks>;
  try {
    homework = homeworkFromChecks(checksFile);
  } catch (e) {
    v.problems.push((e as Error).message);
    return v;
  }
  if (homework.name !== name) v.problems.push(`the notebook says it is ${name}, but its checks file is for ${homework.name}`);
  const warning = checkpointWarning(file);
  if (warning) v.warnings.push(warning);
  const r = await gradeNotebook(file, homework, async () => homework.reference);
  v.result = r;
  // The grader's own report, one line per problem (its list of cells that failed is split up).
  for (const p of r.problems)
    v.problems.push(
      ...p
        .split(/\n- |\n/)
        .map((l) => l.trim())
        .filter((l) => l && !/^Cells that did not run cleanly:?$/.test(l)),
    );
  const byId = new Map(homework.notebook.cells.map((c) => [c.metadata.mtl?.id, c.metadata.mtl]));
  for (const id of r.unedited) {
    const q = byId.get(id)?.question;
    v.problems.push(`answer cell "${id}"${q ? ` (question ${q})` : ""} is not filled in: it is still the released stub`);
  }
  for (const t of r.tests) {
    if (t.publicPassed) continue;
    const first = t.output.split("\n").find((l) => l.startsWith("✗")) ?? "did not pass";
    v.problems.push(`question ${t.question} (${t.name.replace(/^\S+\s*/, "").replace(/^\(|\)$/g, "")}): public checks fail: ${first.replace(/^✗\s*/, "")}`);
  }
  return v;
}

/** The validate verb. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("check a homework notebook before submitting: the grader minus the hidden inputs (one line per problem; exit 1 on any)")
    .argument("<notebook>", "your homework notebook, e.g. homework/hw1.ipynb")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .addHelpText(
      "after",
      "\nIt checks the file on disk. Jupyter's autosave does not update .ipynb_checkpoints/<name>-checkpoint.ipynb, a save (Ctrl-S) does:\nwhen the two differ, validate warns that the notebook changed since your last save.",
    )
    .action(async (notebook: string, o: { course?: string }) => {
      const v = await validateNotebook(notebook, o.course);
      const shown = path.relative(process.env.INIT_CWD ?? process.cwd(), v.file) || v.file;
      for (const w of v.warnings) console.log(`${shown}: warning: ${w}`);
      for (const p of v.problems) console.log(`${shown}: problem: ${p.replace(/\s*\n\s*/g, " ")}`);
      if (v.problems.length) {
        console.log(`${v.problems.length} problem(s): fix them before you submit.`);
        process.exitCode = 1;
      } else {
        console.log(
          `${shown}: ${v.homework}: every answer is filled in and every public check passes. Submit this file. (Points come from hidden inputs the grader draws when it grades.)`,
        );
      }
    });
}
