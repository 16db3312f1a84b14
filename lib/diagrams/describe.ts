/**
 * Reads a model object's own structure (its layers, experts, gates, towers, descriptors and their
 * variables) into a ModelGraph. Nothing here is drawn by hand: change a config (hidden sizes, number
 * of experts, the gated layer, shared or separate embeddings) and the graph changes with it.
 */
import type { Architecture } from "../models/architecture";
import { AdditiveConditioned } from "../models/additive";
import { Cgc } from "../models/cgc";
import { ConcatConditioned } from "../models/concat";
import { CrossStitch } from "../models/cross-stitch";
import type { Dense, Mlp } from "../models/dense";
import type { Descriptors } from "../models/descriptors";
import type { ExpertBank, GateBank } from "../models/experts";
import { Independent } from "../models/independent";
import { Mmoe } from "../models/mmoe";
import { MultiHead } from "../models/multi-head";
import { MultiplicativeConditioned } from "../models/multiplicative";
import { SoftSharing } from "../models/soft-sharing";
import { Recommender, RECOMMENDER_TASKS } from "../recommender/model";
import { Ranker, RANKER_TASKS } from "../recsys/ranker";
import { GraphBuilder, type ModelGraph } from "./graph";

/** Experts drawn one by one up to this many; more are drawn as one block. */
const MAX_DRAWN_EXPERTS = 8;

/** "in→out relu" for a dense layer. */
function denseDetail(layer: Dense): string {
  return `${layer.inputDim}→${layer.units}${layer.activation === "linear" ? "" : ` ${layer.activation}`}`;
}

/** The row at the middle of T task lanes. */
const middle = (T: number) => (T - 1) / 2;

/** Rows for n stacked items centred on `center`, `gap` rows apart. */
function stack(n: number, center: number, gap = 0.75): number[] {
  return Array.from({ length: n }, (_, i) => center + (i - (n - 1) / 2) * gap);
}

/** One node per layer of an MLP, chained; returns their ids. */
function mlpNodes(b: GraphBuilder, mlp: Mlp, id: string, label: string, col: number, row: number, task?: number, firstLayer = 0): string[] {
  return mlp.layers.slice(firstLayer).map((layer, i) =>
    b.node({
      id: `${id}.${i + firstLayer}`,
      kind: "block",
      label: mlp.layers.length > 1 ? `${label} · ${i + firstLayer + 1}/${mlp.layers.length}` : label,
      detail: denseDetail(layer),
      task,
      variables: layer.variables,
      col: col + i,
      row,
    }),
  );
}

/** Per-task descriptor nodes z_1..z_T (learned rows carry their slice of the table). */
function descriptorNodes(b: GraphBuilder, z: Descriptors, T: number, col: number): string[] {
  return Array.from({ length: T }, (_, t) =>
    b.node({
      id: `z${t}`,
      kind: "descriptor",
      label: `z${t + 1}`,
      detail: z.variable ? `learned, ${z.dim}-d` : z.dim === T ? "one-hot" : `${z.dim} features`,
      task: t,
      variables: z.variable ? [z.variable] : [],
      params: z.variable ? z.dim : 0,
      col,
      row: t,
    }),
  );
}

/** The input x above the descriptors z_1..z_T, both in column 0 (conditioning on z). */
function inputAndDescriptors(b: GraphBuilder, m: { inputDim: number; numTasks: number; z: Descriptors }): { x: string; zs: string[] } {
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: -0.9 });
  return { x, zs: descriptorNodes(b, m.z, m.numTasks, 0) };
}

/** One node per task output ŷ_t at `col`; returns their ids. */
function outputs(b: GraphBuilder, T: number, col: number, names?: readonly string[]): string[] {
  return Array.from({ length: T }, (_, t) => b.node({ id: `y${t}`, kind: "output", label: `ŷ${t + 1}`, detail: names?.[t], task: t, col, row: t }));
}

