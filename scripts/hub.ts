/**
 * The class hub (`sudo npm run hub` in a checkout, `sudo npx tsx scripts/hub.ts` in the installed
 * student bundle, whose package.json keeps only the students' scripts): serves the course to a class from this machine with
 * JupyterHub. It installs the tslab kernel for every user (system-wide, once, not per student),
 * checks that students can read this install, and starts JupyterHub with the course's
 * configuration (jupyterhub/jupyterhub_config.py: the proxy from node_modules, each student's
 * server run as that student on their own copy of the course).
 *
 *   sudo npm run hub                              serve on port 8000 of every address
 *   sudo npm run hub -- --register-only           only install the kernel for every user
 *   sudo npm run hub -- --config my_config.py     your settings (it loads the course's first)
 *   sudo npm run hub -- --state DIR               the hub's database and secrets (default /var/lib/mtl-course-hub)
 *   sudo npm run hub -- --kernel-prefix DIR       install the kernel under DIR/share/jupyter (default /usr/local)
 *   other flags go to jupyterhub, e.g. --port 8080 or --JupyterHub.bind_url=http://127.0.0.1:8000
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findPython, KERNEL_NAME, ROOT, writeKernelSpec } from "./jupyter";

/** Where Jupyter looks for kernels of every user (the `share/jupyter` of this prefix). */
export const DEFAULT_KERNEL_PREFIX = "/usr/local";

/** The course's own hub configuration. */
export const HUB_CONFIG = path.join(ROOT, "jupyterhub", "jupyterhub_config.py");

/** Installs the tslab kernel under `prefix/share/jupyter/kernels` for every user; returns its folder. */
export function registerForEveryone(prefix: string): string {
  const dataDir = path.join(prefix, "share", "jupyter");
  const dir = writeKernelSpec(dataDir);
  // Readable by every student whatever root's umask.
  for (const p of [dataDir, path.join(dataDir, "kernels"), dir]) fs.chmodSync(p, 0o755);
  fs.chmodSync(path.join(dir, "kernel.json"), 0o644);
  return dir;
}

/**
 * Why students (other users) could not use the course at `root`, or null: every folder on the way
 * must be searchable by others and the kernel's files readable, since each student's server and
 * kernel run under that student's own uid.
 */
export function unreadableByStudents(root: string): string | null {
  const needed = [
    path.join(root, "node_modules", "tslab", "bin", "tslab"),
    path.join(root, "lib", "dist", "index.js"),
    path.join(root, "jupyterhub", "start-student.sh"),
  ];
  for (const file of needed) {
    let dir = path.dirname(file);
    const dirs: string[] = [];
    while (dir !== path.dirname(dir)) {
      dirs.unshift(dir);
      dir = path.dirname(dir);
    }
    for (const d of dirs) if ((fs.statSync(d).mode & 0o001) === 0) return `${d} is not searchable by other users (chmod o+x), so students cannot reach ${file}`;
    if ((fs.statSync(file).mode & 0o004) === 0) return `${file} is not readable by other users (chmod o+r)`;
  }
  return null;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

function main(): void {
  const args = process.argv.slice(2);
  const registerOnly = args.includes("--register-only");
  const rest = args.filter((a) => a !== "--register-only");
  const config = path.resolve(option(rest, "--config") ?? HUB_CONFIG);
  const state = path.resolve(option(rest, "--state") ?? "/var/lib/mtl-course-hub");
  const prefix = path.resolve(option(rest, "--kernel-prefix") ?? DEFAULT_KERNEL_PREFIX);

  if (process.getuid?.() !== 0) {
    throw new Error(
      "The class hub must run as root: JupyterHub starts each student's server as that student, which only root can do. Run it with sudo (sudo npx tsx scripts/hub.ts, or sudo npm run hub in a checkout).",
    );
  }
  if (!fs.existsSync(path.join(ROOT, "lib", "dist", "index.js")))
    throw new Error("The library is not built: run `npm ci` in this folder first (it builds lib/ into lib/dist).");
  if (!fs.existsSync(config)) throw new Error(`No hub configuration at ${config}`);
  const python = findPython(["jupyterhub", "notebook"]);
  if (!python)
    throw new Error(
      "JupyterHub was not found: on Debian or Ubuntu, sudo apt-get install jupyterhub jupyter-notebook (or pip install jupyterhub notebook in the Python that runs Jupyter; set MTL_PYTHON to it).",
    );
  const unreadable = unreadableByStudents(ROOT);
  if (unreadable)
    throw new Error(
      `Students could not use the course installed at ${ROOT}: ${unreadable}. Install the course where every user can read it, e.g. /opt/mtl-course.`,
    );
  if (fs.existsSync(path.join(ROOT, "solutions")) && (fs.statSync(path.join(ROOT, "solutions")).mode & 0o005) !== 0) {
    console.warn(
      `Warning: ${path.join(ROOT, "solutions")} is readable by every user of this machine, so students can read the reference solutions. Serve the student bundle instead (npm run release -- --out /opt/mtl-course), or chmod o-rx that folder.`,
    );
  }

  const specDir = registerForEveryone(prefix);
  console.log(`Installed the "${KERNEL_NAME}" kernel for every user in ${specDir} (this course's tslab on Node ${process.version}).`);
  if (registerOnly) return;

  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...process.env, MTL_COURSE_DIR: ROOT, MTL_NODE: process.execPath };
  // Jupyter finds /usr/local/share/jupyter by itself; a kernel installed elsewhere must be named.
  if (prefix !== DEFAULT_KERNEL_PREFIX) env.MTL_KERNEL_PATH = path.join(prefix, "share", "jupyter");
  console.log(`Starting JupyterHub with ${config} (state in ${state}; Ctrl+C to stop).`);
  const child = spawn(python, ["-m", "jupyterhub", "-f", config, ...rest], { stdio: "inherit", cwd: state, env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
