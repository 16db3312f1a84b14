/**
 * Builds Gradescope's autograder zip for one homework:
 *
 *   npm run gradescope -- hw1 [--out gradescope/hw1-autograder.zip]
 *
 * The zip holds the course's grading side (library, solutions, data, scripts, package files) plus
 * Gradescope's two entry points at its root: `setup.sh` (run once as root when Gradescope builds
 * the image: installs Node 20 and the locked packages) and `run_autograder` (run per submission).
 * Upload it as a "Zip file upload" autograder on one of Gradescope's Ubuntu base images.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipFiles } from "../lib/grading/archive";
import { copyTracked } from "./tracked-files";

const ROOT = path.resolve(__dirname, "..");
// Students' files and the course's own tooling are not needed to grade.
const EXCLUDED = [/^notebooks\//, /^homework\//, /^test\//, /^bench\//, /^\.ci\//, /^release\//, /^gradescope\//];

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
node --import tsx scripts/run-autograder.ts ${homework} "$root"
status=$?
# The grader writes a results.json itself, also when it fails; this covers a Node that cannot start.
if [ ! -s "$root/results/results.json" ]; then
  mkdir -p "$root/results"
  echo '{"score": 0, "output": "The autograder could not start; please tell the course staff.", "output_format": "text", "visibility": "visible", "tests": []}' > "$root/results/results.json"
fi
exit $status
`;

/** Writes the autograder zip for `homework` to `out` and returns the paths it holds. */
export function buildAutograder(homework: string, out: string): string[] {
  if (!fs.existsSync(path.join(ROOT, "solutions", `${homework}.ipynb`))) throw new Error(`there is no solutions/${homework}.ipynb to build an autograder from`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "autograder-"));
  try {
    const files = copyTracked(ROOT, EXCLUDED, staging);
    fs.writeFileSync(path.join(staging, "setup.sh"), SETUP, { mode: 0o755 });
    fs.writeFileSync(path.join(staging, "run_autograder"), runAutograder(homework), { mode: 0o755 });
    const all = ["setup.sh", "run_autograder", ...files];
    zipFiles(staging, all, out);
    return all;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const homework = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--out");
  if (!homework) {
    console.error("usage: npm run gradescope -- hwN [--out FILE.zip]");
    process.exit(2);
  }
  const i = args.indexOf("--out");
  const out = path.resolve(i >= 0 ? args[i + 1] : path.join(ROOT, "gradescope", `${homework}-autograder.zip`));
  try {
    const files = buildAutograder(homework, out);
    console.log(`Gradescope autograder for ${homework}: ${out} (${files.length} files, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
