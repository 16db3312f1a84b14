/**
 * VS Code: the README's steps name the kernel the kit really registers, and registering works
 * without Jupyter (VS Code starts kernels itself), in the folder Jupyter and VS Code read.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultDataDir, DISPLAY_NAME, KERNEL_NAME } from "../scripts/jupyter";

const ROOT = path.resolve(__dirname, "..");

function readmeSection(title: string): string {
  const text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = text.indexOf(`### ${title}\n`);
  assert.ok(start >= 0, `README has a "### ${title}" section`);
  const end = text.slice(start + 4).search(/\n#{2,3} /);
  return end < 0 ? text.slice(start) : text.slice(start, start + 4 + end);
}

test("the README's VS Code steps name the kernel and display name the kit registers", () => {
  const section = readmeSection("VS Code");
  assert.ok(section.includes(`npm start -- --register-only`), "it says how to register the kernel");
  assert.ok(section.includes(`\`${KERNEL_NAME}\``), `it names the kernel ${KERNEL_NAME}`);
  assert.ok(section.includes(DISPLAY_NAME), `it names what VS Code shows, ${DISPLAY_NAME}`);
  for (const dir of ["notebooks", "homework"]) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith(".ipynb"))) {
      const spec = JSON.parse(fs.readFileSync(path.join(ROOT, dir, f), "utf8")).metadata.kernelspec;
      assert.deepEqual([spec.name, spec.display_name], [KERNEL_NAME, DISPLAY_NAME], `${dir}/${f} names the registered kernel`);
    }
  }
});

test("Jupyter's default data folder, per platform, as the README lists it", () => {
  assert.equal(defaultDataDir({}, "linux", "/home/s"), "/home/s/.local/share/jupyter");
  assert.equal(defaultDataDir({ XDG_DATA_HOME: "/x" }, "linux", "/home/s"), "/x/jupyter");
  assert.equal(defaultDataDir({}, "darwin", "/Users/s"), "/Users/s/Library/Jupyter");
  assert.equal(defaultDataDir({ APPDATA: "C:\\AppData" }, "win32", "C:\\Users\\s"), path.join("C:\\AppData", "jupyter"));
  assert.equal(defaultDataDir({ JUPYTER_DATA_DIR: "/d" }, "linux", "/home/s"), "/d");
  const section = readmeSection("VS Code");
  for (const shown of ["~/.local/share/jupyter", "~/Library/Jupyter", "%APPDATA%\\jupyter"]) assert.ok(section.includes(shown), `README lists ${shown}`);
});

test("--register-only works without Jupyter and writes the kernel where Jupyter and VS Code look", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-vscode-"));
  try {
    const { JUPYTER_DATA_DIR: _d, XDG_DATA_HOME: _x, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "course.ts"), "--register-only"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...env, HOME: home, MTL_PYTHON: "/nonexistent/python3" },
    });
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(home, ".local", "share", "jupyter", "kernels", KERNEL_NAME, "kernel.json");
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.equal(spec.display_name, DISPLAY_NAME);
    assert.equal(spec.argv[1], path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
    assert.ok(fs.existsSync(spec.argv[0]), "the kernel's Node exists");
    assert.match(r.stdout, new RegExp(`shown as "${DISPLAY_NAME.replace(/[()]/g, "\\$&")}"`));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
