/**
 * The test command (`npm test`): builds the library, then runs every test file with Node's test
 * runner in three phases: type-checking, lint and unit tests in parallel; then the notebooks in the
 * real kernel; then the other heavy tests one at a time (the browser checks, the course command,
 * JupyterHub, Binder, the grader), so that notebook timings are not inflated by parallel work. Ends with one "N passed, N failed" line
 * (and how many were skipped, if any).
 *
 *   npm test                 everything
 *   npm test -- unit grader  only test files whose path contains one of these words
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const HEAVY = /^test\/(notebooks|browser|course|harness|grader|bench|jupyterhub|jupyterlab|binder)/;

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : testFiles(p);
    return e.name.endsWith(".test.ts") ? [path.relative(ROOT, p)] : [];
  });
}

function runPhase(name: string, files: string[], concurrency: number): { pass: number; fail: number; skipped: number; code: number } {
  if (!files.length) return { pass: 0, fail: 0, skipped: 0, code: 0 };
  console.log(`\n== ${name}: ${files.length} file(s) ==`);
  const tap = path.join(ROOT, ".artifacts", `tests-${name}.tap`);
  fs.mkdirSync(path.dirname(tap), { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      `--test-concurrency=${concurrency}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } },
  );
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, "utf8") : "";
  const count = (key: string) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, "m")) ?? [])[1] ?? 0);
  return { pass: count("pass"), fail: count("fail") + count("cancelled"), skipped: count("skipped") + count("todo"), code: r.status ?? 1 };
}

function main(): void {
  const filters = process.argv.slice(2);
  console.log("Building the library (lib → lib/dist) ...");
  execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "build-lib.ts")], { cwd: ROOT, stdio: "inherit" });
  const all = testFiles(path.join(ROOT, "test")).filter((f) => !filters.length || filters.some((w) => f.includes(w)));
  const light = all.filter((f) => !HEAVY.test(f));
  // The notebook test writes the executed copies that the JupyterLab rendering test reuses, so it
  // runs in a phase of its own before the others (Node's runner orders the files of one run itself).
  const isNotebooks = (f: string) => f === "test/notebooks.test.ts";
  const heavy = all.filter((f) => HEAVY.test(f));
  const phases = [
    runPhase("unit", light, 2),
    runPhase("notebooks", heavy.filter(isNotebooks), 1),
    runPhase(
      "integration",
      heavy.filter((f) => !isNotebooks(f)),
      1,
    ),
  ];
  const pass = phases.reduce((s, p) => s + p.pass, 0);
  const fail = phases.reduce((s, p) => s + p.fail, 0);
  const failedRun = phases.some((p) => p.code !== 0);
  const skipped = phases.reduce((s, p) => s + p.skipped, 0);
  // A skipped test (say, OS isolation on a machine that forbids it) is neither passed nor hidden.
  console.log(`\n${pass} passed, ${fail} failed${skipped ? `, ${skipped} skipped (not counted as passed)` : ""}`);
  process.exit(fail > 0 || failedRun || pass === 0 ? 1 : 0);
}

main();
