/**
 * Our weightings against reference implementations (LibMTL's UW, DWA, GradNorm, PCGrad and
 * group_DRO's LossComputer), on the fixed inputs of bench/references/weightings.ts. The references'
 * outputs were computed by bench/references/compare.ts and stored in fixtures/references.json.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { setupBackend } from "../../lib/backend";
import { maxDiff, referenceInputs, runOurs, type ReferenceInputs, type ReferenceOutputs } from "../../bench/references/weightings";

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "references.json"), "utf8")) as {
  inputs: ReferenceInputs;
  reference: ReferenceOutputs;
};
let ours: ReferenceOutputs;

before(async () => {
  await setupBackend({ quiet: true });
  ours = runOurs(fixture.inputs);
});

test("the fixture's inputs are the ones bench/references/weightings.ts generates", () => {
  assert.deepEqual(JSON.parse(JSON.stringify(referenceInputs())), fixture.inputs);
});

// Our tensors are float32 and group_DRO runs in float32: agreement to a relative 1e-5 is exact up
// to rounding; a different formula would differ by far more.
const methods: [keyof ReferenceOutputs, string][] = [
  ["uncertainty", "uncertainty weighting = LibMTL UW: objective, gradient in s, weights"],
  ["dwa", "DWA with epoch periods = LibMTL DWA: the weights used at every step"],
  ["gradnorm", "GradNorm = LibMTL GradNorm (w = T·softmax(s), Adam): weights and update at every step"],
  ["pcgrad", "PCGrad = LibMTL PCGrad in the same task order: the summed projected gradient"],
  ["groupDro", "group DRO = group_DRO's LossComputer, with sampled tasks: q after every step"],
];
for (const [method, title] of methods) {
  test(title, () => {
    assert.equal(ours[method].length, fixture.reference[method].length);
    const d = maxDiff(ours[method], fixture.reference[method], true);
    assert.ok(d < 1e-5, `${method}: largest relative difference ${d}`);
  });
}
