/**
 * Executes every notebook in notebooks/ and solutions/ in the real tslab kernel through Jupyter.
 * A notebook fails on an error reply, an error output or any stderr text. Elapsed time is reported
 * against the notebook's budget (the benchmark tracks the budgets; tests do not time out on them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { budgetFor, claimsRecord, runNotebook } from "../scripts/notebook-runner";

const ROOT = path.resolve(__dirname, "..");

const notebooks = ["notebooks", "solutions"].flatMap((dir) =>
  fs.existsSync(path.join(ROOT, dir))
    ? fs
        .readdirSync(path.join(ROOT, dir))
        .filter((f) => f.endsWith(".ipynb"))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [],
);

test("there are notebooks to run", () => {
  assert.ok(notebooks.includes("notebooks/00-setup.ipynb"), "notebooks/00-setup.ipynb is missing");
});

for (const file of notebooks) {
  test(`${file} executes in the real kernel without errors`, async (t) => {
    // The tests run the course at its default seed, whatever MTL_SEED the shell has.
    const run = await runNotebook(path.join(ROOT, file), { env: { MTL_SEED: "" } });
    const budget = budgetFor(file);
    t.diagnostic(
      `${file}: ${run.seconds.toFixed(1)} s (budget ${budget} s${run.seconds > budget ? ", OVER BUDGET" : ""}); kernel's peak memory ${run.peakMemoryMB ?? "–"} MB; executed copy ${path.relative(ROOT, run.executed)}`,
    );
    assert.equal(run.ok, true, `${file}: ${run.error}`);
    // Every finding a lecture notebook or solution states is checked by its last cell.
    const record = claimsRecord(run.executed);
    assert.ok(record && record.claims.length > 0, `${file}: no claims record (its last cell must call claims.report())`);
    assert.equal(record.seed, 1, "the tests run at the default course seed");
    assert.deepEqual(
      record.claims.filter((c) => !c.holds).map((c) => c.id),
      [],
      `${file}: claims that do not hold`,
    );
  });
}

test("MTL_SEED changes the numbers and the same seed reproduces them (00-setup in the real kernel)", async () => {
  const evidence = async (seed: string, tag: string) => {
    const executed = path.join(ROOT, ".artifacts", "executed", `seed-${tag}.ipynb`);
    const run = await runNotebook(path.join(ROOT, "notebooks", "00-setup.ipynb"), { env: { MTL_SEED: seed }, executed });
    assert.equal(run.ok, true, `seed ${seed}: ${run.error}`);
    const record = claimsRecord(executed);
    assert.equal(record?.seed, Number(seed));
    return JSON.stringify(record?.claims.map((c) => c.evidence));
  };
  const first = await evidence("11", "a");
  assert.equal(await evidence("11", "b"), first, "the same seed gives the same numbers");
  assert.notEqual(await evidence("12", "c"), first, "another seed gives other numbers");
});
