/**
 * Chooses the TensorFlow.js backend: native `tfjs-node` when it imports (a user who can reach its
 * binary host installed it), else WASM with SIMD (its .wasm files found in the installed package,
 * no network), else the pure-JS `cpu` backend. MTL_BACKEND=node|wasm|cpu forces one.
 */
import * as tf from "@tensorflow/tfjs";
import * as path from "path";
import "./quiet";
import { patchWasmMatMul } from "./kernels/wasm-matmul";
import { courseSeed } from "./seed";

/** The backends the kit can run on. */
export type BackendName = "node" | "wasm" | "cpu";

/** Which backend runs, and why it was chosen. */
export interface BackendInfo {
  readonly name: BackendName;
  /** tfjs's own name for it ("tensorflow", "wasm", "cpu"). */
  readonly tfName: string;
  readonly reason: string;
  readonly tfjsVersion: string;
}

const TF_NAMES: Record<BackendName, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu" };

const DESCRIPTIONS: Record<BackendName, string> = {
  node: "native TensorFlow",
  wasm: "WebAssembly with SIMD",
  cpu: "pure JavaScript, slowest",
};

let current: BackendInfo | null = null;

/** Sets up the best available backend once (later calls return the same answer). */
export async function setupBackend(options: { prefer?: BackendName; quiet?: boolean } = {}): Promise<BackendInfo> {
  courseSeed(); // a malformed MTL_SEED fails here, in the first cell, with its own message
  const forced = (process.env.MTL_BACKEND ?? "").trim().toLowerCase();
  const wanted = forced || options.prefer || "";
  if (current && (!wanted || current.name === wanted)) return current;
  if (wanted && !isBackendName(wanted)) {
    throw new Error(`MTL_BACKEND=${forced} is not one of node, wasm, cpu`);
  }
  const reasons: string[] = [];
  const order: BackendName[] = wanted ? [wanted as BackendName] : ["node", "wasm", "cpu"];
  for (const name of order) {
    const why = await tryBackend(name);
    if (why === null) {
      const reason = wanted
        ? forced
          ? `forced by MTL_BACKEND=${forced}`
          : "requested"
        : `chosen automatically${reasons.length ? `; skipped ${reasons.join("; ")}` : ""}`;
      current = { name, tfName: TF_NAMES[name], reason, tfjsVersion: tf.version.tfjs };
      if (!options.quiet) {
        console.log(describeBackend(current));
        console.log(describeSeed());
      }
      return current;
    }
    reasons.push(`'${name}': ${why}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${reasons.join("; ")}`);
}

/** The backend chosen by setupBackend, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/** One line that says which course seed is in use and how to change it. */
export function describeSeed(): string {
  const seed = courseSeed();
  return (process.env.MTL_SEED ?? "").trim() === ""
    ? `course seed ${seed} (the default; set MTL_SEED before starting Jupyter to try another)`
    : `course seed ${seed} (from MTL_SEED)`;
}

/** One line that says which backend runs and why. */
export function describeBackend(info: BackendInfo): string {
  return `TensorFlow.js ${info.tfjsVersion} on the '${info.name}' backend (${DESCRIPTIONS[info.name]}): ${info.reason}`;
}

function isBackendName(s: string): s is BackendName {
  return s === "node" || s === "wasm" || s === "cpu";
}

/** Tries one backend; returns null on success, else why it failed. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === "node") {
      // danfojs-node's npm override installs plain tfjs under the name @tensorflow/tfjs-node, so
      // check the real package name before importing.
      const pkg = require("@tensorflow/tfjs-node/package.json") as { name: string };
      if (pkg.name !== "@tensorflow/tfjs-node") return "@tensorflow/tfjs-node is not installed (optional; see the README)";
      require("@tensorflow/tfjs-node");
    } else if (name === "wasm") {
      const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
      const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
      wasm.setWasmPaths(dir + path.sep);
    }
    const ok = await tf.setBackend(TF_NAMES[name]);
    if (!ok) return "tf.setBackend returned false";
    await tf.ready();
    if (name === "wasm") registerWasmWorkarounds();
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return msg.includes("Cannot find module") ? "not installed (optional; see the README)" : msg;
  }
}

/**
 * Works around WASM backend gaps: slow transposed matmuls (kernels/wasm-matmul.ts). Embedding
 * gradients, whose kernel WASM lacks, are handled by the embedding op itself (ops/embedding.ts).
 */
function registerWasmWorkarounds(): void {
  if (process.env.MTL_WASM_PATCHES !== "0") patchWasmMatMul();
}
