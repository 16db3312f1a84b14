/**
 * Draws a ModelGraph as a self-contained SVG (no scripts, no external fonts: it renders in the
 * classic Notebook, JupyterLab, VS Code, GitHub and nbconvert's HTML, offline). Shared parameters are
 * drawn in one colour and each task's own parameters in that task's colour, the same colours the
 * charts give the tasks; the colours are decided from the model's list of shared variables.
 */
import type * as tf from "@tensorflow/tfjs";
import { TASK_COLORS } from "../plots/charts";
import { nodeParams, ownerOf, type DiagramNode, type ModelGraph, type Owner } from "./graph";

/** The colour of shared parameters. */
export const SHARED_COLOR = "#4b5563";
/** Drawn around a node whose variables are partly shared: a description bug, made visible. */
const MIXED_COLOR = "#dc2626";
const INK = "#1f2937";

const COL_W = 150;
const NODE_W = 126;
const NODE_H = 44;
const ROW_H = 60;
const PAD = 14;
const HEADER = 74;

/** The colour of an owner. */
export function ownerColor(owner: Owner): string {
  if (owner === "shared") return SHARED_COLOR;
  if (owner === "mixed") return MIXED_COLOR;
  if (owner === "none") return INK;
  return TASK_COLORS[owner % TASK_COLORS.length];
}

/** Escapes text for SVG/XML. */
function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A text element that is squeezed to fit `max` pixels when its estimated width is larger. */
function text(x: number, y: number, s: string, size: number, max: number, attrs = ""): string {
  const estimate = s.length * size * 0.58;
  const fit = estimate > max ? ` textLength="${max}" lengthAdjust="spacingAndGlyphs"` : "";
  return `<text x="${x}" y="${y}" font-size="${size}" text-anchor="middle"${fit} ${attrs}>${esc(s)}</text>`;
}

/** How a node is drawn: its owner and position. */
interface Placed {
  node: DiagramNode;
  owner: Owner;
  x: number;
  y: number;
}

function place(graph: ModelGraph, shared: ReadonlySet<tf.Variable>): { placed: Map<string, Placed>; width: number; height: number } {
  const cols = graph.nodes.map((n) => n.col);
  const rows = graph.nodes.map((n) => n.row);
  const minCol = Math.min(...cols);
  const minRow = Math.min(...rows);
  const placed = new Map<string, Placed>();
  for (const node of graph.nodes) {
    placed.set(node.id, { node, owner: ownerOf(node, shared), x: PAD + (node.col - minCol) * COL_W, y: HEADER + (node.row - minRow) * ROW_H });
  }
  const width = Math.max(PAD * 2 + (Math.max(...cols) - minCol) * COL_W + NODE_W, 420);
  const loops = graph.edges.some((e) => {
    const a = graph.nodes.find((n) => n.id === e.from);
    const b = graph.nodes.find((n) => n.id === e.to);
    return a && b && b.col < a.col && Math.abs(b.row - a.row) < 0.02;
  });
  const height = HEADER + (Math.max(...rows) - minRow) * ROW_H + NODE_H + PAD + (loops ? 36 : 0);
  return { placed, width, height };
}