/** Expert nodes of a bank (one block when there are many); returns their ids. */
function expertNodes(b: GraphBuilder, bank: ExpertBank, id: string, label: string, col: number, rows: number[], task?: number): string[] {
  if (bank.count > MAX_DRAWN_EXPERTS) {
    const row = rows.reduce((a, r) => a + r, 0) / rows.length;
    return [
      b.node({
        id,
        kind: "block",
        label: `${bank.count} ${label}s`,
        detail: `${bank.layer.inputDim}→${bank.units} relu each`,
        task,
        variables: bank.variables,
        col,
        row,
      }),
    ];
  }
  return rows.map((row, e) =>
    b.node({
      id: `${id}${e}`,
      kind: "block",
      label: `${label} ${e + 1}`,
      detail: `${bank.layer.inputDim}→${bank.units} relu`,
      task,
      variables: bank.variables,
      params: bank.layer.w.size / bank.count + bank.units,
      col,
      row,
    }),
  );
}

/**
 * A mixture of experts: the experts stacked in column `col`, the gates above and below them, and
 * one mixing node per gate in the next column (rows = task lanes). Returns the mixing node of each
 * task (one shared mixing node when the bank has a single gate).
 */
function moeBlock(b: GraphBuilder, bank: ExpertBank, gates: GateBank, T: number, col: number, source: string, center = middle(T)): string[] {
  const rows = stack(bank.count, center);
  const experts = expertNodes(b, bank, "expert", "expert", col, rows);
  experts.forEach((e) => b.edge(source, e));
  const top = Math.min(...rows) - 0.85;
  const bottom = Math.max(...rows) + 0.85;
  const perHead = gates.layer.w.shape[0] * gates.experts + gates.experts;
  const single = gates.heads === 1;
  const gateIds = Array.from({ length: single ? 1 : T }, (_, t) => {
    const above = single ? false : t < Math.ceil(T / 2);
    const row = above ? top - (Math.ceil(T / 2) - 1 - t) * 0.75 : bottom + (t - (single ? 0 : Math.ceil(T / 2))) * 0.75;
    return b.node({
      id: single ? "gate" : `gate${t}`,
      kind: "gate",
      label: single ? "gate (one for all)" : `gate ${t + 1}`,
      detail: `softmax over ${gates.experts}`,
      task: single ? undefined : t,
      variables: gates.variables,
      params: perHead,
      col,
      row,
    });
  });
  gateIds.forEach((g) => b.edge(source, g, { dashed: true }));
  const mixes = single
    ? [b.node({ id: "mix", kind: "op", label: "Σₑ gₑ fₑ", col: col + 1, row: center })]
    : Array.from({ length: T }, (_, t) => b.node({ id: `mix${t}`, kind: "op", label: `Σₑ g${t + 1},ₑ fₑ`, task: t, col: col + 1, row: t }));
  mixes.forEach((mix, i) => {
    experts.forEach((e) => b.edge(e, mix));
    b.edge(gateIds[Math.min(i, gateIds.length - 1)], mix);
  });
  return Array.from({ length: T }, (_, t) => mixes[Math.min(t, mixes.length - 1)]);
}

function describeIndependent(m: Independent): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: middle(T) });
  const depth = m.networks[0].layers.length;
  const ys = outputs(b, T, depth + 1);
  m.networks.forEach((net, t) => {
    const ids = mlpNodes(b, net, `net${t}`, `net ${t + 1} · layer`, 1, t, t);
    b.chain([x, ...ids, ys[t]]);
  });
  if (m instanceof SoftSharing) {
    const p = b.node({
      id: "penalty",
      kind: "penalty",
      label: "λ Σ‖θᵗ − θᵗ'‖²",
      detail: `λ = ${m.lambda}`,
      col: Math.ceil(depth / 2),
      row: T - 0.35,
      dashed: true,
    });
    m.networks.forEach((_, t) => b.edge(`net${t}.0`, p, { dashed: true }));
    return b.build(m.name, T, undefined, "Soft sharing: separate networks, pulled together by a penalty on their differences (no shared parameters).");
  }
  return b.build(m.name, T, undefined, "Share nothing: one network per task.");
}

function describeConcat(m: ConcatConditioned): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const { x, zs } = inputAndDescriptors(b, m);
  const cat = b.node({ id: "concat", kind: "op", label: "[x; zᵢ]", col: 1, row: middle(T) });
  b.edge(x, cat);
  zs.forEach((z) => b.edge(z, cat));
  const ids = mlpNodes(b, m.net, "net", "layer", 2, middle(T));
  const y = b.node({ id: "y", kind: "output", label: "ŷᵢ", detail: "task i via zᵢ", col: 2 + ids.length, row: middle(T) });
  b.chain([cat, ...ids, y]);
  return b.build(m.name, T, undefined, "Share everything: one network; the task enters as zᵢ next to x (its first-layer weights on z are per task).");
}

