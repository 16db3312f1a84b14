/** One source, no drift: the committed homework is exactly what the solution generates. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { generateHomework } from "../../grader/src/commands/make-homework";
import { makeHomework, markdownSolutions, stripMarkdownSolutions, stripSolutions, WRITTEN_PROMPT } from "../../grader/src/authoring";
import { difference } from "../../lib/grading/compare";

const ROOT = path.resolve(__dirname, "..", "..");

const solutions = fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => /^hw\d+\.ipynb$/.test(f));

test("there are homework solutions", () => assert.ok(solutions.length >= 2, solutions.join(", ")));

for (const file of solutions) {
  const name = file.replace(/\.ipynb$/, "");
  test(`committed homework/${name}.ipynb and ${name}.checks.json match what the solution generates`, async () => {
    const generated = await generateHomework(path.join(ROOT, "solutions", file));
    for (const [out, text] of Object.entries(generated)) {
      assert.ok(fs.existsSync(out), `${out} is missing: run npm run make-homework`);
      assert.equal(fs.readFileSync(out, "utf8"), text, `${path.relative(ROOT, out)} differs from the solution: run npm run make-homework`);
    }
    const hw = fs.readFileSync(path.join(ROOT, "homework", file), "utf8");
    assert.doesNotMatch(hw, /BEGIN SOLUTION|END SOLUTION/);
  });
}

test("no solution code leaks into the homework", () => {
  assert.doesNotMatch(fs.readFileSync(path.join(ROOT, "homework", "hw1.ipynb"), "utf8"), /Array\.from\(\{ length: numTasks \}/);
  assert.doesNotMatch(fs.readFileSync(path.join(ROOT, "homework", "hw2.ipynb"), "utf8"), /tf\.softplus\(neg\.sub\(pos\)\)/);
});

test("solution regions become stubs that throw, keeping their indentation", () => {
  const src = "function f() {\n  // BEGIN SOLUTION\n  return 42;\n  // END SOLUTION\n}\n";
  assert.equal(stripSolutions(src, "9z"), 'function f() {\n  // YOUR CODE HERE\n  throw new Error("not implemented: question 9z");\n}\n');
  assert.throws(() => stripSolutions("// BEGIN SOLUTION\nreturn 1;\n"), /no END SOLUTION/);
});

test("a written cell's model answer becomes the answer prompt; the staff read it back; an unclosed region is refused", () => {
  const cell = "**Answer 4a.** <!-- BEGIN SOLUTION -->\n**Model answer.** Sharing regularizes.\n<!-- END SOLUTION -->\n";
  assert.equal(stripMarkdownSolutions(cell), `**Answer 4a.** ${WRITTEN_PROMPT}\n`);
  assert.equal(markdownSolutions(cell), "**Model answer.** Sharing regularizes.");
  assert.throws(() => stripMarkdownSolutions("<!-- BEGIN SOLUTION --> no end"), /no <!-- END SOLUTION -->/);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", source: [cell], metadata: { mtl: { id: "w4a", role: "written", question: "4a" } } },
      { cell_type: "markdown", source: ["**Rubric 4a.** 2 points."], metadata: { mtl: { id: "r4a", role: "rubric", question: "4a" } } },
      { cell_type: "markdown", source: ["Plain text stays as it is.\n", "Two lines."], metadata: {} },
    ],
  };
  const homework = makeHomework(nb as never);
  assert.equal(homework.cells.length, 2, "the rubric cell is dropped");
  assert.deepEqual(homework.cells[0].source, [`**Answer 4a.** ${WRITTEN_PROMPT}\n`]);
  assert.deepEqual(homework.cells[1].source, ["Plain text stays as it is.\n", "Two lines."]);
  for (const c of homework.cells) assert.doesNotMatch(JSON.stringify(c.source), /Model answer|Rubric/);
});

test("comparison explains the first difference and honours tolerances", () => {
  assert.equal(difference([1, 2.00001], [1, 2]), null);
  assert.match(difference([[1, 2]], [[1, 3]]) ?? "", /value\[0\]\[1\]: expected 3, got 2/);
  assert.match(difference([1], [1, 2]) ?? "", /expected length 2/);
  assert.equal(difference(1.05, 1, { rtol: 0.1 }), null);
  assert.match(difference(undefined, 1) ?? "", /expected a number, got undefined/);
});
