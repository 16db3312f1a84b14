/**
 * The course's committed files, for the bundles built from them (student release, Gradescope): what
 * ships is the content of a commit (git archive), never the working tree, so a TA's executed or
 * half-edited notebooks cannot reach students by accident.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Runs git in `root` and returns its output. */
function git(root: string, args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync("git", args, { cwd: root, input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`git ${args[0]} failed in ${root}: ${err.stderr?.toString().trim() || err.message}`, { cause: e });
  }
}

/** The files of commit `rev` under `root` (paths relative to the repository), except those matching `excluded`. */
export function committedFiles(root: string, excluded: readonly RegExp[], rev = "HEAD"): string[] {
  return git(root, ["ls-tree", "-r", "-z", "--name-only", rev])
    .toString("utf8")
    .split("\0")
    .filter((f) => f && !excluded.some((re) => re.test(f)));
}

/** Files (of those the bundle would hold) whose working copy differs from the commit: edited, staged, deleted or new. */
export function uncommittedChanges(root: string, excluded: readonly RegExp[]): string[] {
  const lines = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=no"]).toString("utf8").split("\0").filter(Boolean);
  return lines.map((l) => l.slice(3)).filter((f) => !excluded.some((re) => re.test(f)));
}

/**
 * Writes the files of commit `rev` (all but `excluded`) into `out`, byte for byte as committed
 * (git archive, so modes and links are git's), and returns their paths.
 */
export function exportCommitted(root: string, excluded: readonly RegExp[], out: string, rev = "HEAD"): string[] {
  const files = committedFiles(root, excluded, rev);
  fs.mkdirSync(out, { recursive: true });
  // Listed on stdin in chunks, so a large course does not overflow the command line.
  for (let i = 0; i < files.length; i += 500) {
    const tar = git(root, ["archive", "--format=tar", rev, "--", ...files.slice(i, i + 500)]);
    execFileSync("tar", ["-x", "-f", "-", "-C", out], { input: tar, maxBuffer: 1 << 30 });
  }
  return files.filter((f) => fs.existsSync(path.join(out, f)));
}

/** A warning about uncommitted changes that a bundle leaves out, or null when there are none. */
export function dirtyWarning(root: string, excluded: readonly RegExp[]): string | null {
  const changed = uncommittedChanges(root, excluded);
  if (!changed.length) return null;
  const shown = changed.slice(0, 10).join(", ") + (changed.length > 10 ? `, … (${changed.length - 10} more)` : "");
  return `warning: ${changed.length} file(s) have uncommitted changes, which the bundle does NOT include (it holds the committed version): ${shown}. Commit them first if they should ship.`;
}
