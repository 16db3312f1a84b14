/** The class hub's checks before it starts: students must be able to read the install; only root may run it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unreadableByStudents } from "../../scripts/hub";

const ROOT = path.resolve(__dirname, "..", "..");

function fakeInstall(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-hub-checks-"));
  fs.chmodSync(base, 0o755);
  const course = path.join(base, "course");
  for (const f of ["node_modules/tslab/bin/tslab", "lib/dist/index.js", "jupyterhub/start-student.sh"]) {
    fs.mkdirSync(path.dirname(path.join(course, f)), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(course, f), "", { mode: 0o644 });
  }
  return course;
}

test("an install every user can read passes; a private folder or file on the way is named", () => {
  const course = fakeInstall();
  try {
    assert.equal(unreadableByStudents(course), null);
    fs.chmodSync(path.join(course, "lib"), 0o750);
    assert.match(unreadableByStudents(course) ?? "", new RegExp(`${path.join(course, "lib")} is not searchable by other users`));
    fs.chmodSync(path.join(course, "lib"), 0o755);
    fs.chmodSync(path.join(course, "node_modules", "tslab", "bin", "tslab"), 0o600);
    assert.match(unreadableByStudents(course) ?? "", /tslab is not readable by other users \(chmod o\+r\)/);
  } finally {
    fs.rmSync(path.dirname(course), { recursive: true, force: true });
  }
});

test("the hub command refuses to run as anyone but root, and says why", () => {
  const script = path.join(ROOT, "scripts", "hub.ts");
  // As root, run it as the unprivileged user "nobody"; otherwise this process is already not root.
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? ["runuser", "-u", "nobody", "--", process.execPath, "--import", "tsx", script] : [process.execPath, "--import", "tsx", script];
  const r = spawnSync(command[0], command.slice(1), { cwd: ROOT, encoding: "utf8", env: { ...process.env, HOME: os.tmpdir() } });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /must run as root/);
  assert.match(r.stderr, /sudo/);
});

test("the student bundle, which the README installs on the hub, holds everything the hub runs", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-hub-bundle-"));
  try {
    const r = spawnSync("npm", ["run", "--silent", "release", "--", "--out", path.join(out, "student")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const bundle = path.join(out, "student");
    for (const f of [
      "jupyterhub/jupyterhub_config.py",
      "jupyterhub/start-student.sh",
      "scripts/hub.ts",
      "scripts/student-copy.ts",
      "scripts/jupyter.ts",
      "package-lock.json",
    ]) {
      assert.ok(fs.existsSync(path.join(bundle, f)), `the bundle has ${f}`);
    }
    assert.ok(!fs.existsSync(path.join(bundle, "solutions")), "no solutions for students to read");
    const pkg = JSON.parse(fs.readFileSync(path.join(bundle, "package.json"), "utf8"));
    assert.ok(pkg.devDependencies["configurable-http-proxy"], "npm ci installs the hub's proxy");
    assert.ok(pkg.devDependencies.tsx, "npm ci installs tsx, which start-student.sh and the hub command run");
    for (const s of ["start", "validate"]) assert.ok(pkg.scripts[s], `students get npm run ${s}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