function drawNode(p: Placed): string {
  const { node, owner, x, y } = p;
  const color = ownerColor(owner);
  const dash = node.dashed || owner === "mixed" ? ` stroke-dasharray="5 3"` : "";
  const cx = x + NODE_W / 2;
  const params = nodeParams(node);
  const lines = [node.label, node.detail ?? "", params ? `${params.toLocaleString("en-US")} params` : ""].filter(Boolean);
  let shape: string;
  if (node.kind === "op") {
    const fill = owner === "none" || owner === "shared" ? "#ffffff" : color;
    shape = `<ellipse cx="${cx}" cy="${y + NODE_H / 2}" rx="${NODE_W / 2}" ry="${NODE_H / 2}" fill="${fill}" fill-opacity="${fill === "#ffffff" ? 1 : 0.12}" stroke="${color}" stroke-width="${owner === "shared" ? 1.6 : 1.2}"${dash}/>`;
  } else if (node.kind === "input" || node.kind === "output" || node.kind === "descriptor") {
    const stroke = node.task !== undefined ? TASK_COLORS[node.task % TASK_COLORS.length] : INK;
    const radius = node.kind === "output" ? NODE_H / 2 : 4;
    const owned = owner !== "none" ? ` fill="${color}" fill-opacity="0.12"` : ` fill="#ffffff"`;
    shape = `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="${radius}"${owned} stroke="${stroke}" stroke-width="1.4"${node.kind === "input" ? ` stroke-dasharray="${node.dashed ? "5 3" : "2 2"}"` : dash}/>`;
  } else {
    // Blocks, gates and penalties: filled with their owner's colour.
    const strokeWidth = node.kind === "gate" ? 2.4 : 1.4;
    const fill = owner === "none" ? "#ffffff" : color;
    shape = `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="7" fill="${fill}" fill-opacity="${owner === "shared" ? 0.22 : 0.16}" stroke="${color}" stroke-width="${strokeWidth}"${dash}/>`;
  }
  const first = lines.length === 1 ? y + NODE_H / 2 + 4 : lines.length === 2 ? y + 18 : y + 14;
  // A white underlay keeps edges that pass behind a node from showing through its tint.
  const underlay =
    node.kind === "op"
      ? `<ellipse cx="${cx}" cy="${y + NODE_H / 2}" rx="${NODE_W / 2}" ry="${NODE_H / 2}" fill="#ffffff"/>`
      : `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="7" fill="#ffffff"/>`;
  const texts = lines.map((s, i) =>
    text(cx, first + i * 12, s, i === 0 ? 11 : 9.5, NODE_W - 8, i === 0 ? `fill="${INK}" font-weight="600"` : `fill="#4b5563"`),
  );
  const ownerName = owner === "shared" ? "shared" : typeof owner === "number" ? `task ${owner + 1}` : owner;
  return `<g class="mtl-node" data-id="${esc(node.id)}" data-kind="${node.kind}" data-owner="${ownerName}" data-params="${params}"><title>${esc(`${lines.join(", ")} (${ownerName})`)}</title>${underlay}${shape}${texts.join("")}</g>`;
}

function drawEdge(a: Placed, b: Placed, label: string | undefined, dashed: boolean): string {
  let d: string;
  if (b.x > a.x) {
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const k = Math.max(24, (x2 - x1) / 2);
    d = `M${x1},${y1} C${x1 + k},${y1} ${x2 - k},${y2} ${x2},${y2}`;
  } else if (b.x < a.x && Math.abs(b.y - a.y) < 1) {
    // Back to an earlier node on the same row (a loop): under both nodes.
    const x1 = a.x + NODE_W / 2;
    const x2 = b.x + NODE_W / 2;
    const y = a.y + NODE_H;
    d = `M${x1},${y} C${x1},${y + 34} ${x2},${y + 34} ${x2},${y}`;
  } else {
    // Same column (or backwards): leave from the bottom or top edge, enter the facing edge.
    const down = b.y > a.y;
    const x1 = a.x + NODE_W / 2;
    const y1 = down ? a.y + NODE_H : a.y;
    const x2 = b.x + NODE_W / 2;
    const y2 = down ? b.y : b.y + NODE_H;
    d = `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}`;
  }
  const path = `<path d="${d}" fill="none" stroke="#9ca3af" stroke-width="1.2"${dashed ? ` stroke-dasharray="4 3"` : ""} marker-end="url(#mtl-arrow)"/>`;
  if (!label) return path;
  const loop = b.x < a.x && Math.abs(b.y - a.y) < 1;
  const lx = loop ? (a.x + b.x + NODE_W) / 2 : (a.x + NODE_W + b.x) / 2;
  const ly = loop ? a.y + NODE_H + 34 : Math.min(a.y, b.y) - 4;
  return path + text(lx, ly, label, 9, COL_W, `fill="#6b7280" font-style="italic"`);
}

