import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildRelease } from "../../grader/src/commands/release";

const ROOT = path.resolve(__dirname, "..", "..");

test("the student bundle has the course and the homework but no solutions", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-release-"));
  const files = buildRelease(ROOT, out);
  assert.ok(files.includes("homework/hw1.ipynb") && files.includes("homework/hw1.checks.json"));
  assert.ok(files.includes("notebooks/00-setup.ipynb") && files.includes("lib/index.ts") && files.includes("package-lock.json"));
  assert.ok(files.some((f) => f.startsWith("data/recsys/")));
  assert.ok(!files.some((f) => f.startsWith("solutions/") || f.startsWith("test/")));
  assert.equal(fs.existsSync(path.join(out, "solutions")), false);
  const hw = fs.readFileSync(path.join(out, "homework", "hw1.ipynb"), "utf8");
  assert.doesNotMatch(hw, /BEGIN SOLUTION/);
  assert.match(hw, /not implemented: question 1a/);
});

test("the release refuses a homework that leaks solution code", () => {
  const hwFile = path.resolve(__dirname, "..", "..", "homework", "hw1.ipynb");
  const original = fs.readFileSync(hwFile, "utf8");
  try {
    const nb = JSON.parse(original);
    nb.cells.push({ id: "leak", cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: "  return Array.from({ length: numTasks }, (_, i) => (i === task ? 1 : 0));" });
    fs.writeFileSync(hwFile, JSON.stringify(nb));
    assert.throws(() => buildRelease(ROOT, fs.mkdtempSync(path.join(os.tmpdir(), "mtl-release-"))), /contains solution code/);
  } finally {
    fs.writeFileSync(hwFile, original);
  }
});
