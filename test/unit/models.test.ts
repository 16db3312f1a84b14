import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as m from "../../lib/models";
import { flatAdam } from "../../lib/optim/adam";
import { centralDifference } from "./helpers";

before(async () => {
  await setupBackend({ quiet: true });
});

const D = 6;
const T = 3;
const common = { inputDim: D, numTasks: T, seed: 3 };

/** Every architecture, small. */
const factories: Record<string, (seed: number) => m.Architecture> = {
  independent: (seed) => m.independent({ ...common, seed, hidden: [8] }),
  concat: (seed) => m.concatConditioned({ ...common, seed, hidden: [8] }),
  "concat (learned z)": (seed) => m.concatConditioned({ ...common, seed, hidden: [8], descriptor: { kind: "learned", dim: 2 } }),
  additive: (seed) => m.additiveConditioned({ ...common, seed, hidden: [8] }),
  "multi-head": (seed) => m.multiHead({ ...common, seed, bottom: [8], tower: [4] }),
  gating: (seed) => m.multiplicativeConditioned({ ...common, seed, hidden: [8, 8], layer: 1 }),
  film: (seed) => m.film({ ...common, seed, hidden: [8, 8] }),
  "cross-stitch": (seed) => m.crossStitch({ ...common, seed, hidden: [8, 8] }),
  "soft sharing": (seed) => m.softSharing({ ...common, seed, hidden: [8], lambda: 0.1 }),
  mmoe: (seed) => m.mmoe({ ...common, seed, experts: 3, expertUnits: 4, tower: [4], gateDropout: 0.2 }),
  omoe: (seed) => m.omoe({ ...common, seed, experts: 3, expertUnits: 4, tower: [4] }),
  cgc: (seed) => m.cgc({ ...common, seed, sharedExperts: 2, taskExperts: 1, expertUnits: 4 }),
};

function inputs(batch: number, seed = 1): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).normals(batch * D), [batch, D]);
}

function outputsOf(model: m.Architecture, x: tf.Tensor2D): number[][] {
  return tf.tidy(() => model.forward(x, [0, 1, 2]).map((o) => Array.from(o.dataSync())));
}

