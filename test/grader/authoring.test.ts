/** One source, no drift: the committed homework is exactly what the solution generates. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { generateHomework } from "../../scripts/make-homework";
import { stripSolutions } from "../../lib/grading/authoring";
import { difference } from "../../lib/grading/compare";

const ROOT = path.resolve(__dirname, "..", "..");

test("committed homework/hw1.ipynb and hw1.checks.json match what the solution generates", async () => {
  const generated = await generateHomework(path.join(ROOT, "solutions", "hw1.ipynb"));
  for (const [file, text] of Object.entries(generated)) {
    assert.ok(fs.existsSync(file), `${file} is missing: run npm run make-homework`);
    assert.equal(fs.readFileSync(file, "utf8"), text, `${path.relative(ROOT, file)} differs from the solution: run npm run make-homework`);
  }
  const hw = fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8");
  assert.doesNotMatch(hw, /BEGIN SOLUTION|END SOLUTION/);
  assert.doesNotMatch(hw, /Array\.from\(\{ length: numTasks \}/, "no solution code leaks");
});

test("solution regions become stubs that throw, keeping their indentation", () => {
  const src = "function f() {\n  // BEGIN SOLUTION\n  return 42;\n  // END SOLUTION\n}\n";
  assert.equal(stripSolutions(src, "9z"), 'function f() {\n  // YOUR CODE HERE\n  throw new Error("not implemented: question 9z");\n}\n');
  assert.throws(() => stripSolutions("// BEGIN SOLUTION\nreturn 1;\n"), /no END SOLUTION/);
});

test("comparison explains the first difference and honours tolerances", () => {
  assert.equal(difference([1, 2.00001], [1, 2]), null);
  assert.match(difference([[1, 2]], [[1, 3]]) ?? "", /value\[0\]\[1\]: expected 3, got 2/);
  assert.match(difference([1], [1, 2]) ?? "", /expected length 2/);
  assert.equal(difference(1.05, 1, { rtol: 0.1 }), null);
  assert.match(difference(undefined, 1) ?? "", /expected a number, got undefined/);
});
