/**
 * The course command (`npm start`): registers the project's own tslab as the "tslab" Jupyter kernel
 * and opens the course in JupyterLab, or in the classic Notebook when JupyterLab is absent.
 *
 *   npm start                      open the course
 *   npm start -- --classic         use the classic Notebook even if JupyterLab is installed
 *   npm start -- --register-only   only register the kernel (e.g. for VS Code; works without Jupyter)
 *   npm start -- --no-browser --port 8890   other flags go to Jupyter
 *
 * Run as root (containers, JupyterHub images) it passes --allow-root to Jupyter itself.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { defaultDataDir, DISPLAY_NAME, findFrontEnds, jupyter, KERNEL_NAME, ROOT, serverArgs, writeKernelSpec } from "./jupyter";

const HOW_TO_INSTALL = `Jupyter was not found. The course runs in JupyterLab (or the classic Notebook), which are Python programs. Install JupyterLab with pip, preferably in a virtual environment: "python3 -m venv ~/.venvs/jupyter && ~/.venvs/jupyter/bin/pip install jupyterlab" and then run npm start from a shell where that environment is active (or set MTL_PYTHON=~/.venvs/jupyter/bin/python). Or install the classic Notebook with your system's package manager: "sudo apt install jupyter-notebook" on Debian and Ubuntu, "sudo dnf install python3-notebook" on Fedora, "brew install jupyterlab" on macOS. Then run npm start again.`;

function main(): void {
  const args = process.argv.slice(2);
  const registerOnly = args.includes("--register-only");
  const classic = args.includes("--classic");
  const passThrough = args.filter((a) => a !== "--register-only" && a !== "--classic");

  if (!fs.existsSync(path.join(ROOT, "lib", "dist", "index.js"))) {
    console.error("The library is not built: run `npm install` first (it builds lib/ into lib/dist).");
    process.exit(1);
  }
  const found = findFrontEnds();
  if (!registerOnly && (!found.python || (!found.lab && !found.notebook))) {
    console.error(HOW_TO_INSTALL);
    process.exit(1);
  }
  // Registering needs no Jupyter (VS Code runs kernels itself): without one, use Jupyter's default folder.
  const dataDir = found.python ? jupyter(found.python, ["--data-dir"]).trim() : defaultDataDir();
  const specDir = writeKernelSpec(dataDir);
  console.log(`Registered the "${KERNEL_NAME}" kernel, shown as "${DISPLAY_NAME}" (this project's tslab on Node ${process.version}), in ${specDir}`);
  if (registerOnly) return;
  const python = found.python!; // checked above: only --register-only goes on without Jupyter

  const app = found.lab && !classic ? "lab" : "notebook";
  console.log(`Opening the course in ${app === "lab" ? "JupyterLab" : "the classic Jupyter Notebook"} from ${ROOT} (Ctrl+C to stop).`);
  const flags = serverArgs(passThrough);
  if (flags.length > passThrough.length) console.log("Running as root (a container or a JupyterHub image): passing --allow-root to Jupyter.");
  const child = spawn(python, ["-m", "jupyter", app, `--notebook-dir=${ROOT}`, ...flags], { stdio: "inherit", cwd: ROOT });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
