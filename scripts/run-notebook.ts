/** Executes notebooks in the real kernel: `npx tsx scripts/run-notebook.ts notebooks/00-setup.ipynb ...`. */
import { runNotebook } from "./notebook-runner";

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error("usage: npx tsx scripts/run-notebook.ts NOTEBOOK.ipynb [...]");
    process.exit(2);
  }
  let failed = 0;
  for (const file of files) {
    const run = await runNotebook(file);
    console.log(`${run.ok ? "ok  " : "FAIL"} ${file} ${run.seconds.toFixed(1)}s${run.error ? `\n     ${run.error}` : ""}\n     executed copy: ${run.executed}`);
    if (!run.ok) failed++;
  }
  process.exit(failed ? 1 : 0);
}

main();
