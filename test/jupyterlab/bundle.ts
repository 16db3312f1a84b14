/**
 * Builds the JupyterLab rendering page (./page.ts with JupyterLab's renderer packages, their CSS
 * and MathJax's fonts) into one folder with esbuild: index.html, page.js, page.css. Everything is
 * bundled from node_modules, so the page loads nothing from the network.
 */
import * as fs from "fs";
import * as path from "path";
import { build, type Plugin } from "esbuild";

/**
 * JupyterLab's stylesheets import other packages' CSS webpack-style (`~@scope/pkg/file.css`);
 * this resolves those through node_modules as esbuild resolves any package path.
 */
const tildeImports: Plugin = {
  name: "tilde-imports",
  setup(b) {
    b.onResolve({ filter: /^~/ }, (args) => b.resolve(args.path.slice(1), { kind: args.kind, resolveDir: args.resolveDir }));
  },
};

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>JupyterLab renderers</title>
<link rel="stylesheet" href="page.css">
<style>
  body { margin: 0; padding: 16px; background: var(--jp-layout-color0, #fff); font-family: var(--jp-ui-font-family, sans-serif); }
  #notebook { max-width: 1100px; }
  .jp-Cell { padding: 4px 0; border-bottom: 1px dashed #e0e0e0; }
</style>
</head>
<body class="jp-ThemeLight" data-jp-theme-light="true">
<div id="notebook" class="jp-Notebook"></div>
<script src="page.js"></script>
</body>
</html>
`;

/** Bundles the page into `outDir` and returns the path of its index.html. */
export async function buildLabPage(outDir: string): Promise<string> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { page: path.join(__dirname, "page.ts") },
    outdir: outDir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    minify: true,
    logLevel: "error",
    // As webpack (JupyterLab's bundler) does for browser builds: MathJax's loader reads __dirname.
    define: { "process.env.NODE_ENV": '"production"', global: "window", __dirname: '"/"' },
    loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl", ".svg": "dataurl", ".png": "dataurl", ".gif": "dataurl" },
    plugins: [tildeImports],
  });
  const index = path.join(outDir, "index.html");
  fs.writeFileSync(index, PAGE_HTML);
  return index;
}