function describeAdditive(m: AdditiveConditioned): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const { x, zs } = inputAndDescriptors(b, m);
  const units = m.wx.shape[1];
  const wx = b.node({ id: "wx", kind: "block", label: "Wₓ x + b", detail: `${m.inputDim}→${units}`, variables: [m.wx, m.b], col: 1, row: -0.9 });
  b.edge(x, wx);
  const plus = b.node({ id: "plus", kind: "op", label: "+ then relu", col: 2, row: middle(T) });
  b.edge(wx, plus);
  zs.forEach((z, t) => {
    const wz = b.node({
      id: `wz${t}`,
      kind: "block",
      label: `W_z z${t + 1}`,
      detail: `bias for task ${t + 1}`,
      task: t,
      variables: [m.wz],
      params: m.wz.size / T,
      col: 1,
      row: t,
    });
    b.chain([z, wz, plus]);
  });
  const ids = mlpNodes(b, m.rest, "rest", "layer", 3, middle(T));
  const y = b.node({ id: "y", kind: "output", label: "ŷᵢ", col: 3 + ids.length, row: middle(T) });
  b.chain([plus, ...ids, y]);
  return b.build(m.name, T, undefined, "Additive conditioning: W[x; z] = Wₓx + W_z z, a task-specific bias on the first layer.");
}

function describeMultiHead(m: MultiHead): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: middle(T) });
  const bottom = mlpNodes(b, m.bottom, "bottom", "shared layer", 1, middle(T));
  b.chain([x, ...bottom]);
  const towerCol = 1 + bottom.length;
  const ys = outputs(b, T, towerCol + m.towers[0].layers.length);
  m.towers.forEach((tower, t) => {
    const ids = mlpNodes(b, tower, `head${t}`, `head ${t + 1}`, towerCol, t, t);
    b.chain([bottom[bottom.length - 1], ...ids, ys[t]]);
  });
  return b.build(m.name, T, undefined, "Multi-head: a shared bottom, one head per task.");
}

function describeMultiplicative(m: MultiplicativeConditioned): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const { x, zs } = inputAndDescriptors(b, m);
  const before = mlpNodes(b, m.trunk, "trunk", "layer", 1, -0.9).slice(0, m.layer + 1);
  // mlpNodes made every trunk layer; keep the ones before the gate here and re-place the rest after it.
  const all = b.nodes.filter((n) => n.id.startsWith("trunk."));
  const film = m.mode === "film";
  const opCol = 1 + m.layer + 1;
  const op = b.node({
    id: "cond",
    kind: "op",
    label: film ? "γᵢ ⊙ h + βᵢ" : "h ⊙ gᵢ",
    detail: `after hidden layer ${m.layer + 1}`,
    variables: [m.scale.b],
    col: opCol,
    row: middle(T) - 0.9,
  });
  all.slice(m.layer + 1).forEach((n, i) => Object.assign(n, { col: opCol + 1 + i, row: middle(T) - 0.9 }));
  b.chain([x, ...before, op]);
  const after = all.slice(m.layer + 1).map((n) => n.id);
  const y = b.node({ id: "y", kind: "output", label: "ŷᵢ", col: opCol + 1 + after.length, row: middle(T) - 0.9 });
  b.chain([op, ...after, y]);
  const width = m.scale.units;
  zs.forEach((z, t) => {
    const params = m.scale.w.size / T + (m.shift ? m.shift.size / T : 0);
    const g = b.node({
      id: `g${t}`,
      kind: "gate",
      label: film ? `γ${t + 1}, β${t + 1}` : `g${t + 1} = σ(W_g z${t + 1} + b)`,
      detail: `${width} units`,
      task: t,
      variables: m.shift ? [m.scale.w, m.shift] : [m.scale.w],
      params,
      col: opCol - 1,
      row: t + 0.4,
    });
    b.chain([z, g, op]);
  });
  return b.build(
    m.name,
    T,
    undefined,
    film ? "FiLM: a per-task scale and shift of one hidden layer." : "Multiplicative gating: a per-task gate on one hidden layer of a shared network.",
  );
}

