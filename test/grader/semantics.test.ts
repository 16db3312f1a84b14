/**
 * The grader runs cells with tslab's own converter and executor in a separate process. This shows
 * that it gives the same outputs as the real tslab kernel under Jupyter, cell by cell, for every
 * solution notebook.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "../../scripts/notebook-runner";
import { GradingSession } from "../../grader/src/session";
import { cellSource, readNotebook } from "../../grader/src/notebook";

const ROOT = path.resolve(__dirname, "..", "..");
// The sandbox's permission model refuses native addons, so its matmul is the WASM one; the kernel
// is run the same way (no native BLAS), so that both compute with the same kernels.
process.env.MTL_NATIVE_BLAS = "0";
const solutions = fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => f.endsWith(".ipynb"));

type Output = { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> };
const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));

/**
 * Text a kernel run showed per code cell: its streams, and the plain-text form of its displays
 * (tables, figures), which is what the library prints where there is no notebook to display in.
 */
function kernelOutputs(executedFile: string): string[] {
  const nb = JSON.parse(fs.readFileSync(executedFile, "utf8"));
  return nb.cells
    .filter((c: { cell_type: string }) => c.cell_type === "code")
    .map((c: { outputs: Output[] }) =>
      c.outputs
        .map((o) => {
          if (o.output_type === "stream") return joined(o.text);
          const plain = joined(o.data?.["text/plain"]);
          return o.output_type === "display_data" && plain ? plain.replace(/\n?$/, "\n") : "";
        })
        .join(""),
    );
}

for (const file of solutions) {
  test(`solutions/${file} prints the same in the grader's sandbox as in the Jupyter kernel`, async () => {
    const run = await runNotebook(path.join(ROOT, "solutions", file));
    assert.equal(run.ok, true, run.error ?? "");
    const inKernel = kernelOutputs(run.executed);
    const nb = readNotebook(path.join(ROOT, "solutions", file));
    const session = new GradingSession({ cellSeconds: 120 });
    try {
      const name = file.replace(/\.ipynb$/, "");
      fs.copyFileSync(path.join(ROOT, "homework", `${name}.checks.json`), path.join(session.scratch, `${name}.checks.json`));
      const inSandbox: string[] = [];
      for (const [i, cell] of nb.cells.entries()) {
        if (cell.cell_type !== "code") continue;
        const r = await session.runCell(i, cellSource(cell));
        assert.equal(r.ok, true, `cell ${i} failed in the sandbox: ${r.reason ?? r.output}`);
        inSandbox.push(r.output);
      }
      assert.equal(inSandbox.length, inKernel.length);
      // The backend line says how matmul runs, and the sandbox's permission model refuses native
      // addons that the kernel may load: that line may differ, nothing else may.
      const backendLine = (text: string) => text.replace(/^TensorFlow\.js \S+ on the '[^']+' backend .*$/m, "TensorFlow.js (backend line)");
      inSandbox.forEach((out, k) => assert.equal(backendLine(out), backendLine(inKernel[k]), `code cell ${k + 1} differs`));
      assert.ok(
        inKernel.some((o) => o.includes("✓")),
        "the checks ran and printed",
      );
    } finally {
      session.close();
    }
  });
}
