/**
 * The student bundle: built from the committed course (never the working tree), without solutions
 * or their input generators, with a student README whose every command works in the bundle. The
 * last test unpacks it into a clean folder, installs it offline (from npm's cache, which this
 * machine's own install filled; no network) and runs those commands.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildRelease, STUDENT_README } from "../../grader/src/commands/release";
import { dirtyWarning, exportCommitted } from "../../grader/src/tracked-files";

const ROOT = path.resolve(__dirname, "..", "..");
const tmp = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `mtl-release-${what}-`));
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.org" },
  });

/** A small course in a git repository of its own: a solution, its homework, and one more file. */
function miniCourse(homeworkText: string): string {
  const dir = tmp("course");
  for (const d of ["solutions", "homework", "notebooks"]) fs.mkdirSync(path.join(dir, d));
  const cell = (id: string, role: string, source: string) => ({
    id,
    cell_type: "code",
    metadata: { mtl: { id, role } },
    source,
    outputs: [],
    execution_count: null,
  });
  const solution = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      cell("a1", "answer", "function f(n: number) {\n  // BEGIN SOLUTION\n  return Array.from({ length: n }, (_, i) => i * i + 1);\n  // END SOLUTION\n}"),
    ],
  };
  fs.writeFileSync(path.join(dir, "solutions", "hw1.ipynb"), JSON.stringify(solution));
  fs.writeFileSync(path.join(dir, "solutions", "hw1.inputs.ts"), "export const INPUTS = {};\n");
  fs.writeFileSync(path.join(dir, "homework", "hw1.ipynb"), homeworkText);
  fs.writeFileSync(path.join(dir, "notebooks", "00.ipynb"), "committed\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "c", scripts: { start: "x", test: "y", grade: "z", validate: "v" } }));
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "course");
  return dir;
}

test("the bundle holds what was committed: uncommitted edits never ship, and are named in a warning", () => {
  const course = miniCourse("{}");
  assert.equal(dirtyWarning(course, []), null);
  fs.writeFileSync(path.join(course, "notebooks", "00.ipynb"), "a TA's executed notebook\n");
  fs.writeFileSync(path.join(course, "notebooks", "untracked.ipynb"), "scratch\n");
  assert.match(dirtyWarning(course, []) ?? "", /1 file\(s\) have uncommitted changes, which the bundle does NOT include .*notebooks\/00\.ipynb/);
  const out = tmp("out");
  const files = buildRelease(course, out);
  assert.equal(fs.readFileSync(path.join(out, "notebooks", "00.ipynb"), "utf8"), "committed\n");
  assert.ok(!files.includes("notebooks/untracked.ipynb") && !fs.existsSync(path.join(out, "notebooks", "untracked.ipynb")));
  assert.ok(!files.some((f) => f.startsWith("solutions/")), "no solutions, no input generators");
  // The student README and only the scripts it names.
  assert.equal(fs.readFileSync(path.join(out, "README.md"), "utf8"), STUDENT_README);
  assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8")).scripts), ["start", "validate"]);
  assert.deepEqual(exportCommitted(course, [/^notebooks\//], tmp("x")).sort(), [
    "homework/hw1.ipynb",
    "package.json",
    "solutions/hw1.inputs.ts",
    "solutions/hw1.ipynb",
  ]);
});

test("--out must be absent, empty or an earlier bundle: another folder is refused and kept", () => {
  const course = miniCourse("{}");
  const precious = tmp("precious");
  fs.writeFileSync(path.join(precious, "thesis.tex"), "years of work");
  assert.throws(() => buildRelease(course, precious), /is not empty and is not a student bundle .*nothing was changed/);
  assert.equal(fs.readFileSync(path.join(precious, "thesis.tex"), "utf8"), "years of work");
  const out = tmp("again");
  buildRelease(course, out);
  fs.writeFileSync(path.join(out, "stale.txt"), "from an older bundle");
  buildRelease(course, out);
  assert.equal(fs.existsSync(path.join(out, "stale.txt")), false, "an earlier bundle is replaced");
});

test("the release refuses a committed homework that leaks solution code, and leaves no bundle", () => {
  const course = miniCourse(JSON.stringify({ cells: [{ source: "  return Array.from({ length: n }, (_, i) => i * i + 1);" }] }));
  const out = tmp("leak");
  assert.throws(() => buildRelease(course, out), /homework\/hw1\.ipynb contains solution code/);
  assert.equal(fs.existsSync(out), false);
});

test("the course's own bundle: the course and the homework, no solutions, tests or instructor scripts", () => {
  const out = tmp("course-bundle");
  const files = buildRelease(ROOT, out);
  assert.ok(files.includes("homework/hw1.ipynb") && files.includes("homework/hw1.checks.json"));
  assert.ok(
    files.includes("notebooks/00-setup.ipynb") &&
      files.includes("lib/index.ts") &&
      files.includes("package-lock.json") &&
      files.includes("grader/bin/mtl-grader.js"),
  );
  assert.ok(files.some((f) => f.startsWith("data/recsys/")));
  assert.ok(
    !files.some((f) => f.startsWith("solutions/") || f.startsWith("test/") || f === "scripts/test.ts"),
    files.filter((f) => /^(solutions|test)\//.test(f)).join(", "),
  );
  const hw = fs.readFileSync(path.join(out, "homework", "hw1.ipynb"), "utf8");
  assert.doesNotMatch(hw, /BEGIN SOLUTION/);
  assert.match(hw, /not implemented: question/);
});

test("in a clean folder, the student README's commands work: install (offline), start (kernel registration), validate", () => {
  const out = tmp("clean");
  buildRelease(ROOT, out);
  for (const command of STUDENT_README.match(/^npm [^#\n]*/gm) ?? [])
    assert.match(command.trim(), /^npm (install|start|run validate -- homework\/hw1\.ipynb)$/, command);
  const env = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", JUPYTER_DATA_DIR: tmp("jupyter"), INIT_CWD: out };
  delete (env as Record<string, string | undefined>).npm_config_prefix;
  // The lockfile's packages from npm's cache: no network. (A student's `npm install` fetches them.)
  const install = spawnSync("npm", ["ci", "--offline"], { cwd: out, encoding: "utf8", env, timeout: 20 * 60 * 1000 });
  assert.equal(install.status, 0, install.stdout + install.stderr);
  assert.ok(fs.existsSync(path.join(out, "lib", "dist", "index.js")), "npm install built the library");
  const start = spawnSync("npm", ["start", "--", "--register-only"], { cwd: out, encoding: "utf8", env, timeout: 5 * 60 * 1000 });
  assert.equal(start.status, 0, start.stdout + start.stderr);
  const kernel = JSON.parse(fs.readFileSync(path.join(env.JUPYTER_DATA_DIR, "kernels", "tslab", "kernel.json"), "utf8"));
  assert.ok(
    kernel.argv.some((a: string) => a.startsWith(out)),
    "the kernel is the bundle's own tslab",
  );
  const validate = spawnSync("npm", ["run", "validate", "--", "homework/hw1.ipynb"], { cwd: out, encoding: "utf8", env, timeout: 10 * 60 * 1000 });
  // The untouched homework: validate runs it and fails, one line per problem.
  assert.equal(validate.status, 1, validate.stdout + validate.stderr);
  assert.match(validate.stdout, /homework\/hw1\.ipynb: problem: answer cell "[^"]+" \(question [^)]+\) is not filled in/);
  assert.match(validate.stdout, /problem\(s\): fix them before you submit/);
});
