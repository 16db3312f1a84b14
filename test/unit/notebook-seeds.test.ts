/**
 * Every random choice in a lecture notebook (and in a solution's experiment cells) derives from the
 * course seed through mtl.seedFor, so MTL_SEED changes every number: no literal seeds, no
 * Math.random. (The notebook tests run each notebook; the robustness report runs them under ten
 * seeds; this catches a literal seed before either.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const LITERAL_SEED = /\bseed\s*[:=]\s*-?\d|\bRng\(\s*-?\d|Math\.random\(/;

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { mtl?: { role?: string } };
}

function cellsOf(file: string): Cell[] {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { cells: Cell[] }).cells;
}

const files = ["notebooks", "solutions"].flatMap((dir) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => `${dir}/${f}`),
);

for (const file of files) {
  test(`${file}: random choices come from the course seed`, () => {
    const lecture = file.startsWith("notebooks/");
    const offending = cellsOf(file)
      .map((c, i) => ({ i, c, src: Array.isArray(c.source) ? c.source.join("") : c.source }))
      // In a homework, graded functions take their seeds as arguments; only experiments are the course's own.
      .filter(({ c }) => c.cell_type === "code" && (lecture || c.metadata?.mtl?.role === "experiment"))
      .flatMap(({ i, src }) =>
        src
          .split("\n")
          .filter((line) => LITERAL_SEED.test(line) && !line.trim().startsWith("//"))
          .map((line) => `cell ${i}: ${line.trim()}`),
      );
    assert.deepEqual(offending, [], "use mtl.seedFor(...) instead of a literal seed");
  });
}

test("the pattern catches literal seeds and lets derived ones pass", () => {
  for (const bad of ["mtl.models.mmoe({ seed: 3 })", "const seed = 42;", "new mtl.Rng(7)", "Math.random()"]) assert.ok(LITERAL_SEED.test(bad), bad);
  for (const good of ["mtl.models.mmoe({ seed: mtl.seedFor('m', rep) })", "const seed = mtl.seedFor('x');", "new mtl.Rng(mtl.seedFor('x'))", "seedFor(1)"])
    assert.ok(!LITERAL_SEED.test(good), good);
});
