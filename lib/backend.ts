/**
 * Chooses the TensorFlow.js backend: native `tfjs-node` when it imports (a user who can reach its
 * binary host installed it), else WASM with SIMD (its .wasm files found in the installed package,
 * no network), else the pure-JS `cpu` backend. MTL_BACKEND=node|wasm|cpu forces one.
 */
import * as tf from "@tensorflow/tfjs";
import * as path from "path";
import "./quiet";
import { dropWasmProcessHandlers, processHandlers } from "./kernel-guard";
import { useWasmKernels, WASM_KERNEL_SETS, type WasmKernelSet } from "./kernels/wasm-kernels";
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
  /** On WASM: the kernel set in use (kernels/wasm-kernels.ts). */
  readonly kernels?: WasmKernelSet;
  /** On WASM: why the native BLAS matmul is not in use ("" when it is). */
  readonly nativeBlas?: string;
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
  wantedWasmKernels(); // a malformed MTL_WASM_KERNELS fails here with its own message, not as a skipped backend
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
      current = { name, tfName: TF_NAMES[name], reason, tfjsVersion: tf.version.tfjs, ...(name === "wasm" ? wasmKernels : {}) };
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

/** One line that says which backend runs and why, and on WASM which kernels and why not native BLAS. */
export function describeBackend(info: BackendInfo): string {
  return `TensorFlow.js ${info.tfjsVersion} on the '${info.name}' backend (${DESCRIPTIONS[info.name]}${info.kernels ? kernelNote(info) : ""}): ${info.reason}`;
}

const KERNEL_NOTES: Record<WasmKernelSet, string> = {
  stock: "tfjs's stock kernels",
  matmul: "the kit's matmul kernels",
  js: "the kit's matmul, gather, slice and concat kernels",
  blas: "the kit's gather, slice and concat kernels, matmul on native BLAS (OpenBLAS)",
};

function kernelNote(info: BackendInfo): string {
  const set = info.kernels!;
  return `; ${KERNEL_NOTES[set]}${set !== "blas" && info.nativeBlas ? `; native BLAS not in use: ${info.nativeBlas}` : ""}`;
}

function isBackendName(s: string): s is BackendName {
  return s === "node" || s === "wasm" || s === "cpu";
}

/** Tries one backend; returns null on success, else why it failed. */
async function tryBackend(name: BackendName): Promise<string | null> {
  // The WASM module's Emscripten glue adds process handlers that end the process on any uncaught
  // error; they are removed again once it is up (kernel-guard.ts says why).
  const handlers = processHandlers();
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
    if (name === "wasm") wasmKernels = registerWasmKernels();
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return msg.includes("Cannot find module") ? "not installed (optional; see the README)" : msg;
  } finally {
    if (name === "wasm") dropWasmProcessHandlers(handlers);
  }
}

let wasmKernels: { kernels: WasmKernelSet; nativeBlas: string } = { kernels: "stock", nativeBlas: "" };

/**
 * Registers the kit's WASM kernels (kernels/wasm-kernels.ts): the fastest set that loads, or the
 * one MTL_WASM_KERNELS=stock|matmul|js|blas names (MTL_WASM_PATCHES=0 still means stock).
 * Embedding gradients, whose kernel WASM lacks, are handled by the embedding op itself
 * (ops/embedding.ts).
 */
function registerWasmKernels(): { kernels: WasmKernelSet; nativeBlas: string } {
  const { set: wanted, because } = wantedWasmKernels();
  const { set, why } = useWasmKernels(wanted);
  return { kernels: set, nativeBlas: set === "blas" ? "" : why || `not requested (${because})` };
}

/** The WASM kernel set the environment asks for; a malformed MTL_WASM_KERNELS is an error. */
function wantedWasmKernels(): { set: WasmKernelSet; because: string } {
  if (process.env.MTL_WASM_PATCHES === "0") return { set: "stock", because: "MTL_WASM_PATCHES=0" };
  const forced = (process.env.MTL_WASM_KERNELS ?? "").trim().toLowerCase();
  if (!forced) return { set: "blas", because: "" };
  if (!(WASM_KERNEL_SETS as readonly string[]).includes(forced)) {
    throw new Error(`MTL_WASM_KERNELS=${forced} is not one of ${WASM_KERNEL_SETS.join(", ")}`);
  }
  return { set: forced as WasmKernelSet, because: `MTL_WASM_KERNELS=${forced}` };
}
