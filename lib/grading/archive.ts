/**
 * Zip archives on the grading side: reading the notebooks out of a class's submissions zip (as an
 * LMS exports it) and writing zips (the Gradescope autograder, the student bundle).
 */
import * as fs from "fs";
import * as path from "path";
import { unzipSync, zipSync, type Zippable } from "fflate";

/** Limits that keep a hostile zip (a "zip bomb", thousands of entries) from filling the disk. */
export interface ExtractLimits {
  /** Largest uncompressed notebook. Default 50 MB. */
  maxEntryBytes?: number;
  /** Largest total of uncompressed notebooks. Default 2 GB. */
  maxTotalBytes?: number;
}

/** A notebook taken from a zip, or the reason an entry was left out. */
export interface ExtractedEntry {
  entry: string;
  file?: string;
  skipped?: string;
}

/**
 * A flat, safe file name for a zip entry: folders become `__` so that `alice/hw1.ipynb` and
 * `bob/hw1.ipynb` stay apart, and nothing can climb out of the target folder.
 */
export function entryFileName(entry: string): string {
  const parts = entry.split(/[\\/]+/).filter((p) => p && p !== "." && p !== "..");
  return parts.join("__").replace(/[^\w.\-@ ]/g, "_");
}

/** Writes every `.ipynb` in `zipFile` to `dir` (flat names, see entryFileName) and reports each one. */
export function extractNotebooks(zipFile: string, dir: string, limits: ExtractLimits = {}): ExtractedEntry[] {
  const maxEntry = limits.maxEntryBytes ?? 50e6;
  const maxTotal = limits.maxTotalBytes ?? 2e9;
  const report: ExtractedEntry[] = [];
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(fs.readFileSync(zipFile), {
      // Decided from the central directory before anything is inflated.
      filter: (f) => {
        if (!f.name.endsWith(".ipynb") || /(^|\/)(__MACOSX|\.ipynb_checkpoints)\//.test(f.name)) return false;
        if (f.originalSize > maxEntry) {
          report.push({ entry: f.name, skipped: `${(f.originalSize / 1e6).toFixed(0)} MB uncompressed, over the ${(maxEntry / 1e6).toFixed(0)} MB limit` });
          return false;
        }
        if (total + f.originalSize > maxTotal) {
          report.push({ entry: f.name, skipped: "the archive's notebooks exceed the total size limit" });
          return false;
        }
        total += f.originalSize;
        return true;
      },
    });
  } catch (e) {
    throw new Error(`${zipFile} is not a readable zip archive (${(e as Error).message})`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  for (const [entry, bytes] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    let name = entryFileName(entry);
    for (let k = 2; used.has(name); k++) name = name.replace(/(-\d+)?\.ipynb$/, `-${k}.ipynb`);
    used.add(name);
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    report.push({ entry, file });
  }
  return report;
}

/** Zips the files under `root` named by `files` (relative paths), keeping unix modes (run_autograder stays executable). */
export function zipFiles(root: string, files: readonly string[], out: string): void {
  const tree: Zippable = {};
  for (const f of files) {
    const stat = fs.statSync(path.join(root, f));
    // With os = 3 (unix) the upper 16 bits of the attributes are the mode; a fixed time keeps the zip reproducible.
    tree[f.split(path.sep).join("/")] = [fs.readFileSync(path.join(root, f)), { os: 3, attrs: (stat.mode & 0o777) << 16, mtime: new Date("2020-01-01T00:00:00Z") }];
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, zipSync(tree, { level: 9 }));
}
