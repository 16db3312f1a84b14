/**
 * Builds the student bundle: `npm run release -- [--out DIR] [--zip FILE.zip]` (default
 * release/student; --zip also packs the folder into one zip).
 * It holds the course (notebooks, library, data, homework, the course command and package files)
 * and leaves out solutions, tests, benchmarks and CI. It refuses to finish if a homework file
 * still contains solution code.
 */
import * as fs from "fs";
import * as path from "path";
import { zipFiles } from "../lib/grading/archive";
import { copyTracked } from "./tracked-files";
import { readNotebook, cellSource } from "../lib/grading/notebook";

const ROOT = path.resolve(__dirname, "..");
const EXCLUDED = [/^solutions\//, /^test\//, /^bench\//, /^\.ci\//, /^release\//];

/** Copies the bundle into `out` and returns the files it holds. */
export function buildRelease(out: string): string[] {
  fs.rmSync(out, { recursive: true, force: true });
  const files = copyTracked(ROOT, EXCLUDED, out);
  // Solution code could only leak through the generated homework: none of its files may contain a line of a solution region.
  const secrets = new Set<string>();
  for (const sol of fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => f.endsWith(".ipynb"))) {
    const cells = readNotebook(path.join(ROOT, "solutions", sol)).cells.map(cellSource);
    const region = /\/\/ BEGIN SOLUTION[^\n]*\n([\s\S]*?)\/\/ END SOLUTION/g;
    // A line the notebook also gives outside its solutions (e.g. in an experiment cell) is no secret.
    const given = new Set(cells.flatMap((c) => c.replace(region, "").split("\n").map((l) => l.trim())));
    for (const c of cells) {
      for (const m of c.matchAll(region)) {
        m[1].split("\n").map((l) => l.trim()).filter((l) => l.length > 25 && !given.has(l)).forEach((l) => secrets.add(l));
      }
    }
  }
  for (const f of files.filter((x) => x.startsWith("homework/"))) {
    const text = fs.readFileSync(path.join(out, f), "utf8");
    for (const line of secrets) if (text.includes(line)) throw new Error(`${f} contains solution code ("${line}"); the release was not finished`);
  }
  return files;
}

if (require.main === module) {
  const i = process.argv.indexOf("--out");
  const out = path.resolve(i >= 0 ? process.argv[i + 1] : path.join(ROOT, "release", "student"));
  const z = process.argv.indexOf("--zip");
  try {
    const files = buildRelease(out);
    console.log(`student bundle: ${files.length} files in ${out}\nStudents run: npm install && npm start`);
    if (z >= 0) {
      const zip = path.resolve(process.argv[z + 1] ?? `${out}.zip`);
      zipFiles(out, files, zip);
      console.log(`zipped: ${zip}`);
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
