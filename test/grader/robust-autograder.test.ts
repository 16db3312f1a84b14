/**
 * run_autograder always leaves a results.json, and takes its reference only from the course: a
 * grader killed half way, an uploaded link to the solution, and a homework the course does not
 * ship. Runs the grader's autograde verb on a local copy of Gradescope's layout.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runAutograder } from "../../grader/src/commands/gradescope";

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "grader", "bin", "mtl-grader.js");

/** A Gradescope-like root with `files` uploaded (text, or a link target under `link:`). */
function layout(files: Record<string, string>): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-robust-autograder-"));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(base, "submission", rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (content.startsWith("link:")) fs.symlinkSync(content.slice(5), file);
    else fs.writeFileSync(file, content);
  }
  fs.mkdirSync(path.join(base, "results"), { recursive: true });
  return base;
}
const results = (base: string) => JSON.parse(fs.readFileSync(path.join(base, "results", "results.json"), "utf8"));

/** Every descendant of `pid` (children first found by their parent id). */
function descendants(pid: number): number[] {
  const out = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" });
  const pairs = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of pairs)
      if (pp === p) {
        found.push(c);
        walk(c);
      }
  };
  walk(pid);
  return found;
}

test("an upload that is a link to the solution is refused, not graded as the solution", () => {
  const base = layout({ "hw1.ipynb": `link:${path.join(ROOT, "solutions", "hw1.ipynb")}` });
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, "autograde", "hw1", base], { cwd: ROOT, encoding: "utf8", timeout: 5 * 60 * 1000 });
  assert.equal(r.status, 0, r.stderr);
  const out = results(base);
  assert.equal(out.score, 0);
  assert.match(out.output, /hw1\.ipynb is a symbolic link, not a notebook file/);
});

test("an autograder asked for a homework the course does not ship says so in results.json", () => {
  const base = layout({ "hw1.ipynb": "{}" });
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, "autograde", "../homework/hw1", base], { cwd: ROOT, encoding: "utf8", timeout: 60 * 1000 });
  assert.equal(r.status, 1);
  assert.match(results(base).output, /autograder failed.*"\.\.\/homework\/hw1", which has no solution notebook/);
});

test("a grader stopped half way still leaves a results.json with a reason", async () => {
  const base = layout({ "hw1.ipynb": fs.readFileSync(path.join(ROOT, "solutions", "hw1.ipynb"), "utf8") });
  const file = path.join(base, "results", "results.json");
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, "autograde", "hw1", base], { cwd: ROOT, stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Stopped as soon as it has started writing anything, however far it got: frozen first, so that
  // nothing it started can outlive the test, then killed with every process under it.
  while (!fs.existsSync(file) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGSTOP");
  for (const pid of [...descendants(child.pid as number), child.pid as number]) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  await exited;
  const out = results(base);
  assert.equal(typeof out.score, "number");
  assert.ok(out.score === 0 || out.score === 16, String(out.score));
  if (out.score === 0) assert.match(out.output, /grading did not finish/);
});

test("run_autograder leaves a results.json even when Node cannot start the grader", () => {
  const base = layout({ "hw1.ipynb": "{}" });
  // An empty source folder: no scripts, no packages.
  fs.mkdirSync(path.join(base, "source"));
  fs.writeFileSync(path.join(base, "source", "run_autograder"), runAutograder("hw1"), { mode: 0o755 });
  const r = spawnSync(path.join(base, "source", "run_autograder"), [], { encoding: "utf8", env: { ...process.env, GRADESCOPE_ROOT: base } });
  assert.notEqual(r.status, 0);
  assert.equal(results(base).score, 0);
  assert.match(results(base).output, /could not start/);
});
