/**
 * The case study's logged data: generating it (seeded, byte-identical), and loading it as typed rows
 * or as a danfojs DataFrame for exploration.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { dataFile } from "../tasks/data-files";
import { RecsysSimulator, parseCsv, toCsv, type Impression, type SimulatorConfig } from "./simulator";

/** The world and the query counts behind the shipped logs. */
export const SHIPPED_LOGS = { world: { seed: 2019 } as SimulatorConfig, trainQueries: 10000, testQueries: 2000, trainSeed: 1, testSeed: 2 };

/** The gzipped CSV bytes of the train and test logs (Node's gzip stores no time stamp). */
export function makeLogs(spec = SHIPPED_LOGS): { train: Buffer; test: Buffer } {
  const sim = new RecsysSimulator(spec.world);
  const train = sim.log(spec.trainQueries, { seed: spec.trainSeed });
  const test = sim.log(spec.testQueries, { seed: spec.testSeed, firstQueryId: spec.trainQueries });
  const gz = (rows: Impression[]) => zlib.gzipSync(toCsv(rows), { level: 9 });
  return { train: gz(train), test: gz(test) };
}

const cache = new Map<string, Impression[]>();

/** The shipped log of one split, as rows. */
export function loadLog(split: "train" | "test"): Impression[] {
  if (!cache.has(split)) cache.set(split, parseCsv(zlib.gunzipSync(fs.readFileSync(dataFile(`recsys/${split}.csv.gz`))).toString("utf8")));
  return cache.get(split) as Impression[];
}

/** The shipped log of one split as a danfojs DataFrame (built column by column). */
export function loadLogFrame(split: "train" | "test"): import("danfojs-node").DataFrame {
  // Loaded on demand: danfojs takes a moment to import and most of the library does not need it.
  const dfd = require("danfojs-node") as typeof import("danfojs-node");
  const rows = loadLog(split);
  const columns: Record<string, number[]> = {};
  for (const key of Object.keys(rows[0])) columns[key] = rows.map((r) => r[key as keyof Impression] as number);
  return new dfd.DataFrame(columns);
}
