#!/usr/bin/env node
/*
 * Builds the optional native matmul (blas.c over OpenBLAS) into build/mtl-blas.node, with the
 * machine's own compiler and Node's installed headers: nothing is downloaded. Runs after
 * `npm install`/`npm ci` and as `npm run build:native`. It never fails the install: when the
 * addon cannot be built it prints one line saying why, and the kit runs on WASM.
 * Plain CommonJS on purpose: it must run before anything else is built, with no dev tools.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const here = __dirname;
const out = path.join(here, "build", "mtl-blas.node");

function has(cmd) {
  return spawnSync(cmd, ["--version"], { stdio: "ignore", timeout: 20000 }).status === 0;
}

function headers() {
  const candidates = [
    process.env.MTL_NODE_HEADERS,
    path.resolve(path.dirname(process.execPath), "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ];
  return candidates.find((d) => d && fs.existsSync(path.join(d, "node_api.h")));
}

function build() {
  if (process.env.MTL_NATIVE_BLAS === "0") return "skipped: MTL_NATIVE_BLAS=0";
  if (os.platform() !== "linux" || os.arch() !== "x64") return `skipped: built on Linux x64 only (this is ${os.platform()} ${os.arch()})`;
  const include = headers();
  if (!include) return "Node's headers (node_api.h) were not found; set MTL_NODE_HEADERS to their folder";
  const cc = ["cc", "gcc", "g++"].find(has);
  if (!cc) return "no C compiler (cc, gcc or g++) found";
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // A .node name, or require() would read it as JavaScript.
  const tmp = path.join(path.dirname(out), `mtl-blas.${process.pid}.tmp.node`);
  const args = ["-x", "c", "-std=c11", "-O2", "-fPIC", "-shared", `-I${include}`, "-o", tmp, path.join(here, "blas.c"), "-lopenblas"];
  const r = spawnSync(cc, args, { encoding: "utf8", timeout: 120000 });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    const err = `${r.stderr || ""}${r.error ? r.error.message : ""}`;
    if (/lopenblas|cannot find -l/.test(err)) return "OpenBLAS was not found (on Debian or Ubuntu: apt-get install libopenblas-dev)";
    return `${cc} failed: ${err.trim().split("\n").slice(-1)[0] || `exit ${r.status}`}`;
  }
  // Check it loads and multiplies before putting it where the kit looks.
  const check = `const m=require(${JSON.stringify(tmp)});const c=new Float32Array(1);m.gemm(new Float32Array([2]),new Float32Array([3]),c,1,1,1,1,0,0,0,0,null,false);if(c[0]!==6)process.exit(2)`;
  const t = spawnSync(process.execPath, ["-e", check], { encoding: "utf8", timeout: 60000 });
  if (t.status !== 0) {
    fs.rmSync(tmp, { force: true });
    return `built, but it did not load: ${((t.stderr || "").match(/^\w*Error.*$/m) || [""])[0] || `exit ${t.status}`}`;
  }
  fs.renameSync(tmp, out);
  return null;
}

let why;
try {
  why = build();
} catch (e) {
  why = e && e.message ? e.message : String(e);
}
console.log(
  why === null
    ? `mtl-blas: built ${path.relative(process.cwd(), out)} (OpenBLAS matmul, used on Linux when it loads)`
    : `mtl-blas: not built (${why}); the kit runs on WASM`,
);
