/**
 * Reading notebooks defensively: every way a submitted file can be wrong becomes a clear message,
 * never a crash. Graded and locked cells are found by their kit id (metadata.mtl.id), not position.
 */
import * as fs from "fs";

/** A notebook cell as the grader uses it. */
export interface Cell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { mtl?: CellMeta; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
}

/** The kit's metadata on a homework cell. */
export interface CellMeta {
  id: string;
  /**
   * answer: the student edits it; locked: must not change; check: a public check; written: a
   * written answer; hidden: removed from the student version; rubric: a written question's rubric
   * and model answer (solution only; the grader shows it to TAs); experiment: given code the
   * student may change and the grader does not run.
   */
  role: "answer" | "locked" | "check" | "written" | "hidden" | "rubric" | "experiment";
  question?: string;
}

/** A parsed notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The source of a cell as one string. */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Parses notebook text; throws an Error whose message a student can act on. */
export function parseNotebook(text: string, name = "the notebook"): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name} is not valid JSON (${(e as Error).message}); re-download it from JupyterLab with File ▸ Download`, { cause: e });
  }
  const n = nb as Partial<Notebook> & { worksheets?: unknown };
  if (typeof n !== "object" || n === null) throw new Error(`${name} is not a notebook (expected a JSON object)`);
  if (n.nbformat !== 4)
    throw new Error(`${name} uses nbformat ${n.nbformat ?? "(missing)"}; the course needs nbformat 4 (open and save it in JupyterLab to convert it)`);
  if (!Array.isArray(n.cells)) throw new Error(`${name} has no list of cells`);
  if (n.metadata !== undefined && (typeof n.metadata !== "object" || n.metadata === null || Array.isArray(n.metadata)))
    throw new Error(`${name} has notebook metadata that is not an object`);
  // Every cell is checked here, so that no later step meets a null or a number where a cell belongs.
  n.cells.forEach((c, i) => {
    const why = cellShapeProblem(c);
    if (why) throw new Error(`${name}: cell ${i + 1} ${why}; the notebook was edited outside Jupyter (re-download it from JupyterLab with File ▸ Download)`);
  });
  return { nbformat: 4, nbformat_minor: n.nbformat_minor ?? 5, metadata: (n.metadata as Record<string, unknown>) ?? {}, cells: n.cells as Cell[] };
}

/** Why a parsed value cannot be a notebook cell, or null when it can. */
function cellShapeProblem(c: unknown): string | null {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return `is ${c === null ? "null" : Array.isArray(c) ? "a list" : `a ${typeof c}`}, not a cell`;
  const cell = c as Record<string, unknown>;
  if (!["code", "markdown", "raw"].includes(cell.cell_type as string)) return "has no valid cell_type";
  const src = cell.source;
  if (!(typeof src === "string" || (Array.isArray(src) && src.every((l) => typeof l === "string")))) return "has a source that is not text";
  if (cell.metadata !== undefined && (typeof cell.metadata !== "object" || cell.metadata === null || Array.isArray(cell.metadata)))
    return "has metadata that is not an object";
  const mtl = (cell.metadata as Record<string, unknown> | undefined)?.mtl;
  if (mtl !== undefined && (typeof mtl !== "object" || mtl === null || typeof (mtl as { id?: unknown }).id !== "string"))
    return "has kit metadata (metadata.mtl) without a text id";
  return null;
}

/** Largest submitted notebook the grader reads. */
export const MAX_SUBMISSION_BYTES = 50e6;

/**
 * The text of a submitted file, read without following a symbolic link: the last path component is
 * opened with O_NOFOLLOW and the open file must be a regular file (not a link, folder, FIFO or
 * device), so a link to the solutions or to /dev/zero is refused, and nothing can swap the file
 * between the check and the read.
 */
export function readSubmissionText(file: string, maxBytes = MAX_SUBMISSION_BYTES): string {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(file);
  } catch {
    throw new Error(`${file} does not exist`);
  }
  if (lst.isSymbolicLink()) throw new Error(`${file} is a symbolic link, not a notebook file; upload the notebook itself`);
  if (!lst.isFile()) throw new Error(`${file} is not a regular file`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new Error(`${file} cannot be opened as a regular file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    if (st.size > maxBytes) throw new Error(`${file} is ${(st.size / 1e6).toFixed(0)} MB, over the ${(maxBytes / 1e6).toFixed(0)} MB limit for a notebook`);
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and parses a submitted notebook (see readSubmissionText: links and special files are refused). */
export function readSubmission(file: string): Notebook {
  return parseNotebook(readSubmissionText(file), file.split(/[\\/]/).pop());
}

/** Reads and parses a notebook file. */
export function readNotebook(file: string): Notebook {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist`);
  return parseNotebook(fs.readFileSync(file, "utf8"), file);
}

/** The kernel a notebook names, or a problem with it. */
export function kernelProblem(nb: Notebook): string | null {
  const spec = nb.metadata.kernelspec as { name?: string } | undefined;
  if (!spec) return "the notebook names no kernel (it will be graded with the TypeScript kernel anyway)";
  if (spec.name !== "tslab")
    return `the notebook names kernel "${spec.name}", not the course's TypeScript kernel "tslab" (it will be graded with tslab anyway)`;
  return null;
}

/** Kit cells by id; duplicates are reported, not merged. */
export function cellsById(nb: Notebook): { byId: Map<string, Cell>; duplicates: string[] } {
  const byId = new Map<string, Cell>();
  const duplicates: string[] = [];
  for (const cell of nb.cells) {
    const id = cell.metadata?.mtl?.id;
    if (!id) continue;
    if (byId.has(id)) duplicates.push(id);
    else byId.set(id, cell);
  }
  return { byId, duplicates: [...new Set(duplicates)] };
}

/** A notebook written as text with outputs cleared (what the kit commits). */
export function notebookText(nb: Notebook): string {
  const cells = nb.cells.map((c) => (c.cell_type === "code" ? { ...c, outputs: [], execution_count: null } : c));
  return JSON.stringify({ ...nb, cells }, null, 1) + "\n";
}
