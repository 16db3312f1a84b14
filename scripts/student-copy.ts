/**
 * A student's own copy of the course on a shared machine (JupyterHub): the notebooks and homework
 * are copied into the student's folder, and the course's machinery (library, packages, scripts,
 * data) is linked from the one shared install, so that the instructor's updates to the library
 * reach everyone while each student's work stays theirs.
 *
 *   tsx scripts/student-copy.ts DEST      copy what DEST lacks from this course, then report
 *
 * It runs as the student (JupyterHub starts it before each single-user server), so it can write
 * nothing the student could not, and it is run again at every start: files the course gained are
 * copied in; a file the student has (edited, or even emptied) is never replaced, nbgitpuller-style.
 * To get the course's version of a notebook back, rename or delete yours and restart the server.
 */
import * as fs from "fs";
import * as path from "path";

/** Folders whose files become the student's own (copied when missing, never overwritten). */
export const COPIED = ["notebooks", "homework"];

/** Course files the student uses but does not own: links to the shared install. */
export const LINKED = ["package.json", "node_modules", "lib", "scripts", "data", "README.md"];

/** Names never copied: Jupyter's own scratch files. */
const SKIPPED = new Set([".ipynb_checkpoints"]);

/** What one run did. */
export interface CopyReport {
  /** Files copied in this time (relative to the copy). */
  copied: string[];
  /** The student's files left as they were (they exist, so they are theirs). */
  kept: string[];
  /** Links created this time. */
  linked: string[];
  /** Things in the way, each with what to do; nothing was overwritten for them. */
  problems: string[];
}

function lstat(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

function filesUnder(dir: string, rel = ""): string[] {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    if (SKIPPED.has(e.name)) return [];
    const r = path.join(rel, e.name);
    if (e.isDirectory()) return filesUnder(dir, r);
    return e.isFile() ? [r] : [];
  });
}

/** Makes `dir` (and parents below `root`) exist as real folders; returns a problem or null. */
function ensureFolder(root: string, rel: string): string | null {
  let cur = root;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    cur = path.join(cur, part);
    const st = lstat(cur);
    if (!st) fs.mkdirSync(cur, { mode: 0o755 });
    else if (!st.isDirectory()) return `${path.relative(root, cur)} is in the way (it is not a folder): rename it to get the course's files under it`;
  }
  return null;
}

/**
 * Brings `dest` up to date with `course` without replacing anything there: missing notebooks and
 * homework files are copied, missing links to the course's machinery are made. `dest` itself is
 * created private to its owner (mode 700), since it holds a student's graded work.
 */
export function syncStudentCopy(course: string, dest: string): CopyReport {
  const report: CopyReport = { copied: [], kept: [], linked: [], problems: [] };
  course = path.resolve(course);
  dest = path.resolve(dest);
  if (!fs.existsSync(path.join(course, "notebooks"))) throw new Error(`${course} is not the course (it has no notebooks/ folder)`);
  const top = lstat(dest);
  if (top && !top.isDirectory()) throw new Error(`${dest} exists and is not a folder: rename it, then restart your server to get the course`);
  if (!top) fs.mkdirSync(dest, { recursive: true, mode: 0o700 });
  else fs.chmodSync(dest, 0o700);

  for (const folder of COPIED) {
    for (const rel of filesUnder(course, folder)) {
      const target = path.join(dest, rel);
      if (lstat(target)) {
        report.kept.push(rel);
        continue;
      }
      const blocked = ensureFolder(dest, path.dirname(rel));
      if (blocked) {
        if (!report.problems.includes(blocked)) report.problems.push(blocked);
        continue;
      }
      // COPYFILE_EXCL: even a file that appeared since the check above is not replaced.
      fs.copyFileSync(path.join(course, rel), target, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(target, 0o644);
      report.copied.push(rel);
    }
  }

  for (const name of LINKED) {
    const source = path.join(course, name);
    if (!fs.existsSync(source)) continue;
    const target = path.join(dest, name);
    const st = lstat(target);
    if (!st) {
      fs.symlinkSync(source, target);
      report.linked.push(name);
    } else if (!st.isSymbolicLink() || path.resolve(dest, fs.readlinkSync(target)) !== source) {
      report.problems.push(`${name} is yours, not a link to the course's ${source}: the course commands may not work; rename it to get the course's back`);
    }
  }
  return report;
}

/** One paragraph for the server log (and the student's terminal). */
export function describe(report: CopyReport, dest: string): string {
  const lines = [`Course copy in ${dest}: ${report.copied.length} file(s) copied in, ${report.kept.length} of yours kept as they are.`];
  if (report.copied.length) lines.push(`New: ${report.copied.join(", ")}`);
  for (const p of report.problems) lines.push(`Note: ${p}`);
  return lines.join("\n");
}

if (require.main === module) {
  const dest = process.argv[2];
  if (!dest) {
    console.error("usage: tsx scripts/student-copy.ts DEST (the student's course folder)");
    process.exit(2);
  }
  try {
    console.log(describe(syncStudentCopy(path.resolve(__dirname, ".."), dest), path.resolve(dest)));
  } catch (e) {
    console.error(`Could not prepare the course copy: ${(e as Error).message}`);
    process.exit(1);
  }
}
