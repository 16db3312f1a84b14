/**
 * One source, no drift: the solution notebook is the source of its homework. Code between
 * `// BEGIN SOLUTION` and `// END SOLUTION` becomes a stub that throws "not implemented", cells
 * whose role is "hidden" or "rubric" (a written question's rubric and model answer, for TAs only)
 * are dropped, outputs are cleared.
 */
import { cellSource, notebookText, type Cell, type Notebook } from "./notebook";

const BEGIN = /^([ \t]*)\/\/ BEGIN SOLUTION[^\n]*\n/m;
const REGION = /^([ \t]*)\/\/ BEGIN SOLUTION[^\n]*\n[\s\S]*?^[ \t]*\/\/ END SOLUTION[^\n]*(\n|$)/gm;

/** Roles of cells that never reach students. */
const STAFF_ONLY = new Set(["hidden", "rubric"]);

/** The stub that replaces one solution region. */
function stub(indent: string, question: string | undefined): string {
  const what = question ? `question ${question}` : "this part";
  return `${indent}// YOUR CODE HERE\n${indent}throw new Error("not implemented: ${what}");\n`;
}

/** A cell's source with its solution regions replaced by stubs. */
export function stripSolutions(source: string, question?: string): string {
  if (BEGIN.test(source) && !source.match(REGION)) throw new Error(`a BEGIN SOLUTION marker has no END SOLUTION:\n${source.slice(0, 200)}`);
  return source.replace(REGION, (_m, indent: string) => stub(indent, question));
}

/** The student version of a solution notebook. */
export function makeHomework(solution: Notebook): Notebook {
  const cells: Cell[] = solution.cells
    .filter((c) => !STAFF_ONLY.has(c.metadata?.mtl?.role ?? ""))
    .map((c) =>
      c.cell_type === "code" ? { ...c, source: stripSolutions(cellSource(c), c.metadata?.mtl?.question), outputs: [], execution_count: null } : { ...c },
    );
  return { ...solution, cells };
}

/** The homework file's text, as committed. */
export function homeworkText(solution: Notebook): string {
  return notebookText(makeHomework(solution));
}