for (const [name, make] of Object.entries(factories)) {
  test(`${name}: shapes, parameter count, shared variables, seeding`, () => {
    const model = make(3);
    const x = inputs(5);
    const outs = tf.tidy(() => model.forward(x, [2, 0]).map((o) => o.shape));
    assert.deepEqual(outs, [
      [5, 1],
      [5, 1],
    ]);
    assert.equal(
      model.parameterCount(),
      model.variables.reduce((s, v) => s + v.size, 0),
    );
    for (const v of model.sharedVariables) assert.ok(model.variables.includes(v), `${v.name} is shared but not a variable`);
    for (const v of model.lastSharedVariables) assert.ok(model.sharedVariables.includes(v), `${v.name} is last-shared but not shared`);
    const again = make(3);
    assert.deepEqual(outputsOf(model, x), outputsOf(again, x), "same seed, same outputs");
    const other = make(4);
    assert.notDeepEqual(outputsOf(model, x), outputsOf(other, x), "another seed, other outputs");
    assert.throws(() => model.forward(x, [T]), /task 3 is not in 0\.\.2/);
    [model, again, other].forEach((mm) => mm.dispose());
    x.dispose();
  });

  test(`${name}: no tensor leaks over 100 Adam steps`, () => {
    const model = make(5);
    const x = inputs(16);
    const y = tf.tensor2d(new Rng(2).normals(16), [16, 1]);
    const opt = flatAdam({ learningRate: 0.01 });
    const loss = () =>
      tf.tidy(() => {
        const outs = model.forward(x, [0, 1, 2], { training: true });
        let l = outs.map((o) => o.sub(y).square().mean()).reduce((a, b) => a.add(b)) as tf.Scalar;
        if (model.regularizer) l = l.add(model.regularizer());
        return l;
      });
    opt.minimize(loss, false, [...model.variables]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) opt.minimize(loss, false, [...model.variables]);
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
}

/**
 * For each scalar parameter, how many tasks' outputs depend on it (its gradient is nonzero), from
 * the gradient of each task's summed output on a batch of 64 inputs.
 */
function taskUsage(model: m.Architecture): Map<tf.Variable, number[]> {
  const x = inputs(64, 9);
  const usage = new Map(model.variables.map((v) => [v, new Array<number>(v.size).fill(0)]));
  for (let t = 0; t < model.numTasks; t++) {
    const { grads } = tf.variableGrads(() => tf.tidy(() => model.forward(x, [t])[0].sum() as tf.Scalar), [...model.variables]);
    for (const v of model.variables) {
      const g = grads[v.name];
      if (g) g.dataSync().forEach((val, k) => (usage.get(v)![k] += val !== 0 ? 1 : 0));
    }
    tf.dispose(Object.values(grads));
  }
  x.dispose();
  return usage;
}

/**
 * Parameters the audit accepts inside a shared variable although one task alone uses them: the
 * rows of concatenation's first layer that multiply a one-hot descriptor (z_t selects row t, a
 * task's own bias), which share one weight matrix with the input rows and cannot be declared apart.
 */
function taskOwnedButDeclaredShared(name: string, model: m.Architecture, v: tf.Variable, index: number): boolean {
  if (name !== "concat") return false;
  const first = (model as m.ConcatConditioned).net.layers[0];
  return v === first.w && Math.floor(index / first.units) >= D;
}

for (const [name, make] of Object.entries(factories)) {
  test(`${name}: sharedVariables are exactly the parameters two or more tasks use; lastSharedVariables are among them`, () => {
    const model = make(3);
    const usage = taskUsage(model);
    for (const v of model.variables) {
      const counts = usage.get(v)!;
      if (model.sharedVariables.includes(v)) {
        assert.ok(
          counts.some((c) => c >= 2),
          `${name}: ${v.name} is declared shared but no two tasks use it`,
        );
        const owned = counts.findIndex((c, k) => c === 1 && !taskOwnedButDeclaredShared(name, model, v, k));
        assert.equal(owned, -1, `${name}: ${v.name} is declared shared but entry ${owned} is used by one task only`);
      } else {
        const both = counts.findIndex((c) => c >= 2);
        assert.equal(both, -1, `${name}: ${v.name} is used by several tasks (entry ${both}) but not declared shared`);
      }
    }
    for (const v of model.lastSharedVariables) assert.ok(model.sharedVariables.includes(v), `${v.name} is last-shared but not shared`);
    assert.equal(model.lastSharedVariables.length > 0, model.sharedVariables.length > 0, `${name}: a last shared layer exactly when something is shared`);
    model.dispose();
  });
}

test("CGC's shared variables are exactly its shared experts; task-owned experts and gates are not shared", () => {
  const model = m.cgc({ inputDim: D, numTasks: T, sharedExperts: 2, taskExperts: 2, expertUnits: 4, seed: 1 });
  assert.deepEqual(
    model.sharedVariables.map((v) => v.name),
    model.sharedExperts.variables.map((v) => v.name),
  );
  assert.deepEqual(
    model.lastSharedVariables.map((v) => v.name),
    model.sharedExperts.variables.map((v) => v.name),
  );
  for (const v of [...model.taskExperts!.variables, ...model.gates.flatMap((g) => g.variables)])
    assert.ok(!model.sharedVariables.includes(v), `${v.name} is task-owned`);
  // Task t's own experts are columns [t·K·U, (t+1)·K·U) of the task bank: only task t uses them.
  const usage = taskUsage(model).get(model.taskExperts!.layer.w)!;
  assert.ok(
    usage.every((c) => c <= 1),
    "a task-owned expert weight is used by one task at most",
  );
  const x = inputs(4);
  const before = outputsOf(model, x)[0];
  // Changing task 1's own experts leaves task 0's output alone.
  const units = model.taskExperts!.units * model.own;
  tf.tidy(() => {
    const w = model.taskExperts!.layer.w;
    const mask = tf.tensor2d(
      Array.from({ length: w.size }, (_, k) => (Math.floor((k % w.shape[1]) / units) === 1 ? 1 : 0)),
      w.shape,
    );
    w.assign(w.add(mask.mul(0.5)));
  });
  assert.deepEqual(outputsOf(model, x)[0], before);
  x.dispose();
  model.dispose();
});

test("concatenation and additive conditioning agree for matched weights", () => {
  const concat = m.concatConditioned({ inputDim: D, numTasks: T, hidden: [8, 5], seed: 11 });
  const additive = m.additiveFromConcat(concat);
  const x = inputs(20, 7);
  const diff = tf.tidy(() => {
    const a = concat.forward(x, [0, 1, 2]);
    const b = additive.forward(x, [0, 1, 2]);
    return Math.max(...a.map((o, i) => o.sub(b[i]).abs().max().dataSync()[0]));
  });
  assert.ok(diff < 1e-5, `max difference ${diff}`);
  // And the models really differ from a fresh additive one, so the check has teeth.
  const fresh = m.additiveConditioned({ inputDim: D, numTasks: T, hidden: [8, 5], seed: 12 });
  const freshDiff = tf.tidy(
    () =>
      concat
        .forward(x, [0])[0]
        .sub(fresh.forward(x, [0])[0])
        .abs()
        .max()
        .dataSync()[0],
  );
  assert.ok(freshDiff > 1e-3);
  [concat, additive, fresh].forEach((mm) => mm.dispose());
  x.dispose();
});

test("MMoE gates sum to one, with and without gate dropout", () => {
  const model = m.mmoe({ inputDim: D, numTasks: T, experts: 5, expertUnits: 3, gateDropout: 0.4, seed: 1 });
  const x = inputs(64);
  for (const training of [false, true]) {
    const sums = tf.tidy(() => model.gates(x, [0, 1, 2], training).map((g) => g.sum(1).arraySync() as number[]));
    for (const row of sums.flat()) assert.ok(Math.abs(row - 1) < 1e-5, `gate sum ${row} (training ${training})`);
  }
  const dropped = tf.tidy(() => model.gates(x, [0], true)[0].equal(0).sum().dataSync()[0]);
  assert.ok(dropped > 0, "gate dropout zeroes some gate weights in training");
  model.dispose();
  x.dispose();
});

test("OMoE equals MMoE whose gates are tied to the OMoE gate", () => {
  const o = m.omoe({ inputDim: D, numTasks: T, experts: 3, expertUnits: 4, seed: 2 });
  const mm = m.mmoe({ inputDim: D, numTasks: T, experts: 3, expertUnits: 4, seed: 9 });
  tf.tidy(() => {
    mm.experts.layer.w.assign(o.experts.layer.w);
    mm.experts.layer.b.assign(o.experts.layer.b);
    mm.gateBank.layer.w.assign(tf.tile(o.gateBank.layer.w, [1, T]));
    mm.gateBank.layer.b.assign(tf.tile(o.gateBank.layer.b, [T]));
    mm.towers.forEach((tw, t) => tw.variables.forEach((v, i) => v.assign(o.towers[t].variables[i])));
  });
  const x = inputs(10);
  const a = outputsOf(o, x);
  const b = outputsOf(mm, x);
  a.flat().forEach((v, i) => assert.ok(Math.abs(v - b.flat()[i]) < 1e-5));
  [o, mm].forEach((z) => z.dispose());
  x.dispose();
});

test("cross-stitch with identity α equals independent networks", () => {
  const cs = m.crossStitch({ inputDim: D, numTasks: T, hidden: [8, 8], alphaSelf: 1, seed: 4 });
  const ind = m.independent({ inputDim: D, numTasks: T, hidden: [8, 8], seed: 4 });
  const x = inputs(7);
  const a = outputsOf(cs, x).flat();
  const b = outputsOf(ind, x).flat();
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `${v} vs ${b[i]}`));
  // With mixing, the outputs change.
  const mixed = m.crossStitch({ inputDim: D, numTasks: T, hidden: [8, 8], alphaSelf: 0.5, seed: 4 });
  assert.ok(
    outputsOf(mixed, x)
      .flat()
      .some((v, i) => Math.abs(v - b[i]) > 1e-4),
  );
  [cs, ind, mixed].forEach((z) => z.dispose());
  x.dispose();
});

