/**
 * Executes every notebook in notebooks/ and solutions/ in the real tslab kernel through Jupyter.
 * A notebook fails on an error reply, an error output or any stderr text. Elapsed time is reported
 * against the notebook's budget (the benchmark tracks the budgets; tests do not time out on them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { budgetFor, runNotebook } from "../scripts/notebook-runner";

const ROOT = path.resolve(__dirname, "..");

const notebooks = ["notebooks", "solutions"].flatMap((dir) =>
  fs.existsSync(path.join(ROOT, dir))
    ? fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".ipynb")).sort().map((f) => `${dir}/${f}`)
    : [],
);

test("there are notebooks to run", () => {
  assert.ok(notebooks.includes("notebooks/00-setup.ipynb"), "notebooks/00-setup.ipynb is missing");
});

for (const file of notebooks) {
  test(`${file} executes in the real kernel without errors`, async (t) => {
    const run = await runNotebook(path.join(ROOT, file));
    const budget = budgetFor(file);
    t.diagnostic(`${file}: ${run.seconds.toFixed(1)} s (budget ${budget} s${run.seconds > budget ? ", OVER BUDGET" : ""}); executed copy ${path.relative(ROOT, run.executed)}`);
    assert.equal(run.ok, true, `${file}: ${run.error}`);
  });
}