function describeCrossStitch(m: CrossStitch): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: middle(T) });
  const L = m.alphas.length;
  const ys = outputs(b, T, 2 * L + 2);
  let previous: string[] = Array.from({ length: T }, () => x);
  for (let l = 0; l < L; l++) {
    const layerIds = m.columns.map((c, t) =>
      b.node({
        id: `col${t}.${l}`,
        kind: "block",
        label: `column ${t + 1} · layer ${l + 1}`,
        detail: denseDetail(c.layers[l]),
        variables: c.layers[l].variables,
        col: 1 + 2 * l,
        row: t,
      }),
    );
    previous.forEach((p, t) => b.edge(p, layerIds[t]));
    const last = l === L - 1;
    const stitched = Array.from({ length: T }, (_, t) =>
      b.node({
        id: `alpha${l}.${t}`,
        kind: "op",
        label: `x̃${t + 1} = Σⱼ α${t + 1}ⱼ xⱼ`,
        detail: `α layer ${l + 1}`,
        task: last ? t : undefined,
        variables: [m.alphas[l]],
        params: T,
        col: 2 + 2 * l,
        row: t,
      }),
    );
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) b.edge(layerIds[j], stitched[i], { dashed: i !== j });
    previous = stitched;
  }
  m.columns.forEach((c, t) => {
    const out = b.node({
      id: `out${t}`,
      kind: "block",
      label: `output ${t + 1}`,
      detail: denseDetail(c.layers[L]),
      task: t,
      variables: c.layers[L].variables,
      col: 2 * L + 1,
      row: t,
    });
    b.chain([previous[t], out, ys[t]]);
  });
  return b.build(
    m.name,
    T,
    undefined,
    "Cross-stitch: one column per task, mixed after every hidden layer by learned α (every task's loss reaches every column, so the columns are shared).",
  );
}

function describeMoe(m: Mmoe): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: middle(T) });
  const mixes = moeBlock(b, m.experts, m.gateBank, T, 1, x);
  const ys = outputs(b, T, 3 + m.towers[0].layers.length);
  m.towers.forEach((tower, t) => b.chain([mixes[t], ...mlpNodes(b, tower, `tower${t}`, `tower ${t + 1}`, 3, t, t), ys[t]]));
  const note = m.sharedGate
    ? "OMoE: shared experts mixed by one gate for all tasks."
    : `MMoE: shared experts, one gate per task${m.gateDropout ? ` (gate dropout ${m.gateDropout})` : ""}.`;
  return b.build(m.name, T, undefined, note);
}

function describeCgc(m: Cgc): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const x = b.node({ id: "x", kind: "input", label: "x", detail: `${m.inputDim} features`, col: 0, row: middle(T) });
  const shared = expertNodes(b, m.sharedExperts, "shared", "shared expert", 1, stack(m.shared, middle(T)));
  shared.forEach((e) => b.edge(x, e));
  const ys = outputs(b, T, 5 + m.towers[0].layers.length - 1);
  m.towers.forEach((tower, t) => {
    const own: string[] = [];
    if (m.taskExperts) {
      const bank = m.taskExperts;
      stack(m.own, t, 0.3).forEach((row, k) => {
        own.push(
          b.node({
            id: `own${t}.${k}`,
            kind: "block",
            label: `task ${t + 1} expert ${k + 1}`,
            detail: `${bank.layer.inputDim}→${bank.units} relu`,
            task: t,
            variables: bank.variables,
            params: bank.layer.w.size / bank.count + bank.units,
            col: 2,
            row: row + (row < middle(T) ? -0.6 : 0.6),
          }),
        );
      });
    }
    own.forEach((e) => b.edge(x, e));
    const gate = b.node({
      id: `gate${t}`,
      kind: "gate",
      label: `gate ${t + 1}`,
      detail: `softmax over ${m.own + m.shared}`,
      task: t,
      variables: m.gates[t].variables,
      col: 3,
      row: t - 0.3,
    });
    b.edge(x, gate, { dashed: true });
    const mix = b.node({ id: `mix${t}`, kind: "op", label: `Σ g${t + 1} · experts`, task: t, col: 4, row: t });
    [...own, ...shared, gate].forEach((e) => b.edge(e, mix));
    const ids = mlpNodes(b, tower, `tower${t}`, `tower ${t + 1}`, 5, t, t);
    b.chain([mix, ...ids, ys[t]]);
  });
  return b.build(m.name, T, undefined, "CGC: shared experts plus each task's own experts, mixed by that task's gate.");
}

