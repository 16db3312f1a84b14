/**
 * The make-homework verb: generates the student version of a homework from its solution notebook,
 * the single source:
 *
 *   mtl-grader make-homework solutions/hw1.ipynb   → homework/hw1.ipynb and homework/hw1.checks.json
 *   mtl-grader make-homework --all                 → every solutions/hw*.ipynb of the course
 *
 * The public checks' expected values come from running the solution in the grader's sandbox.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { encodeJsonValue, type PublicChecks } from "mtl-kit/grading";
import { homeworkText, makeHomework } from "../authoring";
import { courseDir, userPath } from "../course";
import { checksFileOf, computeReference } from "../grade-submission";
import { cellSource, readNotebook } from "../notebook";
import { writeAtomic } from "../results";
import { homeworkSpec } from "../spec";

/** The generated files of one homework: path → text (beside the solutions, in ../homework). */
export async function generateHomework(solutionFile: string): Promise<Record<string, string>> {
  const solution = readNotebook(solutionFile);
  const spec = homeworkSpec(solution);
  const reference = await computeReference(solutionFile, 0);
  const released = makeHomework(solution);
  const checks: PublicChecks = {
    version: 1,
    homework: spec.name,
    questions: {},
    cells: released.cells
      .filter((c) => c.metadata?.mtl)
      .map((c) => ({
        id: c.metadata.mtl!.id,
        role: c.metadata.mtl!.role,
        ...(c.metadata.mtl!.question ? { question: c.metadata.mtl!.question } : {}),
        cell_type: c.cell_type,
        source: cellSource(c),
      })),
  };
  for (const q of spec.questions) {
    const cases =
      q.written || !q.fn ? [] : reference[q.id].filter((c) => !c.hidden).map(({ args, expected }) => ({ args, expected: encodeJsonValue(expected) }));
    checks.questions[q.id] = {
      ...(q.fn ? { fn: q.fn } : {}),
      points: q.points,
      ...(q.written ? { written: true } : {}),
      hint: q.hint,
      tolerance: q.tolerance,
      cases,
    };
  }
  const checksFile = checksFileOf(solutionFile, spec.name);
  return {
    [path.join(path.dirname(checksFile), `${spec.name}.ipynb`)]: homeworkText(solution),
    [checksFile]: JSON.stringify(checks, null, 1) + "\n",
  };
}

/** The make-homework verb. */
export function makeHomeworkCommand(): Command {
  return new Command("make-homework")
    .description("generate homework/hwN.ipynb and homework/hwN.checks.json from solutions/hwN.ipynb")
    .argument("[solutions...]", "solution notebooks (solutions/hwN.ipynb)")
    .option("--all", "every solutions/hw*.ipynb of the course")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .action(async (given: string[], opts: { all?: boolean; course?: string }) => {
      let files = given.map(userPath);
      if (opts.all) {
        const dir = path.join(courseDir(opts.course), "solutions");
        files = fs
          .readdirSync(dir)
          .filter((f) => /^hw\d+\.ipynb$/.test(f))
          .map((f) => path.join(dir, f));
      }
      if (!files.length) throw new Error("name solution notebooks, or pass --all");
      for (const file of files) {
        for (const [out, text] of Object.entries(await generateHomework(file))) {
          writeAtomic(out, text);
          console.log(`wrote ${path.relative(process.cwd(), out)}`);
        }
      }
    });
}
