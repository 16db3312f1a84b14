/**
 * Binder: what can be checked without Binder itself. environment.yml must parse and ask conda-forge
 * for a Node the course supports and JupyterLab; binder/postBuild must be committed executable and,
 * run on a clean clone of the committed repository (as repo2docker runs it), install the course and
 * register a tslab kernel that then runs a notebook. The image build itself (conda, JupyterLab 4)
 * cannot run here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findPython } from "../scripts/jupyter";

const ROOT = path.resolve(__dirname, "..");
/** Guards against a hang only: npm ci on a busy machine takes minutes, not this. */
const INSTALL_MS = 25 * 60_000;

test("binder/environment.yml parses and asks conda-forge for Node.js, JupyterLab and plotly's renderer", () => {
  const python = findPython(["yaml"]);
  assert.ok(python, "no Python with PyYAML: apt-get install python3-yaml (.ci/run installs it)");
  const text = execFileSync(
    python!,
    ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path.join(ROOT, "binder", "environment.yml")],
    { encoding: "utf8" },
  );
  const env = JSON.parse(text) as { channels: string[]; dependencies: string[] };
  assert.deepEqual(env.channels, ["conda-forge"]);
  const pin = (name: string) => env.dependencies.find((d) => d === name || d.startsWith(`${name}=`) || d.startsWith(`${name}>`));
  const node = pin("nodejs");
  assert.ok(node, "nodejs is in the environment");
  const wanted = Number(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node.match(/\d+/)[0]);
  assert.ok(Number(node!.match(/\d+/)![0]) >= wanted, `${node} satisfies the course's Node ${wanted}+`);
  assert.ok(pin("jupyterlab"), "JupyterLab is in the environment");
  assert.ok(pin("plotly"), "plotly (its JupyterLab renderer) is in the environment");
});

test("binder/postBuild is committed executable (repo2docker runs it directly)", () => {
  const entry = execFileSync("git", ["ls-files", "-s", "binder/postBuild"], { cwd: ROOT, encoding: "utf8" });
  assert.match(entry, /^100755 /, `binder/postBuild is not committed executable: ${entry || "not committed"}`);
});

test("binder/postBuild on a clean clone installs the course and registers a tslab kernel that runs a notebook", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-binder-"));
  try {
    const clone = path.join(tmp, "repo");
    const home = path.join(tmp, "home");
    fs.mkdirSync(home);
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", ROOT, clone], { stdio: "pipe" });
    // A fresh HOME like Binder's user, but the machine's npm cache, so the install needs no network.
    const cache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    const { JUPYTER_DATA_DIR: _data, JUPYTER_PATH: _path, ...inherited } = process.env;
    const env = { ...inherited, HOME: home, npm_config_cache: cache, npm_config_prefer_offline: "true" };
    const build = spawnSync(path.join(clone, "binder", "postBuild"), [], {
      cwd: clone,
      env,
      encoding: "utf8",
      timeout: INSTALL_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(build.status, 0, `postBuild failed (${build.signal ?? build.status}):\n${(build.stdout + build.stderr).slice(-4000)}`);
    assert.ok(fs.existsSync(path.join(clone, "lib", "dist", "index.js")), "the library is built");

    const specFile = path.join(home, ".local", "share", "jupyter", "kernels", "tslab", "kernel.json");
    assert.ok(fs.existsSync(specFile), `no kernelspec at ${specFile}:\n${build.stdout}`);
    const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
    assert.equal(spec.argv[1], path.join(clone, "node_modules", "tslab", "bin", "tslab"), "the kernel is the clone's own tslab");

    const python = findPython(["nbclient", "nbformat"]);
    assert.ok(python, "no Python with nbclient: apt-get install python3-nbclient");
    const nb = path.join(clone, "notebooks", "00-setup.ipynb");
    const run = spawnSync(python!, [path.join(clone, "scripts", "execute_notebook.py"), nb, "--out", path.join(tmp, "executed.ipynb")], {
      cwd: path.dirname(nb),
      env: { ...env, JUPYTER_DATA_DIR: path.join(home, ".local", "share", "jupyter") },
      encoding: "utf8",
      timeout: INSTALL_MS,
    });
    const result = JSON.parse(run.stdout.trim().split("\n").pop() || "{}");
    assert.equal(result.ok, true, `00-setup did not run on the Binder install: ${result.error ?? run.stderr.slice(-3000)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
