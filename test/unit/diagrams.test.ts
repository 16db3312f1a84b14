/**
 * Diagrams are drawn from the model objects: every part and parameter of a model is on its diagram,
 * colours follow the model's own list of shared variables, and a config change changes the picture.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend";
import * as m from "../../lib/models";
import { ranker } from "../../lib/recsys/ranker";
import { recommender } from "../../lib/recommender/model";
import { diagram, gridSvg, ownerOf, nodeParams, show, SHARED_COLOR } from "../../lib/diagrams";
import { TASK_COLORS } from "../../lib/plots/charts";
import { captureDisplay, type MimeBundle } from "../../lib/display/output";

before(async () => {
  await setupBackend({ quiet: true });
});

const c = { inputDim: 6, numTasks: 3, seed: 2 };
const models: Record<string, () => m.Architecture> = {
  independent: () => m.independent({ ...c, hidden: [8, 4] }),
  concat: () => m.concatConditioned({ ...c, hidden: [8] }),
  "concat (learned z)": () => m.concatConditioned({ ...c, hidden: [8], descriptor: { kind: "learned", dim: 2 } }),
  additive: () => m.additiveConditioned({ ...c, hidden: [8, 4] }),
  "multi-head": () => m.multiHead({ ...c, bottom: [8, 8], tower: [4] }),
  gating: () => m.multiplicativeConditioned({ ...c, hidden: [8, 8], layer: 1 }),
  film: () => m.film({ ...c, hidden: [8, 8], layer: 0 }),
  "cross-stitch": () => m.crossStitch({ ...c, hidden: [8, 8] }),
  "soft sharing": () => m.softSharing({ ...c, hidden: [8], lambda: 0.1 }),
  mmoe: () => m.mmoe({ ...c, experts: 3, expertUnits: 4, tower: [4] }),
  "mmoe (many experts)": () => m.mmoe({ ...c, experts: 12, expertUnits: 4, tower: [4] }),
  omoe: () => m.omoe({ ...c, experts: 3, expertUnits: 4, tower: [4] }),
  cgc: () => m.cgc({ ...c, sharedExperts: 2, taskExperts: 2, expertUnits: 4 }),
  "shared-bottom ranker": () => ranker({ videos: 30, mode: "shared-bottom", positionTower: true }),
  "mmoe ranker": () => ranker({ videos: 30, mode: "mmoe", experts: 3 }),
  "recommender (shared)": () => recommender({ users: 20, items: 10, dim: 4 }),
  "recommender (separate)": () => recommender({ users: 20, items: 10, dim: 4, embeddings: "separate" }),
  "recommender (mmoe)": () => recommender({ users: 20, items: 10, dim: 4, mode: "mmoe" }),
};

for (const [name, make] of Object.entries(models)) {
  test(`${name}: every variable and parameter is drawn, and colours follow the model's shared variables`, () => {
    const model = make();
    const d = diagram(model);
    const shared = new Set(model.sharedVariables);
    const drawn = new Set(d.graph.nodes.flatMap((n) => n.variables));
    assert.deepEqual(
      model.variables.filter((v) => !drawn.has(v)).map((v) => v.name),
      [],
      "variables missing from the diagram",
    );
    assert.equal(
      d.graph.nodes.reduce((s, n) => s + nodeParams(n), 0),
      model.parameterCount(),
      "parameters drawn = parameterCount()",
    );
    for (const n of d.graph.nodes) {
      const owner = ownerOf(n, shared);
      assert.notEqual(owner, "mixed", `${n.id} mixes shared and task-owned variables`);
      if (owner === "shared") assert.ok(n.variables.every((v) => shared.has(v)));
      if (typeof owner === "number")
        assert.ok(
          n.variables.every((v) => !shared.has(v)),
          `${n.id} is drawn as task ${owner + 1}'s but holds shared variables`,
        );
    }
    for (const v of model.sharedVariables) {
      assert.ok(
        d.graph.nodes.some((n) => n.variables.includes(v) && ownerOf(n, shared) === "shared"),
        `shared variable ${v.name} is not drawn in the shared colour`,
      );
    }
    // The SVG paints each node in its owner's colour and names the owner.
    const svgNodes = [...d.svg.matchAll(/<g class="mtl-node" data-id="([^"]+)" data-kind="[^"]+" data-owner="([^"]+)"/g)];
    assert.equal(svgNodes.length, d.graph.nodes.length);
    for (const [, id, ownerName] of svgNodes) {
      const node = d.graph.nodes.find((n) => n.id === id.replace(/&amp;/g, "&"));
      assert.ok(node);
      const owner = ownerOf(node, shared);
      assert.equal(ownerName, owner === "shared" ? "shared" : typeof owner === "number" ? `task ${owner + 1}` : owner);
      const group = d.svg.slice(d.svg.indexOf(`data-id="${id}"`)).split("</g>")[0];
      if (owner === "shared" && node.kind !== "op") assert.ok(group.includes(`stroke="${SHARED_COLOR}"`), `${id} not in the shared colour`);
      if (typeof owner === "number") assert.ok(group.includes(TASK_COLORS[owner]), `${id} not in task ${owner + 1}'s colour`);
    }
    assert.match(d.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-label="Diagram of /);
    assert.ok(!/<script/i.test(d.svg));
    assert.match(d.text, new RegExp(`^Diagram of ${model.name.replace(/[()+]/g, "\\$&")}`));
    model.dispose();
  });
}

test("changing a config changes the diagram", () => {
  const count = (model: m.Architecture, kind: string) => diagram(model).graph.nodes.filter((n) => n.id.startsWith(kind)).length;
  assert.equal(count(m.mmoe({ ...c, experts: 3 }), "expert"), 3);
  assert.equal(count(m.mmoe({ ...c, experts: 5 }), "expert"), 5);
  assert.equal(count(m.mmoe({ ...c, numTasks: 4, experts: 3 }), "gate"), 4);
  assert.equal(count(m.omoe({ ...c, experts: 3 }), "gate"), 1);
  const wide = diagram(m.multiHead({ ...c, bottom: [16], tower: [4] })).graph.nodes.find((n) => n.id === "bottom.0");
  const narrow = diagram(m.multiHead({ ...c, bottom: [5, 5], tower: [4] })).graph.nodes.filter((n) => n.id.startsWith("bottom."));
  assert.equal(wide?.detail, "6→16 relu");
  assert.deepEqual(
    narrow.map((n) => n.detail),
    ["6→5 relu", "5→5 relu"],
  );
  const gatedAt = (layer: number) => diagram(m.multiplicativeConditioned({ ...c, hidden: [8, 8], layer })).graph.nodes.find((n) => n.id === "cond");
  assert.equal(gatedAt(0)?.detail, "after hidden layer 1");
  assert.equal(gatedAt(1)?.detail, "after hidden layer 2");
  assert.notEqual(gatedAt(0)?.col, gatedAt(1)?.col);
  const owners = (embeddings: "shared" | "separate") => {
    const model = recommender({ users: 5, items: 4, dim: 2, embeddings });
    const shared = new Set(model.sharedVariables);
    return diagram(model)
      .graph.nodes.filter((n) => /^(users|items)/.test(n.id))
      .map((n) => ownerOf(n, shared));
  };
  assert.deepEqual(owners("shared"), ["shared", "shared"]);
  assert.deepEqual(owners("separate"), [0, 0, 1, 1]);
  assert.ok(diagram(ranker({ videos: 5, mode: "shared-bottom", positionTower: true })).graph.nodes.some((n) => n.id === "positionTower" && n.dashed));
  assert.ok(!diagram(ranker({ videos: 5, mode: "shared-bottom" })).graph.nodes.some((n) => n.id === "positionTower"));
});

test("show emits one image/svg+xml output with a text fallback; several models share one picture", () => {
  const seen: MimeBundle[] = [];
  captureDisplay((b) => seen.push(b));
  try {
    show(m.multiHead({ ...c, bottom: [8] }));
    show([m.independent({ ...c, hidden: [4] }), m.mmoe({ ...c, experts: 2 }), m.cgc({ ...c })], { columns: 2 });
  } finally {
    captureDisplay(null);
  }
  assert.equal(seen.length, 2);
  assert.deepEqual(Object.keys(seen[0]).sort(), ["image/svg+xml", "text/plain"]);
  const grid = seen[1]["image/svg+xml"] as string;
  assert.equal((grid.match(/<svg /g) ?? []).length, 4, "one outer picture holding three diagrams");
  assert.match(seen[1]["text/plain"] as string, /Independent[\s\S]*MMoE[\s\S]*CGC/);
  assert.ok(gridSvg([diagram(m.multiHead({ ...c }))]).startsWith("<svg"));
});

test("concept figures: the recipe, the pipeline and selection bias are labelled SVGs with alt text", async () => {
  const { optimizationRecipe, recommendationPipeline, selectionBias } = await import("../../lib/diagrams");
  for (const fig of [optimizationRecipe(), recommendationPipeline(), selectionBias()]) {
    assert.match(fig.svg, /^<svg [^>]*role="img" aria-label="[^"]{40,}"/);
    assert.ok(fig.alt.length > 40 && !fig.alt.includes("parameters"));
    assert.ok(!/<script/i.test(fig.svg));
  }
  assert.match(optimizationRecipe().alt, /sample tasks .* → .*sample data/);
});

test("the gradient-conflict figure is computed with the library's PCGrad projection", async () => {
  const { gradientConflict } = await import("../../lib/diagrams");
  const conflict = gradientConflict([2, 1], [-1.5, 1]);
  assert.ok(conflict.cosine < 0);
  const dot = (a: number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1];
  assert.ok(Math.abs(dot(conflict.projected[0], [-1.5, 1])) < 1e-5, "g1's projection is orthogonal to g2");
  assert.ok(Math.abs(dot(conflict.projected[1], [2, 1])) < 1e-5, "g2's projection is orthogonal to g1");
  assert.match(conflict.svg, /PCGrad update/);
  const agree = gradientConflict([1, 1], [1, 0.2]);
  assert.ok(agree.cosine > 0);
  assert.deepEqual(
    agree.projected.map((v) => v.map((x) => Number(x.toFixed(5)))),
    [
      [1, 1],
      [1, 0.2],
    ],
    "no conflict, no projection",
  );
});

test("additiveFromConcat's W_z rows are per task (one-hot features), and drawn in the tasks' colours", () => {
  const concat = m.concatConditioned({ ...c, hidden: [8] });
  const additive = m.additiveFromConcat(concat);
  assert.ok(!additive.sharedVariables.includes(additive.wz), "one-hot rows of W_z are task-specific");
  const shared = new Set(additive.sharedVariables);
  assert.deepEqual(
    diagram(additive)
      .graph.nodes.filter((n) => n.id.startsWith("wz"))
      .map((n) => ownerOf(n, shared)),
    [0, 1, 2],
  );
  const mixed = m.additiveConditioned({
    ...c,
    hidden: [8],
    descriptor: {
      kind: "features",
      features: [
        [1, 0.5],
        [0, 1],
        [1, 1],
      ],
    },
  });
  assert.ok(mixed.sharedVariables.includes(mixed.wz), "feature descriptors that mix tasks make W_z shared");
  assert.match(diagram(concat).svg, />task 1<\/text>/, "the legend names the tasks whose descriptors are drawn");
});
