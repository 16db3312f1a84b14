/** The benchmark's quick mode, as a smoke test: it runs and writes a well-formed report (no timing assertions). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

test("npm run bench -- --quick writes a complete report", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "run.ts"), "--quick"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const report = JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "results", "quick.json"), "utf8"));
  assert.ok(report.steps.length >= 3, "one row per model");
  for (const row of report.steps) assert.ok(row.ms > 0 && Number.isFinite(row.ms) && row.flops > 0, JSON.stringify(row));
  assert.ok(report.peak.wasmGflops > 0);
  assert.equal(report.notebooks[0].ok, true);
  assert.ok(report.coldStart.seconds > 0, "cold start measured");
  assert.ok(Array.isArray(report.grader) && report.grader[0].seconds > 0, "grading measured");
  const md = fs.readFileSync(path.join(ROOT, "bench", "results", "quick.md"), "utf8");
  assert.match(md, /\| model \| batch \| backend \| ms\/step/);
});