/** The legend: shared, then each task, in their colours (only the owners the picture uses). */
function legend(graph: ModelGraph, used: ReadonlySet<Owner>, y: number): string {
  const items = [
    ...(used.has("shared") ? [{ name: "shared", color: SHARED_COLOR }] : []),
    ...graph.taskNames.map((name, t) => ({ name, color: TASK_COLORS[t % TASK_COLORS.length], t })).filter(({ t }) => used.has(t)),
  ];
  let x = PAD;
  return items
    .map(({ name, color }) => {
      const s = `<rect x="${x}" y="${y - 9}" width="14" height="10" rx="2" fill="${color}" fill-opacity="0.3" stroke="${color}"/><text x="${x + 18}" y="${y}" font-size="10.5" fill="${INK}">${esc(name)}</text>`;
      x += 26 + name.length * 6.2;
      return s;
    })
    .join("");
}

/** A one-sentence description of the diagram, for alt text and the text fallback's first line. */
export function altText(graph: ModelGraph, shared: ReadonlySet<tf.Variable>): string {
  const owners = graph.nodes.filter((n) => n.variables.length).map((n) => ownerOf(n, shared));
  const nShared = owners.filter((o) => o === "shared").length;
  return `Diagram of ${graph.title}: ${graph.nodes.length} parts, ${nShared} of them shared by all ${graph.numTasks} tasks.${graph.note ? ` ${graph.note}` : ""}`;
}

/** The diagram as an SVG document; `alt` replaces the generated alt text (concept figures). */
export function graphSvg(graph: ModelGraph, sharedVariables: readonly tf.Variable[], alt?: string): string {
  const shared = new Set(sharedVariables);
  const { placed, width, height } = place(graph, shared);
  // Tasks whose lanes are drawn (a descriptor or output in its colour) are in the legend too.
  const used = new Set<Owner>([...placed.values()].flatMap((p) => [p.owner, ...(p.node.task !== undefined ? [p.node.task] : [])]));
  const edges = graph.edges.map((e) => drawEdge(placed.get(e.from) as Placed, placed.get(e.to) as Placed, e.label, e.dashed ?? false));
  const nodes = [...placed.values()].map(drawNode);
  alt ??= altText(graph, shared);
  const params = new Set<tf.Variable>(graph.nodes.flatMap((n) => n.variables));
  const total = [...params].reduce((s, v) => s + v.size, 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="mtl-diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(alt)}" font-family="Helvetica, Arial, sans-serif" style="max-width:100%;height:auto;background:#ffffff">`,
    `<title>${esc(alt)}</title>`,
    `<defs><marker id="mtl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>`,
    `<text x="${PAD}" y="20" font-size="14" font-weight="700" fill="${INK}">${esc(graph.title)}</text>`,
    total ? `<text x="${width - PAD}" y="20" font-size="10.5" fill="#6b7280" text-anchor="end">${total.toLocaleString("en-US")} parameters</text>` : "",
    graph.note ? `<text x="${PAD}" y="38" font-size="10.5" fill="#374151">${esc(graph.note)}</text>` : "",
    legend(graph, used, 58),
    ...edges,
    ...nodes,
    `</svg>`,
  ].join("\n");
}

/** The diagram as indented text (the output's plain-text form). */
export function graphText(graph: ModelGraph, sharedVariables: readonly tf.Variable[]): string {
  const shared = new Set(sharedVariables);
  const byCol = [...graph.nodes].sort((a, b) => a.col - b.col || a.row - b.row);
  const lines = byCol.map((n) => {
    const owner = ownerOf(n, shared);
    const who = owner === "shared" ? "shared" : typeof owner === "number" ? graph.taskNames[owner] : owner === "none" ? n.kind : "MIXED";
    const params = nodeParams(n);
    return `  [${who}] ${n.label}${n.detail ? ` (${n.detail})` : ""}${params ? `, ${params} params` : ""}`;
  });
  return [altText(graph, shared), ...lines].join("\n");
}
