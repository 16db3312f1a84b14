/**
 * The lecture's pictures that are not models: the optimization recipe, the recommendation pipeline,
 * selection bias, and gradient conflict with PCGrad's projection. The flow charts reuse the model
 * diagrams' drawing (nodes tinted by who they concern); the gradient picture is computed from the
 * vectors it is given, with the library's own PCGrad projection.
 */
import { projectConflicting } from "../objectives/pcgrad";
import { TASK_COLORS } from "../plots/charts";
import { Rng } from "../random";
import { GraphBuilder, type ModelGraph } from "./graph";
import { graphSvg, SHARED_COLOR } from "./svg";

/** A concept figure: its SVG and a sentence of alt text (also the plain-text form). */
export interface ConceptFigure {
  svg: string;
  alt: string;
}

/** A flow chart's figure; its alt text walks the nodes in drawing order. */
function flow(graph: ModelGraph): ConceptFigure {
  const parts = [...graph.nodes].sort((a, b) => a.col - b.col || a.row - b.row).map((n) => (n.detail ? `${n.label} (${n.detail})` : n.label));
  const alt = `${graph.title}: ${parts.join(" → ")}. ${graph.note ?? ""}`.trim();
  return { svg: graphSvg(graph, [], alt), alt };
}

/** The optimization recipe: sample tasks, then data, then one update for all of them. */
export function optimizationRecipe(): ConceptFigure {
  const b = new GraphBuilder();
  const steps = [
    ["1 · sample tasks", "a mini-batch 𝓑 ~ p(task)"],
    ["2 · sample data", "a batch Dᵢᵇ for each i ∈ 𝓑"],
    ["3 · loss", "L = Σᵢ wᵢ Lᵢ(θ, Dᵢᵇ)"],
    ["4 · backpropagate", "∇θ L (shared θ gets every task's)"],
    ["5 · update", "θ ← Adam(θ, ∇θ L)"],
  ];
  const ids = steps.map(([label, detail], i) => b.node({ id: `s${i}`, kind: "block", label, detail, tint: i < 2 ? 0 : "shared", col: i, row: 0 }));
  b.chain(ids);
  b.edge(ids[ids.length - 1], ids[0], { label: "repeat", dashed: true });
  return flow(
    b.build(
      "The multi-task optimization recipe",
      1,
      ["per sampled task"],
      "Each step samples tasks first (uniformly, or by data size), then a batch for each, and makes one update.",
    ),
  );
}

/** The recommendation system: candidates, a multi-task ranker, one serving score. */
export function recommendationPipeline(): ConceptFigure {
  const b = new GraphBuilder();
  const corpus = b.node({ id: "corpus", kind: "input", label: "all videos", detail: "millions", col: 0, row: 0.5 });
  const cands = b.node({ id: "cands", kind: "block", label: "candidate generation", detail: "a few hundred", tint: "shared", col: 1, row: 0.5 });
  const ctx = b.node({ id: "ctx", kind: "input", label: "user, query video, context", col: 1, row: 1.6 });
  const ranker = b.node({ id: "ranker", kind: "block", label: "multi-task ranker", detail: "one model, many tasks", tint: "shared", col: 2, row: 0.5 });
  const tasks = [
    ["click", "engagement"],
    ["watch time", "engagement"],
    ["like", "satisfaction"],
    ["dismiss", "satisfaction"],
  ].map(([label, detail], t) => b.node({ id: `t${t}`, kind: "output", label, detail, tint: t, col: 3, row: t * 0.75 - 0.6 }));
  const score = b.node({ id: "score", kind: "op", label: "serving score", detail: "weighted product", col: 4, row: 0.5 });
  const shown = b.node({ id: "shown", kind: "output", label: "ranked list", detail: "what the user sees", col: 5, row: 0.5 });
  b.chain([corpus, cands, ranker]);
  b.edge(ctx, ranker);
  tasks.forEach((t) => {
    b.edge(ranker, t);
    b.edge(t, score);
  });
  b.edge(score, shown);
  return flow(
    b.build(
      "A recommendation system",
      4,
      ["click", "watch time", "like", "dismiss"],
      "The ranker predicts several objectives per candidate; a hand-tuned combination of them orders the list.",
    ),
  );
}