function describeRanker(m: Ranker): ModelGraph {
  const b = new GraphBuilder();
  const T = m.numTasks;
  const c = middle(T);
  const query = b.node({ id: "query", kind: "input", label: "query video", col: 0, row: c - 1.2 });
  const cand = b.node({ id: "candidate", kind: "input", label: "candidate video", col: 0, row: c - 0.4 });
  const feats = b.node({ id: "features", kind: "input", label: "user, device, video features", col: 0, row: c + 0.4 });
  const emb = b.node({
    id: "embedding",
    kind: "block",
    label: "video embedding",
    detail: `${m.videoEmbedding.vocab} × ${m.videoEmbedding.dim}`,
    variables: [m.videoEmbedding.table],
    col: 1,
    row: c - 0.8,
  });
  b.edge(query, emb);
  b.edge(cand, emb);
  const shared = b.node({ id: "shared", kind: "block", label: "shared layer", detail: denseDetail(m.shared), variables: m.shared.variables, col: 2, row: c });
  b.edge(emb, shared);
  b.edge(feats, shared);
  let towerIn: (t: number) => string = () => shared;
  let col = 3;
  if (m.experts && m.gateBank) {
    const mixes = moeBlock(b, m.experts, m.gateBank, T, 3, shared);
    towerIn = (t) => mixes[t];
    col = 5;
  }
  const depth = m.towers[0].layers.length;
  const ys = outputs(b, T, col + depth + (m.positionTable ? 1 : 0), RANKER_TASKS);
  m.towers.forEach((tower, t) => {
    const ids = mlpNodes(b, tower, `tower${t}`, `${RANKER_TASKS[t]} tower`, col, t, t);
    if (t === 0 && m.positionTable) {
      const plus = b.node({ id: "plus", kind: "op", label: "+", detail: "logits add", task: 0, col: col + depth, row: 0 });
      const posIn = b.node({
        id: "position",
        kind: "input",
        label: "position × device",
        detail: "missing at serving",
        col: col + depth - 2,
        row: -1.1,
        dashed: true,
      });
      const tower = b.node({
        id: "positionTower",
        kind: "block",
        label: "shallow position tower",
        detail: `${m.positionTable.shape[0]} logits`,
        task: 0,
        variables: [m.positionTable],
        col: col + depth - 1,
        row: -1.1,
        dashed: true,
      });
      b.chain([towerIn(t), ...ids, plus, ys[0]]);
      b.edge(posIn, tower, { dashed: true, label: "dropped 10% in training" });
      b.edge(tower, plus, { dashed: true });
    } else {
      b.chain([towerIn(t), ...ids, ys[t]]);
    }
  });
  const note = m.positionTable ? "The position tower learns selection bias in training; at serving, position is treated as missing." : undefined;
  return b.build(m.name, T, RANKER_TASKS, note);
}

