/**
 * One source, no drift: the solution notebook is the source of its homework. Code between
 * `// BEGIN SOLUTION` and `// END SOLUTION` becomes a stub that throws "not implemented"; in
 * markdown (a written answer's model answer) text between `<!-- BEGIN SOLUTION -->` and
 * `<!-- END SOLUTION -->` becomes the prompt "_Write your answer here._", as nbgrader does; cells
 * whose role is "hidden" or "rubric" (a written question's rubric, for TAs only) are dropped,
 * outputs are cleared.
 */
import { cellSource, notebookText, type Cell, type Notebook } from "./notebook";

const BEGIN = /^([ \t]*)\/\/ BEGIN SOLUTION[^\n]*\n/m;
const REGION = /^([ \t]*)\/\/ BEGIN SOLUTION[^\n]*\n[\s\S]*?^[ \t]*\/\/ END SOLUTION[^\n]*(\n|$)/gm;

const MARKDOWN_BEGIN = /<!-- BEGIN SOLUTION -->/;
const MARKDOWN_REGION = /<!-- BEGIN SOLUTION -->[\s\S]*?<!-- END SOLUTION -->/g;
/** What a student sees where the solution's markdown has a model answer. */
export const WRITTEN_PROMPT = "_Write your answer here._";

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

/** A markdown cell's source with its solution regions replaced by the answer prompt. */
export function stripMarkdownSolutions(source: string): string {
  if (MARKDOWN_BEGIN.test(source) && !source.match(MARKDOWN_REGION))
    throw new Error(`a <!-- BEGIN SOLUTION --> has no <!-- END SOLUTION -->:\n${source.slice(0, 200)}`);
  return source.replace(MARKDOWN_REGION, WRITTEN_PROMPT);
}

/** The text inside a markdown cell's solution regions (a written question's model answer), or "". */
export function markdownSolutions(source: string): string {
  return (source.match(MARKDOWN_REGION) ?? []).map((r) => r.replace(/^<!-- BEGIN SOLUTION -->|<!-- END SOLUTION -->$/g, "").trim()).join("\n\n");
}

/** Text as a notebook stores it: a list of lines, each but the last ending in "\n". */
function sourceLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** The student version of a solution notebook. */
export function makeHomework(solution: Notebook): Notebook {
  const cells: Cell[] = solution.cells
    .filter((c) => !STAFF_ONLY.has(c.metadata?.mtl?.role ?? ""))
    .map((c) =>
      c.cell_type === "code"
        ? { ...c, source: stripSolutions(cellSource(c), c.metadata?.mtl?.question), outputs: [], execution_count: null }
        : MARKDOWN_BEGIN.test(cellSource(c))
          ? { ...c, source: sourceLines(stripMarkdownSolutions(cellSource(c))) }
          : { ...c },
    );
  return { ...solution, cells };
}

/** The homework file's text, as committed. */
export function homeworkText(solution: Notebook): string {
  return notebookText(makeHomework(solution));
}
