import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/backend";
import { Rng } from "../../lib/random";
import * as m from "../../lib/models";

before(async () => {
  await setupBackend({ quiet: true });
});

const D = 6;
const T = 3;
const probe = () => tf.tensor2d(new Rng(5).normals(128 * D), [128, D]);

test("matchDesigns sizes every design to the budget and reports its width and count", () => {
  const sized = m.matchDesigns(
    600,
    {
      nothing: (w) => m.independent({ inputDim: D, numTasks: T, hidden: [w, w] }),
      concat: (w) => m.concatConditioned({ inputDim: D, numTasks: T, hidden: [w, w] }),
    },
    [1, 100],
  );
  assert.deepEqual(
    sized.map((s) => s.name),
    ["nothing", "concat"],
  );
  for (const s of sized) {
    assert.equal(
      s.width,
      m.matchParameters(
        600,
        (w) =>
          s.name === "nothing"
            ? m.independent({ inputDim: D, numTasks: T, hidden: [w, w] })
            : m.concatConditioned({ inputDim: D, numTasks: T, hidden: [w, w] }),
        [1, 100],
      ),
    );
    assert.ok(Math.abs(s.parameters - 600) <= 60, `${s.name}: ${s.parameters}`);
  }
});

test("matchDesigns refuses a budget no width in the range reaches", () => {
  assert.throws(() => m.matchDesigns(100000, { tiny: (w) => m.independent({ inputDim: D, numTasks: T, hidden: [w] }) }, [1, 8]), /not within 10% of 100000/);
});

test("parameterSharing: independent networks share nothing", () => {
  const x = probe();
  const nothing = m.independent({ inputDim: D, numTasks: T, hidden: [8] });
  const s0 = m.parameterSharing(nothing, x);
  assert.equal(s0.shared, 0);
  assert.equal(s0.total, nothing.parameterCount());
  assert.equal(s0.unused, 0);
  assert.equal(s0.taskSpecific, s0.total);
  nothing.dispose();
  x.dispose();
});

test("parameterSharing counts concatenation's descriptor weights as task-specific", () => {
  const x = probe();
  const h = 8;
  const concat = m.concatConditioned({ inputDim: D, numTasks: T, hidden: [h] });
  const s = m.parameterSharing(concat, x);
  // The T rows of the first weight that see the one-hot z serve one task each.
  const zRows = T * h;
  assert.equal(s.total, concat.parameterCount());
  assert.equal(s.unused, 0);
  assert.equal(s.taskSpecific, zRows);
  assert.equal(s.shared, concat.parameterCount() - zRows);
  assert.ok(s.sharedFraction < 1);
  concat.dispose();
  x.dispose();
});

test("parameterSharing: multi-head towers and gating's per-task gate rows are task-specific", () => {
  const x = probe();
  const size = (vs: readonly tf.Variable[]) => vs.reduce((n, v) => n + v.size, 0);
  const mh = m.multiHead({ inputDim: D, numTasks: T, bottom: [8], tower: [4] });
  const s = m.parameterSharing(mh, x);
  // A tower unit may be off on every probe row where a bottom unit is on: those few weights count as unused.
  assert.ok(s.unused < 10, `unused ${s.unused}`);
  assert.equal(s.taskSpecific + s.unused, size(mh.towers.flatMap((t) => t.variables)));
  assert.equal(s.shared, size(mh.bottom.variables));
  mh.dispose();
  const gate = m.multiplicativeConditioned({ inputDim: D, numTasks: T, hidden: [8, 8], layer: 0 });
  const g = m.parameterSharing(gate, x);
  // With a one-hot z, row i of W_g gates task i only; the gate bias and the trunk serve every task.
  assert.equal(g.unused, 0);
  assert.equal(g.taskSpecific, T * 8);
  assert.equal(g.shared, size(gate.trunk.variables) + 8);
  gate.dispose();
  x.dispose();
});
