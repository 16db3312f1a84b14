/**
 * Finding Jupyter and registering the project's own tslab as the "tslab" kernel. Shared by the
 * course command, the notebook runner and the tests.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..");

/** The kernel name every notebook's metadata uses. */
export const KERNEL_NAME = "tslab";

/** The name Jupyter front ends and VS Code show for the kernel. */
export const DISPLAY_NAME = "TypeScript (mtl-course)";

/** The kernelspec of the project's tslab: this Node binary running node_modules/tslab. */
export function kernelSpec(): object {
  const tslab = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed at ${tslab}: run npm install first`);
  return {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    metadata: { debugger: false },
  };
}

/** Writes the kernelspec under `dataDir/kernels/tslab` and returns that folder. */
export function writeKernelSpec(dataDir: string): string {
  const dir = path.join(dataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  return dir;
}

/**
 * The user's Jupyter data folder as Jupyter itself computes it (jupyter_core's rules), for
 * registering the kernel where no Jupyter is installed, e.g. for VS Code, which reads kernels
 * from the same folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/** A Jupyter data folder private to this checkout, used by tests so they never touch the user's. */
export function testJupyterPath(): string {
  const dataDir = path.join(ROOT, ".artifacts", "jupyter");
  writeKernelSpec(dataDir);
  return dataDir;
}

/** Python interpreters to try, in order: MTL_PYTHON if set, the one on PATH (a venv with JupyterLab), then the system's. */
function pythonCandidates(): string[] {
  if (process.env.MTL_PYTHON) return [process.env.MTL_PYTHON];
  return [...new Set(["python3", "/usr/bin/python3"])];
}

function pythonHas(python: string, module: string): boolean {
  const r = spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" });
  return r.status === 0;
}

/** A Python that can import every module named, or null. */
export function findPython(modules: string[]): string | null {
  for (const py of pythonCandidates()) {
    if (modules.every((m) => pythonHas(py, m))) return py;
  }
  return null;
}

/** What Jupyter front ends can be started here. */
export interface JupyterFrontEnds {
  python: string | null;
  lab: boolean;
  notebook: boolean;
}

/** Looks for JupyterLab and the classic Notebook. */
export function findFrontEnds(): JupyterFrontEnds {
  for (const py of pythonCandidates()) {
    const lab = pythonHas(py, "jupyterlab");
    const notebook = pythonHas(py, "notebook");
    if (lab || notebook) return { python: py, lab, notebook };
  }
  return { python: null, lab: false, notebook: false };
}

/**
 * The flags for starting a Jupyter server: Jupyter refuses to run as root unless told
 * `--allow-root`, and root is the normal user in containers and JupyterHub images, so the course
 * command adds that flag itself there (once, whatever the user already passed).
 */
export function serverArgs(args: readonly string[], uid: number | undefined = process.getuid?.()): string[] {
  const asRoot = uid === 0 && !args.some((a) => a === "--allow-root" || /^--(NotebookApp|ServerApp)\.allow_root(=|$)/.test(a));
  return asRoot ? [...args, "--allow-root"] : [...args];
}

/** Runs `python -m jupyter ...` and returns its stdout. */
export function jupyter(python: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(python, ["-m", "jupyter", ...args], { encoding: "utf8", env });
}
