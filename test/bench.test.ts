/** The benchmark's quick mode, as a smoke test: it runs and writes a well-formed report (no timing assertions). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadNativeBlas } from "../lib/kernels/native-blas";

const ROOT = path.resolve(__dirname, "..");

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "run.ts"), "--quick", ...args], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "results", "quick.json"), "utf8"));
}

test("npm run bench -- --quick writes a complete report", () => {
  const report = bench();
  assert.ok(report.steps.length >= 3, "one row per model");
  for (const row of report.steps) assert.ok(row.ms > 0 && Number.isFinite(row.ms) && row.flops > 0, JSON.stringify(row));
  assert.ok(report.peak.wasmGflops > 0);
  assert.equal(report.notebooks[0].ok, true);
  assert.ok(report.coldStart.seconds > 0, "cold start measured");
  assert.ok(Array.isArray(report.grader) && report.grader[0].seconds > 0, "grading measured");
  const md = fs.readFileSync(path.join(ROOT, "bench", "results", "quick.md"), "utf8");
  assert.match(md, /\| model \| batch \| backend \| ms\/step/);
});

test("--only=steps times every kernel set the chooser can pick against PyTorch in the same rounds", () => {
  // (It used to create its cold-start folder under .artifacts/, which a fresh clone lacks, before
  // checking whether the cold start was asked for.)
  const report = bench("--only=steps");
  const sides = new Set(report.steps.map((s: { backend: string }) => s.backend));
  for (const side of ["wasm", "wasm + JS kernels"]) assert.ok(sides.has(side), `rows for ${side}`);
  if (loadNativeBlas().addon) assert.ok(sides.has("native BLAS"), "rows for native BLAS where it loads");
  else
    assert.ok(
      report.notes.some((n: string) => n.startsWith("native BLAS not measured")),
      "says why native BLAS is missing",
    );
  const torchMissing = report.notes.some((n: string) => n.startsWith("PyTorch rows skipped"));
  for (const row of report.steps) {
    if (torchMissing) continue;
    // Each ratio is the median of per-round ratios, inside their range.
    assert.equal(row.rounds, 2, JSON.stringify(row));
    assert.ok(row.ratio > 0 && row.ratioRange[0] <= row.ratio && row.ratio <= row.ratioRange[1], JSON.stringify(row));
  }
  // Without PyTorch the report must say so instead of showing ratios (.ci/run installs it).
  const md = fs.readFileSync(path.join(ROOT, "bench", "results", "quick.md"), "utf8");
  if (torchMissing) assert.match(md, /PyTorch rows skipped/);
  else assert.match(md, /interleaved rounds: median ratio \(lowest–highest round\)/);
});