test("soft sharing's penalty is λ Σ ||θ^t − θ^t'||² and zero for tied networks", () => {
  const model = m.softSharing({ inputDim: D, numTasks: 2, hidden: [4], lambda: 0.5, seed: 1 });
  const expected = tf.tidy(
    () => model.networks[0].variables.reduce((s, v, i) => s + tf.sub(v, model.networks[1].variables[i]).square().sum().dataSync()[0], 0) * 0.5,
  );
  const got = tf.tidy(() => model.regularizer().dataSync()[0]);
  assert.ok(Math.abs(got - expected) < 1e-4 * Math.max(1, expected));
  tf.tidy(() => model.networks[1].variables.forEach((v, i) => v.assign(model.networks[0].variables[i])));
  assert.ok(tf.tidy(() => model.regularizer().dataSync()[0]) < 1e-8);
  model.dispose();
});

/** Checks tf.grad of f wrt v against central differences at a few entries. */
function checkGradient(name: string, v: tf.Variable, f: () => tf.Scalar, entries = 4): void {
  const g = tf.tidy(() => {
    const { grads } = tf.variableGrads(f, [v]);
    return Array.from(grads[v.name].dataSync());
  });
  for (let k = 0; k < Math.min(entries, v.size); k++) {
    const i = Math.floor((k * v.size) / entries);
    const numeric = centralDifference(v, i, f, 1e-2);
    const tol = 2e-2 * Math.max(1, Math.abs(numeric));
    assert.ok(Math.abs(numeric - g[i]) < tol, `${name}[${i}]: analytic ${g[i]} vs numeric ${numeric}`);
  }
}

