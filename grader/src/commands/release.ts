/**
 * The release verb: builds the student bundle from the committed course (git HEAD; uncommitted
 * changes never ship and are named in a warning):
 *
 *   mtl-grader release [--out DIR] [--zip FILE.zip]
 *
 * It holds the course (notebooks, library, grader, data, homework, the course command and package
 * files) and leaves out solutions (with their hidden-input generators), tests, benchmarks and CI.
 * The instructor's README and npm scripts are replaced by a student README and the scripts it
 * names, each of which works in the bundle. It refuses to finish if a homework file still contains
 * solution code.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { zipFiles } from "../archive";
import { courseDir, userPath } from "../course";
import { cellSource, parseNotebook } from "../notebook";
import { committedFiles, dirtyWarning, exportCommitted } from "../tracked-files";
import { execFileSync } from "child_process";

/** What never ships to students. */
const EXCLUDED = [
  /^solutions\//,
  /^test\//,
  /^bench\//,
  /^\.ci\//,
  /^release\//,
  /^gradescope\//,
  /^grader\/dist\//,
  /^scripts\/(test\.ts|run-notebook\.ts|notebook-runner\.ts|execute_notebook\.py)$/,
];

/** The npm scripts students get: the ones the student README names, and the build step npm install runs. */
const STUDENT_SCRIPTS = ["prepare", "build", "start", "validate"];

/** The student README: every command in it works in the bundle (a test runs them). */
export const STUDENT_README = `# Multi-task learning in TypeScript notebooks: student bundle

Lecture notebooks (\`notebooks/\`) and homework (\`homework/\`) in TypeScript, on the tslab Jupyter
kernel with TensorFlow.js.

## Set up and open the course

\`\`\`sh
npm install      # the packages, and the course library built for the notebooks
npm start        # registers the TypeScript kernel and opens the course in Jupyter
\`\`\`

Requirements: Node.js 20 or newer, and Jupyter (JupyterLab, or the classic Notebook). If Jupyter is
missing, \`npm start\` says how to install it. \`npm start -- --register-only\` only registers the
kernel (e.g. for VS Code).

## Homework

Open \`homework/hw1.ipynb\` (or \`hw2\`) and fill in the cells marked \`// YOUR CODE HERE\` and the
written answers. Each question's check cell runs the public checks: they help, and earn no points;
the grader scores hidden inputs it draws when it grades.

## Before you submit

Save the notebook in Jupyter (Ctrl-S), then run

\`\`\`sh
npm run validate -- homework/hw1.ipynb
\`\`\`

It runs your notebook the way the grader does, minus the hidden inputs: it checks the file and the
homework, that every answer cell is there and filled in, runs the public checks, and lists written
questions still unanswered. It prints one line per problem and fails if there is any. It checks the
file on disk: if the notebook open in Jupyter has unsaved edits, save first (it warns when the file
differs from Jupyter's last checkpoint). Submit the \`.ipynb\` file itself.
`;

/** The bundle's package.json: the instructor's, with only the students' scripts. */
function studentPackageJson(text: string): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  pkg.scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).filter(([name]) => STUDENT_SCRIPTS.includes(name)));
  return JSON.stringify(pkg, null, 2) + "\n";
}

/** Lines of solution code (from the committed solutions) that must not appear in any released homework file. */
function solutionLines(course: string): Set<string> {
  const secrets = new Set<string>();
  for (const sol of committedFiles(course, []).filter((f) => /^solutions\/[^/]+\.ipynb$/.test(f))) {
    const text = execFileSync("git", ["show", `HEAD:${sol}`], { cwd: course, maxBuffer: 1 << 30 }).toString("utf8");
    const cells = parseNotebook(text, sol).cells.map(cellSource);
    const region = /\/\/ BEGIN SOLUTION[^\n]*\n([\s\S]*?)\/\/ END SOLUTION/g;
    // A line the notebook also gives outside its solutions (e.g. in an experiment cell) is no secret.
    const given = new Set(
      cells.flatMap((c) =>
        c
          .replace(region, "")
          .split("\n")
          .map((l) => l.trim()),
      ),
    );
    for (const c of cells) {
      for (const m of c.matchAll(region)) {
        m[1]
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l.length > 25 && !given.has(l))
          .forEach((l) => secrets.add(l));
      }
    }
  }
  return secrets;
}

/** Marks a folder as a bundle this command wrote, so that only such a folder is ever emptied. */
const MARKER = ".mtl-student-bundle";

/**
 * Writes the bundle of the course in `course` into `out` and returns the files it holds. `out` must
 * be absent, empty, or a bundle written before (it is replaced): any other folder is refused, so a
 * mistyped --out cannot delete someone's files.
 */
export function buildRelease(course: string, out: string): string[] {
  if (fs.existsSync(out)) {
    const entries = fs.readdirSync(out);
    if (entries.length && !entries.includes(MARKER))
      throw new Error(`${out} is not empty and is not a student bundle this command wrote: choose another --out (nothing was changed)`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  const files = exportCommitted(course, EXCLUDED, out);
  // Solution code could only leak through the generated homework: none of its files may contain a line of a solution region.
  const secrets = solutionLines(course);
  for (const f of files.filter((x) => x.startsWith("homework/"))) {
    const text = fs.readFileSync(path.join(out, f), "utf8");
    for (const line of secrets) {
      if (text.includes(line)) {
        fs.rmSync(out, { recursive: true, force: true });
        throw new Error(`${f} contains solution code ("${line}"); the release was not built`);
      }
    }
  }
  fs.writeFileSync(path.join(out, MARKER), "");
  fs.writeFileSync(path.join(out, "README.md"), STUDENT_README);
  fs.writeFileSync(path.join(out, "package.json"), studentPackageJson(fs.readFileSync(path.join(out, "package.json"), "utf8")));
  return files.includes("README.md") ? files : [...files, "README.md"];
}

/** The release verb. */
export function releaseCommand(): Command {
  return new Command("release")
    .description("build the student bundle from the committed course (solutions, tests and tooling left out)")
    .option("--out <dir>", "the bundle's folder (default: release/student in the course)")
    .option("--zip <file>", "also pack the bundle into this zip")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .action((o: { out?: string; zip?: string; course?: string }) => {
      const course = courseDir(o.course);
      const warning = dirtyWarning(course, EXCLUDED);
      if (warning) console.warn(warning);
      const out = o.out ? userPath(o.out) : path.join(course, "release", "student");
      const files = buildRelease(course, out);
      console.log(
        `student bundle (from the commit ${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: course }).toString().trim()}): ${files.length} files in ${out}\nStudents run: npm install && npm start`,
      );
      if (o.zip) {
        const zip = userPath(o.zip);
        zipFiles(out, files, zip);
        console.log(`zipped: ${zip}`);
      }
    });
}
