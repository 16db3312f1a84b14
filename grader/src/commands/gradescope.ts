/**
 * The gradescope verb: builds Gradescope's autograder zip for one homework, from the committed
 * course (git HEAD; uncommitted changes are left out, with a warning):
 *
 *   mtl-grader gradescope hw1 [--out gradescope/hw1-autograder.zip]
 *
 * The zip holds the course's grading side (library, grader, solutions and their input generators,
 * data, package files, and the homework's public checks file, which check cells read) plus
 * Gradescope's two entry points at its root: `setup.sh` (run once as root when Gradescope builds
 * the image: installs Node 20 and the locked packages) and `run_autograder` (run per submission).
 * Upload it as a "Zip file upload" autograder on one of Gradescope's Ubuntu base images.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { zipFiles } from "../archive";
import { courseDir, userPath } from "../course";
import { dirtyWarning, exportCommitted } from "../tracked-files";

/** Students' files and the course's own tooling are not needed to grade; the homework's checks file is (see buildAutograder). */
const excluded = (homework: string) => [
  /^notebooks\//,
  new RegExp(`^homework\\/(?!${homework}\\.checks\\.json$)`),
  /^test\//,
  /^bench\//,
  /^\.ci\//,
  /^release\//,
  /^gradescope\//,
];

const SETUP = `#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source when it builds the autograder image.
set -euo pipefail
cd /autograder/source
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
# The locked packages (tfjs with its WASM backend, tslab, tsx); this also builds lib/.
npm ci --no-audit --no-fund
`;

/** The `run_autograder` script of `homework`. */
export const runAutograder = (homework: string) => `#!/usr/bin/env bash
# Gradescope runs this for every submission; the result goes to /autograder/results/results.json.
# GRADESCOPE_ROOT points it at a copy of Gradescope's directory layout (used by the course's tests).
set -uo pipefail
root="\${GRADESCOPE_ROOT:-/autograder}"
cd "$root/source"
node grader/bin/mtl-grader.js autograde ${homework} "$root"
status=$?
# The grader writes a results.json itself, also when it fails; this covers a Node that cannot start.
if [ ! -s "$root/results/results.json" ]; then
  mkdir -p "$root/results"
  echo '{"score": 0, "output": "The autograder could not start; please tell the course staff.", "output_format": "text", "visibility": "visible", "tests": []}' > "$root/results/results.json"
fi
exit $status
`;

/** Writes the autograder zip for `homework` of the course in `course` to `out` and returns the paths it holds. */
export function buildAutograder(course: string, homework: string, out: string): string[] {
  if (!/^hw\d+$/.test(homework)) throw new Error(`"${homework}" is not a homework name (hw1, hw2, ...)`);
  const skip = excluded(homework);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "autograder-"));
  try {
    const files = exportCommitted(course, skip, staging);
    for (const needed of [`solutions/${homework}.ipynb`, `solutions/${homework}.inputs.ts`, `homework/${homework}.checks.json`]) {
      if (!files.includes(needed)) throw new Error(`${needed} is not committed: the autograder needs it (commit it, or run make-homework for the checks file)`);
    }
    fs.writeFileSync(path.join(staging, "setup.sh"), SETUP, { mode: 0o755 });
    fs.writeFileSync(path.join(staging, "run_autograder"), runAutograder(homework), { mode: 0o755 });
    const all = ["setup.sh", "run_autograder", ...files];
    zipFiles(staging, all, out);
    return all;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The gradescope verb. */
export function gradescopeCommand(): Command {
  return new Command("gradescope")
    .description("build Gradescope's autograder zip for one homework from the committed course")
    .argument("<homework>", "the homework (hw1, hw2, ...)")
    .option("--out <file>", "the zip to write (default: gradescope/<homework>-autograder.zip in the course)")
    .option("--course <dir>", "the course folder (default: the nearest folder with homework/ in it)")
    .action((homework: string, o: { out?: string; course?: string }) => {
      const course = courseDir(o.course);
      const warning = dirtyWarning(course, excluded(homework));
      if (warning) console.warn(warning);
      const out = o.out ? userPath(o.out) : path.join(course, "gradescope", `${homework}-autograder.zip`);
      const files = buildAutograder(course, homework, out);
      console.log(`Gradescope autograder for ${homework}: ${out} (${files.length} files, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
    });
}
