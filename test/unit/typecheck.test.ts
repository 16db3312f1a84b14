import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

test("the whole project type-checks under strict TypeScript", () => {
  const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", ROOT, "--noEmit"], { encoding: "utf8" });
  assert.equal(r.status, 0, `tsc reported errors:\n${r.stdout}${r.stderr}`);
});