function describeRecommender(m: Recommender): ModelGraph {
  const b = new GraphBuilder();
  const mmoe = m.isMmoe;
  const separate = !mmoe && m.tables.length > 1;
  const E = m.tables.length;
  const user = b.node({ id: "user", kind: "input", label: "user id", col: 0, row: 0.1 });
  const item = b.node({ id: "item", kind: "input", label: "item id", col: 0, row: 0.9 });
  // Tables: one shared pair, one pair per head, or (MMoE) one pair per expert, all shared.
  const tables = m.tables.map((t, k) => {
    const task = separate ? k : undefined;
    const name = mmoe ? `expert ${k + 1} ` : separate ? `${RECOMMENDER_TASKS[k]} ` : "shared ";
    const row = separate ? k * 1.5 - 0.25 : mmoe ? 0.5 + (k - (E - 1) / 2) * 1.6 : 0.5;
    const tableNode = (side: "user" | "item", lookup: typeof t.user, offset: number) =>
      b.node({
        id: `${side}s${k}`,
        kind: "block",
        label: `${name}${side} table`,
        detail: `${lookup.vocab} × ${lookup.dim}`,
        task,
        variables: [lookup.table],
        col: 1,
        row: row + offset,
      });
    const u = tableNode("user", t.user, -0.4);
    const q = tableNode("item", t.item, 0.4);
    b.edge(user, u);
    b.edge(item, q);
    return { u, q };
  });
  // What each head reads: its table pair, or (MMoE) its gate's mix of the expert pairs.
  const sources = (t: number): string[] => {
    if (!mmoe) {
      const pair = tables[Math.min(t, tables.length - 1)];
      return [pair.u, pair.q];
    }
    const gate = m.gates[t];
    const g = b.node({
      id: `gate${t}`,
      kind: "gate",
      label: `gate ${t + 1}`,
      detail: `softmax over ${E} (user, item ids)`,
      task: t,
      variables: gate.variables,
      col: 2,
      row: t === 0 ? -1.1 : 2.1,
    });
    b.edge(user, g, { dashed: true });
    b.edge(item, g, { dashed: true });
    const mix = b.node({ id: `mix${t}`, kind: "op", label: `Σₑ g${t + 1},ₑ (uₑ, qₑ)`, task: t, col: 3, row: t === 0 ? -0.4 : 1.4 });
    for (const pair of tables) {
      b.edge(pair.u, mix);
      b.edge(pair.q, mix);
    }
    b.edge(g, mix);
    return [mix];
  };
  const col = mmoe ? 4 : 2;
  const dot = b.node({ id: "dot", kind: "op", label: "u·q + bₐ + bᵢ", detail: "factorization", task: 0, col, row: mmoe ? -0.4 : 0 });
  const feats = b.node({ id: "feats1", kind: "op", label: "[u, q, u⊙q]", task: 1, col, row: mmoe ? 1.4 : 1 });
  const biasRow = mmoe ? -1.9 : separate ? -1.1 : -0.45;
  const userBias = b.node({
    id: "userBias",
    kind: "block",
    label: "user bias bₐ",
    detail: `${m.userBias.shape[0]} × 1`,
    task: 0,
    variables: [m.userBias],
    col: col - 1,
    row: biasRow - 0.7,
  });
  const itemBias = b.node({
    id: "bias",
    kind: "block",
    label: "item bias bᵢ",
    detail: `${m.itemBias.shape[0]} × 1`,
    task: 0,
    variables: [m.itemBias],
    col: col - 1,
    row: biasRow,
  });
  b.edge(user, userBias);
  b.edge(item, itemBias);
  b.edge(userBias, dot);
  b.edge(itemBias, dot);
  for (const s of sources(0)) b.edge(s, dot);
  for (const s of sources(1)) b.edge(s, feats);
  const depth = m.ratingMlp.layers.length;
  const ys = outputs(b, 2, col + 1 + depth, ["ranking (BPR)", "rating"]);
  b.chain([feats, ...mlpNodes(b, m.ratingMlp, "rating", "rating MLP", col + 1, 1, 1), ys[1]]);
  b.edge(dot, ys[0]);
  const note = mmoe
    ? `MMoE embeddings: ${E} expert table pairs shared by both heads; each head reads its gate's mix of them. The heads are the plain model's.`
    : separate
      ? "Separate embeddings: each head has its own user and item tables."
      : "Shared embeddings: both heads look users and items up in the same tables.";
  return b.build(m.name, 2, ["ranking", "rating"], note);
}

/**
 * The structure of any of the kit's architectures as a graph: inputs, descriptors, layers,
 * experts, gates, cross-stitch units, towers, per-task outputs, each with its variables.
 */
export function describeModel(model: Architecture): ModelGraph {
  if (model instanceof Independent) return describeIndependent(model); // also soft sharing
  if (model instanceof ConcatConditioned) return describeConcat(model);
  if (model instanceof AdditiveConditioned) return describeAdditive(model);
  if (model instanceof MultiHead) return describeMultiHead(model);
  if (model instanceof MultiplicativeConditioned) return describeMultiplicative(model);
  if (model instanceof CrossStitch) return describeCrossStitch(model);
  if (model instanceof Mmoe) return describeMoe(model);
  if (model instanceof Cgc) return describeCgc(model);
  if (model instanceof Ranker) return describeRanker(model);
  if (model instanceof Recommender) return describeRecommender(model);
  throw new Error(`diagrams: no description for ${model.name}; add one in lib/diagrams/describe.ts`);
}