/** Selection (position) bias: clicks depend on where an item was shown, not only on the item. */
export function selectionBias(): ConceptFigure {
  const b = new GraphBuilder();
  const pos = b.node({ id: "pos", kind: "input", label: "position, device", col: 0, row: 0 });
  const item = b.node({ id: "item", kind: "input", label: "user, video", col: 0, row: 1.2 });
  const seen = b.node({ id: "seen", kind: "block", label: "examined?", detail: "falls with position", tint: 1, col: 1, row: 0 });
  const rel = b.node({ id: "rel", kind: "block", label: "relevant?", detail: "what we want to learn", tint: 0, col: 1, row: 1.2 });
  const click = b.node({ id: "click", kind: "op", label: "click = examined × relevant", col: 2, row: 0.6 });
  const log = b.node({ id: "log", kind: "output", label: "logged clicks", detail: "biased to the top", col: 3, row: 0.6 });
  const tower = b.node({
    id: "tower",
    kind: "block",
    label: "shallow position tower",
    detail: "learns the examination part",
    tint: 1,
    col: 3,
    row: -0.7,
    dashed: true,
  });
  const main = b.node({ id: "main", kind: "block", label: "main model", detail: "learns relevance", tint: 0, col: 3, row: 1.9 });
  b.chain([pos, seen, click, log]);
  b.chain([item, rel, click]);
  b.edge(log, tower, { dashed: true });
  b.edge(log, main, { dashed: true });
  return flow(
    b.build(
      "Selection bias in logged clicks",
      2,
      ["relevance", "position"],
      "Train with the position tower's logit added; serve with position treated as missing.",
    ),
  );
}

/**
 * Two tasks' gradients g₁ and g₂ on the shared parameters (2-D, for the picture), their sum, and
 * PCGrad's projections (each gradient minus its component along the other's when they conflict).
 */
export function gradientConflict(g1: readonly [number, number], g2: readonly [number, number]): ConceptFigure & { projected: number[][]; cosine: number } {
  const [p1, p2] = projectConflicting([Float32Array.from(g1), Float32Array.from(g2)], new Rng(0)).map((v) => Array.from(v));
  const cosine = (g1[0] * g2[0] + g1[1] * g2[1]) / (Math.hypot(...g1) * Math.hypot(...g2));
  const vectors = [
    { v: [...g1], name: "g₁", color: TASK_COLORS[0], dash: false },
    { v: [...g2], name: "g₂", color: TASK_COLORS[1], dash: false },
    { v: [g1[0] + g2[0], g1[1] + g2[1]], name: "g₁ + g₂", color: SHARED_COLOR, dash: false },
    { v: p1, name: "g₁ projected", color: TASK_COLORS[0], dash: true },
    { v: p2, name: "g₂ projected", color: TASK_COLORS[1], dash: true },
    { v: [p1[0] + p2[0], p1[1] + p2[1]], name: "PCGrad update", color: "#111827", dash: true },
  ];
  const size = 340;
  const half = size / 2;
  const reach = Math.max(...vectors.flatMap(({ v }) => v.map(Math.abs)), 1e-9);
  const k = (half - 30) / reach;
  const px = (v: number[]) => [half + v[0] * k, half - v[1] * k];
  const arrows = vectors.map(({ v, name, color, dash }, i) => {
    const [x, y] = px(v);
    const lx = x + (v[0] >= 0 ? 6 : -6);
    return (
      `<line x1="${half}" y1="${half}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${color}" stroke-width="${dash ? 2 : 2.6}"${dash ? ` stroke-dasharray="6 4"` : ""} marker-end="url(#mtl-vec${i})"/>` +
      `<defs><marker id="mtl-vec${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker></defs>` +
      `<text x="${lx.toFixed(1)}" y="${(y - 6).toFixed(1)}" font-size="11" fill="${color}" text-anchor="${v[0] >= 0 ? "start" : "end"}">${name}</text>`
    );
  });
  const alt = `Gradient conflict: g₁ = (${g1.join(", ")}) and g₂ = (${g2.join(", ")}) have cosine ${cosine.toFixed(2)}; PCGrad removes from each the component that opposes the other, giving (${p1.map((x) => x.toFixed(2)).join(", ")}) and (${p2.map((x) => x.toFixed(2)).join(", ")}).`;
  const width = size + 20;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size + 30}" viewBox="-10 -26 ${width} ${size + 30}" role="img" aria-label="${alt}" font-family="Helvetica, Arial, sans-serif" style="max-width:100%;height:auto;background:#ffffff">`,
    `<title>${alt}</title>`,
    `<text x="0" y="-8" font-size="13" font-weight="700" fill="#1f2937">Conflicting gradients (cosine ${cosine.toFixed(2)}) and PCGrad</text>`,
    `<line x1="0" y1="${half}" x2="${size}" y2="${half}" stroke="#e5e7eb"/><line x1="${half}" y1="0" x2="${half}" y2="${size}" stroke="#e5e7eb"/>`,
    ...arrows,
    `</svg>`,
  ].join("\n");
  return { svg, alt, projected: [p1, p2], cosine };
}
