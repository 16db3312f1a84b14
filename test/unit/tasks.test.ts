import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { mmoeSyntheticFamily, pearson } from "../../lib/tasks/mmoe-synthetic";
import { sinusoidFamily } from "../../lib/tasks/sinusoid";
import { fashionMixedLossFamily, fashionMultiLabelFamily, fashionOneVsRestFamily, loadFashionMnist } from "../../lib/tasks/fashion-mnist";
import { withTrainSizes } from "../../lib/tasks/subsets";
import { batchIndices } from "../../lib/tasks/sampling";
import { Rng } from "../../lib/random";

test("the MMoE synthetic family's linear parts have correlation p", () => {
  for (const p of [0, 0.5, 0.9, 1]) {
    const fam = mmoeSyntheticFamily({ correlation: p, trainSize: 20000, testSize: 10, seed: 1 });
    const r = pearson(fam.linearParts[0], fam.linearParts[1]);
    assert.ok(Math.abs(r - p) < 0.02, `p = ${p}: empirical ${r}`);
  }
  const many = mmoeSyntheticFamily({ correlation: 0.5, numTasks: 4, trainSize: 20000, testSize: 10, seed: 2 });
  for (let a = 0; a < 4; a++)
    for (let b = a + 1; b < 4; b++) {
      const r = pearson(many.linearParts[a], many.linearParts[b]);
      assert.ok(Math.abs(r - 0.5) < 0.03, `tasks ${a},${b}: ${r}`);
    }
});

test("clustered synthetic tasks correlate within a cluster only", () => {
  const fam = mmoeSyntheticFamily({ correlation: 0.8, clusters: [0, 0, 1, 1], inputDim: 20, trainSize: 20000, testSize: 10, seed: 5 });
  assert.ok(Math.abs(pearson(fam.linearParts[0], fam.linearParts[1]) - 0.8) < 0.03);
  assert.ok(Math.abs(pearson(fam.linearParts[2], fam.linearParts[3]) - 0.8) < 0.03);
  assert.ok(Math.abs(pearson(fam.linearParts[0], fam.linearParts[2])) < 0.03);
  assert.match(fam.tasks[2].name, /cluster B/);
});

test("families are seeded: same seed same data, another seed other data", () => {
  const a = mmoeSyntheticFamily({ correlation: 0.5, trainSize: 50, testSize: 10, seed: 3 });
  const b = mmoeSyntheticFamily({ correlation: 0.5, trainSize: 50, testSize: 10, seed: 3 });
  const c = mmoeSyntheticFamily({ correlation: 0.5, trainSize: 50, testSize: 10, seed: 4 });
  assert.deepEqual(a.tasks[1].train.y, b.tasks[1].train.y);
  assert.notDeepEqual(a.tasks[1].train.y, c.tasks[1].train.y);
  const s1 = sinusoidFamily({ seed: 1 });
  const s2 = sinusoidFamily({ seed: 1 });
  assert.deepEqual(
    s1.tasks.map((t) => t.amplitude),
    s2.tasks.map((t) => t.amplitude),
  );
  assert.ok(s1.tasks.every((t) => t.amplitude >= 0.5 && t.amplitude <= 3));
});

test("the Fashion-MNIST subset loads balanced, in [0, 1], with its families", () => {
  const data = loadFashionMnist();
  assert.equal(data.train.n, 6000);
  assert.equal(data.test.n, 1000);
  assert.equal(data.train.images.length, 6000 * 196);
  const counts = new Array(10).fill(0);
  data.train.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(600));
  let min = Infinity;
  let max = -Infinity;
  for (const v of data.train.images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min >= 0 && max <= 1 && max > 0.9);
  const ml = fashionMultiLabelFamily();
  assert.equal(ml.tasks.length, 5);
  const footwear = ml.tasks[0].train.y.reduce((a, b) => a + b, 0);
  assert.equal(footwear, 1800, "three footwear classes of 600");
  assert.equal(fashionOneVsRestFamily({ classes: [0, 8] }).tasks[1].name, "is Bag");
  const mixed = fashionMixedLossFamily({ trainSize: 100 });
  assert.deepEqual(
    mixed.tasks.map((t) => t.loss),
    ["bce", "mse"],
  );
  assert.equal(mixed.tasks[0].train.n, 100);
});

test(
  "the shipped subset regenerates byte for byte from the original files",
  {
    skip:
      !fs.existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") && "Debian's dataset-fashion-mnist is not installed (.ci/run installs it)",
  },
  () => {
    const root = path.resolve(__dirname, "..", "..");
    const { makeSubset } = require(path.join(root, "data", "fashion-mnist", "make-subset.ts")) as { makeSubset(dir: string): Buffer };
    const fresh = makeSubset("/usr/share/datasets/fashion-mnist");
    assert.ok(fresh.equals(fs.readFileSync(path.join(root, "data", "fashion-mnist", "subset.bin.gz"))));
  },
);

test("withTrainSizes cuts each task's training set and batches stay in range", () => {
  const fam = withTrainSizes(mmoeSyntheticFamily({ correlation: 0.5, numTasks: 2, trainSize: 100, testSize: 10 }), [80, 5]);
  assert.deepEqual(
    fam.tasks.map((t) => t.train.n),
    [80, 5],
  );
  assert.equal(fam.sharedInputs, false);
  const idx = batchIndices(50, 20, new Rng(1));
  assert.equal(new Set(idx).size, 20);
  assert.ok(Array.from(idx).every((i) => i >= 0 && i < 50));
});
