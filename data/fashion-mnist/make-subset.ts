/**
 * Regenerates data/fashion-mnist/subset.bin.gz from the original Fashion-MNIST files:
 *
 *   npx tsx data/fashion-mnist/make-subset.ts [SOURCE_DIR]
 *
 * SOURCE_DIR holds the four original *-ubyte.gz files (default: Debian's dataset-fashion-mnist
 * package, /usr/share/datasets/fashion-mnist). The output is byte-identical on every run.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Rng } from "../../lib/random";
import type { SubsetHeader } from "../../lib/tasks/fashion-mnist";

const SEED = 330;
const PER_CLASS_TRAIN = 600;
const PER_CLASS_TEST = 100;
const SIDE = 14;

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  const rank = raw[3];
  const dims = Array.from({ length: rank }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return { dims, data: raw.subarray(4 + 4 * rank) };
}

/** 2×2 average pooling of 28×28 images to 14×14, rounded to uint8. */
function downsample(images: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(SIDE * SIDE);
  const base = index * 784;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const p = (dr: number, dc: number) => images[base + (2 * r + dr) * 28 + 2 * c + dc];
      out[r * SIDE + c] = Math.round((p(0, 0) + p(0, 1) + p(1, 0) + p(1, 1)) / 4);
    }
  }
  return out;
}

/** A class-balanced, shuffled selection of `perClass` images of each class. */
function select(labels: Uint8Array, perClass: number, rng: Rng): number[] {
  const order = rng.permutation(labels.length);
  const counts = new Array(10).fill(0);
  const chosen: number[] = [];
  for (const i of order) {
    if (counts[labels[i]] < perClass) {
      counts[labels[i]]++;
      chosen.push(i);
    }
  }
  return chosen;
}

/** Builds the subset file's bytes. */
export function makeSubset(sourceDir: string): Buffer {
  const rng = new Rng(SEED);
  const parts: Buffer[] = [];
  const splits: Array<[string, number]> = [["train", PER_CLASS_TRAIN], ["t10k", PER_CLASS_TEST]];
  const counts: number[] = [];
  for (const [prefix, perClass] of splits) {
    const images = readIdx(path.join(sourceDir, `${prefix}-images-idx3-ubyte.gz`)).data;
    const labels = readIdx(path.join(sourceDir, `${prefix}-labels-idx1-ubyte.gz`)).data;
    const chosen = select(labels, perClass, rng);
    counts.push(chosen.length);
    parts.push(Buffer.concat(chosen.map((i) => Buffer.from(downsample(images, i)))));
    parts.push(Buffer.from(chosen.map((i) => labels[i])));
  }
  const header: SubsetHeader = { format: "fashion-mnist-subset/1", side: SIDE, train: counts[0], test: counts[1], seed: SEED };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  // Node's gzip writes no timestamp or file name, so the bytes depend only on the input.
  return zlib.gzipSync(Buffer.concat([length, headerBytes, ...parts]), { level: 9 });
}

if (require.main === module) {
  const source = process.argv[2] ?? "/usr/share/datasets/fashion-mnist";
  const out = path.join(__dirname, "subset.bin.gz");
  fs.writeFileSync(out, makeSubset(source));
  console.log(`wrote ${out} (${fs.statSync(out).size} bytes)`);
}