test("gradients of the custom layers match finite differences", async () => {
  await tf.setBackend("cpu");
  try {
    const x = inputs(8, 5);
    const y = tf.tensor2d(new Rng(3).normals(8), [8, 1]);
    const loss = (model: m.Architecture) => () =>
      tf.tidy(
        () =>
          model
            .forward(x, [0, 1, 2])
            .map((o) => o.sub(y).square().mean())
            .reduce((a, b) => a.add(b)) as tf.Scalar,
      );
    const cs = m.crossStitch({ inputDim: D, numTasks: T, hidden: [5, 5], seed: 1 });
    checkGradient("cross-stitch α", cs.alphas[0], loss(cs), 6);
    const fl = m.film({ inputDim: D, numTasks: T, hidden: [5, 5], seed: 1 });
    tf.tidy(() => fl.scale.w.assign(tf.randomNormal(fl.scale.w.shape, 0, 0.3, "float32", 1)));
    checkGradient("FiLM γ weights", fl.scale.w, loss(fl));
    checkGradient("FiLM β weights", fl.shift!, loss(fl));
    const gt = m.multiplicativeConditioned({ inputDim: D, numTasks: T, hidden: [5, 5], seed: 1 });
    checkGradient("gate weights", gt.scale.w, loss(gt));
    const mo = m.mmoe({ inputDim: D, numTasks: T, experts: 3, expertUnits: 4, seed: 1 });
    checkGradient("MMoE gate weights", mo.gateBank.layer.w, loss(mo), 6);
    checkGradient("MMoE expert weights", mo.experts.layer.w, loss(mo));
    const cg = m.cgc({ inputDim: D, numTasks: T, sharedExperts: 2, taskExperts: 1, expertUnits: 3, seed: 1 });
    checkGradient("CGC gate weights", cg.gates[1].w, loss(cg));
    const ad = m.additiveConditioned({ inputDim: D, numTasks: T, hidden: [5], seed: 1 });
    checkGradient("additive W_z", ad.wz, loss(ad));
    [cs, fl, gt, mo, cg, ad].forEach((z) => z.dispose());
    tf.dispose([x, y]);
  } finally {
    await tf.setBackend("wasm");
  }
});

test("sharedBottomUnitsFor matches the MMoE paper's equal-size comparison", () => {
  const paper = m.mmoe({ inputDim: 100, numTasks: 2, experts: 8, expertUnits: 16, tower: [8] });
  const units = m.sharedBottomUnitsFor(paper.parameterCount(), { inputDim: 100, numTasks: 2, tower: [8] });
  const sb = m.multiHead({ inputDim: 100, numTasks: 2, bottom: [units], tower: [8] });
  assert.ok(Math.abs(sb.parameterCount() - paper.parameterCount()) / paper.parameterCount() < 0.01, `${sb.parameterCount()} vs ${paper.parameterCount()}`);
  assert.ok(units > 100 && units < 130, `bottom of ${units} units`);
  paper.dispose();
  sb.dispose();
});

test("matchParameters finds the width whose size is closest to the budget", () => {
  const w = m.matchParameters(3000, (h) => m.independent({ inputDim: 20, numTasks: 3, hidden: [h] }));
  const size = (h: number) => {
    const model = m.independent({ inputDim: 20, numTasks: 3, hidden: [h] });
    const n = model.parameterCount();
    model.dispose();
    return n;
  };
  assert.ok(Math.abs(size(w) - 3000) <= Math.abs(size(w - 1) - 3000) && Math.abs(size(w) - 3000) <= Math.abs(size(w + 1) - 3000));
  assert.equal(w, 45);
});
