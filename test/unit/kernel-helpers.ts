/** Shared helpers of the kernel tests (not a test file itself): run one computation on two backends. */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../lib/random";

/** A float32 tensor of seeded normal values. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).normals(n), shape);
}

/** The values, dtype and shape of what f returns on the cpu backend (the reference) and on wasm. */
export async function onCpuAndWasm(
  f: () => tf.Tensor,
): Promise<{ cpu: { values: number[]; dtype: string; shape: number[] }; wasm: { values: number[]; dtype: string; shape: number[] } }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const t = f();
    const r = { values: Array.from(await t.data()) as number[], dtype: t.dtype as string, shape: t.shape };
    t.dispose();
    return r;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  return { cpu, wasm };
}

/** The largest absolute difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
