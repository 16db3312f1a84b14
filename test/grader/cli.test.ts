/**
 * The grader's command line and its claims about isolation: every verb has --help; bad values fail
 * before any work with a message; Node's permission model is applied when the grader runs from its
 * TypeScript sources (through tsx) exactly as when built, and grading refuses to start without it
 * unless told to.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { nodePermission, permissionRefusal } from "../../grader/src/session";
import { permissionProbeScript } from "../support/grader-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "grader", "bin", "mtl-grader.js");
const grader = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, INIT_CWD: cwd }, timeout: 120000 });

test("every verb has --help", () => {
  for (const verb of ["make-homework", "validate", "grade", "release", "gradescope", "autograde"]) {
    const r = grader([verb, "--help"]);
    assert.equal(r.status, 0, verb + r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: mtl-grader ${verb}`), verb);
  }
  assert.match(grader(["--help"]).stdout, /make-homework[\s\S]*validate[\s\S]*grade[\s\S]*release[\s\S]*gradescope/);
  assert.equal(grader(["help", "grade"]).status, 0);
  const none = grader([]);
  assert.equal(none.status, 2, "no verb is a usage error");
  assert.match(none.stderr, /Usage: mtl-grader/);
});

test("a bad value fails before any work, with a message naming it (exit 2)", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mtl-cli-")), "grades");
  for (const [args, message] of [
    [["grade", ROOT, "--jobs", "abc", "--out", out], /--jobs <n>' argument 'abc' is invalid. expected a whole number ≥ 1/],
    [["grade", ROOT, "--jobs", "0", "--out", out], /expected a whole number ≥ 1, got "0"/],
    [["grade", ROOT, "--cell-seconds", "-5", "--out", out], /expected a number of seconds > 0/],
    [["grade", ROOT, "--seed", "1e3", "--out", out], /--seed <n>' argument '1e3' is invalid/],
    [["grade", "--out", out], /missing required argument 'target'/],
    [["grade", ROOT, "--bogus"], /unknown option '--bogus'/],
    [["regrade"], /unknown command 'regrade'/],
  ] as Array<[string[], RegExp]>) {
    const r = grader(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message, args.join(" "));
    // Nothing was started: no sandbox probe, no output folder.
    assert.doesNotMatch(r.stdout, /sandbox:/, args.join(" "));
    assert.equal(fs.existsSync(out), false, args.join(" "));
  }
});

test("a bad file fails with a message and exit 1, before any grading", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-cli-"));
  const r = grader(["grade", path.join(dir, "missing.ipynb")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.ipynb does not exist/);
  fs.writeFileSync(path.join(dir, "bad.csv"), "submission,question,score\nDoe,4a,lots\n");
  fs.writeFileSync(path.join(dir, "a.ipynb"), "{}");
  const m = grader(["grade", path.join(dir, "a.ipynb"), "--manual", path.join(dir, "bad.csv"), "--out", path.join(dir, "out")]);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /bad\.csv: 1 row\(s\) cannot be read[\s\S]*line 2: score "lots"/);
  assert.equal(fs.existsSync(path.join(dir, "out")), false, "nothing graded, nothing written");
});

test("paths and the course folder come from where the command is run, not from the grader's folder", () => {
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-cli-elsewhere-"));
  const r = grader(["grade", "x.ipynb"], elsewhere);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${path.join(elsewhere, "x.ipynb").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}|x\\.ipynb does not exist`));
  fs.writeFileSync(path.join(elsewhere, "x.ipynb"), "{}");
  const noCourse = grader(["grade", "x.ipynb"], elsewhere);
  assert.equal(noCourse.status, 1);
  assert.match(noCourse.stderr, /no course folder found .* pass --course DIR/);
});

test("from the TypeScript sources (tsx), a grading child still runs under Node's permission model: spawning a process is refused", async () => {
  // The case the permission flags used to be dropped in: the grader loaded through tsx.
  const script = permissionProbeScript(path.join(ROOT, "grader", "src", "session"));
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 180000 });
  const { output, note } = JSON.parse(stdout);
  assert.match(note, /^Node's permission model: on/);
  assert.match(output, /refused: ERR_ACCESS_DENIED/);
});

test("without Node's permission model, grading is refused unless the staff allow it, and the report says so", () => {
  const none = nodePermission(["/x"], "/y", new Set<string>());
  assert.equal(none.flags, null);
  assert.match(none.note, /NOT applied/);
  assert.match(permissionRefusal(none, false) ?? "", /refusing to grade without it \(pass --without-node-permission/);
  assert.equal(permissionRefusal(none, true), null);
  const here = nodePermission(["/x"], "/y");
  assert.ok(here.flags?.some((f) => f === "--allow-fs-read=/x/*") && here.flags.includes("--allow-fs-write=/y/*"), String(here.flags));
  assert.equal(permissionRefusal(here, false), null);
});
