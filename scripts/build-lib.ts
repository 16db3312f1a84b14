/**
 * Builds the library for notebooks: compiles lib/ to lib/dist and writes a minified plotly.js
 * bundle beside it (plotly.js-dist ships an 11 MB unminified file; figures inline it once per
 * notebook, so its size is what a saved notebook carries).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { transformSync } from "esbuild";

const root = path.resolve(__dirname, "..");
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "lib")], { stdio: "inherit" });

const source = fs.readFileSync(require.resolve("plotly.js-dist/plotly.js"), "utf8");
const header = source.slice(0, source.indexOf("*/") + 2);
const target = path.join(root, "lib", "dist", "plotly.min.js");
if (!fs.existsSync(target) || fs.statSync(target).mtimeMs < fs.statSync(require.resolve("plotly.js-dist/plotly.js")).mtimeMs) {
  const { code } = transformSync(source, { minify: true, legalComments: "eof" });
  fs.writeFileSync(target, header + "\n" + code);
}
