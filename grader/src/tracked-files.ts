/** Copying the kit's committed files, for the bundles built from it (student release, Gradescope). */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Copies the files git tracks under `root`, except those matching `excluded`, into `out`; returns their paths. */
export function copyTracked(root: string, excluded: readonly RegExp[], out: string): string[] {
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
  // A file deleted but not yet committed is still listed: skip it.
  const files = tracked.filter((f) => !excluded.some((re) => re.test(f)) && fs.existsSync(path.join(root, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(out, f));
  }
  return files;
}
