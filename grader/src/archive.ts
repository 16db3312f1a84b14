/**
 * Zip archives on the grading side: reading the notebooks out of a class's submissions zip (as an
 * LMS exports it) and writing zips (the Gradescope autograder, the student bundle).
 */
import { createHash } from "crypto";
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

/** Longest file or folder name the grader writes, in UTF-8 bytes (file systems allow 255). */
const MAX_NAME_BYTES = 200;

/**
 * `name` cut to at most `maxBytes` UTF-8 bytes (on a character boundary), with a short hash of the
 * whole name appended when cut, so two long names that share a beginning stay apart.
 */
export function capBytes(name: string, maxBytes = MAX_NAME_BYTES, suffix = ""): string {
  if (Buffer.byteLength(name + suffix) <= maxBytes) return name + suffix;
  const tag = "-" + createHash("sha256").update(name).digest("hex").slice(0, 10);
  let cut = "";
  for (const ch of name) {
    if (Buffer.byteLength(cut + ch + tag + suffix) > maxBytes) break;
    cut += ch;
  }
  return cut + tag + suffix;
}

/** One path component made safe: letters of any script and digits kept, anything else that could act on a path or a terminal becomes `_`. */
export function safeComponent(part: string): string {
  return part.normalize("NFC").replace(/[^\p{L}\p{M}\p{N}_.\-@ ]/gu, "_");
}

/**
 * A flat, safe file name for a zip entry: folders become `__` so that `alice/hw1.ipynb` and
 * `bob/hw1.ipynb` stay apart, nothing can climb out of the target folder, names in any script are
 * kept (`张伟/hw1.ipynb` → `张伟__hw1.ipynb`), and a name longer than a file system allows is cut
 * and tagged with a hash of the whole entry.
 */
export function entryFileName(entry: string): string {
  const parts = entry.split(/[\\/]+/).filter((p) => p && p !== "." && p !== "..");
  const flat = safeComponent(parts.join("__"));
  const stem = flat.replace(/\.ipynb$/i, "");
  // A name of dots only (`...ipynb` → `..`) would mean a parent folder once `.ipynb` is taken off.
  const base = /^\.*$/.test(stem) ? `_${stem}` : stem;
  return capBytes(base, MAX_NAME_BYTES, ".ipynb");
}

/** File-type bits of a zip entry's unix mode, or 0 when the entry does not record one. */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/**
 * Entries of a zip's central directory that are not regular files (symbolic links, devices, FIFOs),
 * as recorded by a unix zip tool in the upper 16 bits of the external attributes. fflate does not
 * report these, so the directory is read here; a zip this cannot read is left to fflate to refuse.
 */
export function nonRegularEntries(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return out;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  for (let k = 0; k < count && p + 46 <= bytes.length && view.getUint32(p, true) === 0x02014b50; k++) {
    const host = view.getUint16(p + 4, true) >> 8;
    const flags = view.getUint16(p + 8, true);
    const [nameLen, extraLen, commentLen] = [view.getUint16(p + 28, true), view.getUint16(p + 30, true), view.getUint16(p + 32, true)];
    const mode = view.getUint32(p + 38, true) >>> 16;
    const raw = bytes.subarray(p + 46, p + 46 + nameLen);
    // Decoded as fflate decodes names: UTF-8 when flag bit 11 says so, else Latin-1.
    const name = flags & 0x800 ? Buffer.from(raw).toString("utf8") : Buffer.from(raw).toString("latin1");
    const type = mode & S_IFMT;
    if (host === 3 && type !== 0 && type !== S_IFREG) out.set(name, type === 0o120000 ? "a symbolic link" : "not a regular file");
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Writes `bytes` to `file`, never through a symbolic link already standing at that name. */
function writeNoFollow(file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW, 0o644);
  try {
    fs.writeSync(fd, bytes);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes every `.ipynb` in `zipFile` to `dir` (flat names, see entryFileName) and reports each one. */
export function extractNotebooks(zipFile: string, dir: string, limits: ExtractLimits = {}): ExtractedEntry[] {
  const maxEntry = limits.maxEntryBytes ?? 50e6;
  const maxTotal = limits.maxTotalBytes ?? 2e9;
  const report: ExtractedEntry[] = [];
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    const bytes = fs.readFileSync(zipFile);
    const special = nonRegularEntries(bytes);
    files = unzipSync(bytes, {
      // Decided from the central directory before anything is inflated.
      filter: (f) => {
        if (!f.name.endsWith(".ipynb") || /(^|\/)(__MACOSX|\.ipynb_checkpoints)\//.test(f.name)) return false;
        const kind = special.get(f.name);
        if (kind) {
          report.push({ entry: f.name, skipped: `${kind} in the archive, not a notebook file; not graded` });
          return false;
        }
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
    throw new Error(`${zipFile} is not a readable zip archive (${(e as Error).message})`, { cause: e });
  }
  fs.mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  for (const [entry, bytes] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    let name = entryFileName(entry);
    for (let k = 2; used.has(name.toLowerCase()); k++) name = name.replace(/(-\d+)?\.ipynb$/, `-${k}.ipynb`);
    used.add(name.toLowerCase());
    const file = path.join(dir, name);
    try {
      writeNoFollow(file, bytes);
      report.push({ entry, file });
    } catch (e) {
      // One entry that cannot be written costs only that entry.
      report.push({ entry, skipped: `could not be unpacked (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
  }
  return report;
}

/** Zips the files under `root` named by `files` (relative paths), keeping unix modes (run_autograder stays executable). */
export function zipFiles(root: string, files: readonly string[], out: string): void {
  const tree: Zippable = {};
  for (const f of files) {
    const stat = fs.statSync(path.join(root, f));
    // With os = 3 (unix) the upper 16 bits of the attributes are the mode; a fixed time keeps the zip reproducible.
    tree[f.split(path.sep).join("/")] = [
      fs.readFileSync(path.join(root, f)),
      { os: 3, attrs: (stat.mode & 0o777) << 16, mtime: new Date("2020-01-01T00:00:00Z") },
    ];
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, zipSync(tree, { level: 9 }));
}
