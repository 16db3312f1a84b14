/**
 * Lint and format are part of the test command: eslint (typescript-eslint, eslint.config.mjs) must
 * report no errors, and every file prettier formats must already be formatted (`npm run format`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

test("eslint reports no errors", () => {
  const r = spawnSync(bin("eslint"), ["--quiet", "."], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `eslint found errors (run npm run lint):\n${r.stdout}${r.stderr}`);
});

test("every file is formatted as prettier formats it", () => {
  const r = spawnSync(bin("prettier"), ["--list-different", "."], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `not formatted (run npm run format):\n${r.stdout}${r.stderr}`);
});
