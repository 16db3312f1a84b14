/**
 * The case study's logged data: generating it (seeded, byte-identical), and loading it as typed rows
 * or as a danfojs DataFrame for exploration.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { dataFile } from "../tasks/data-files";
import { LOG_COLUMNS, RecsysSimulator, parseCsv, toCsv, type Impression, type SimulatorConfig } from "./simulator";

/** The world and the query counts behind the shipped logs. */
export const SHIPPED_LOGS: LogSpec = { world: { seed: 2019 }, trainQueries: 10000, testQueries: 2000, trainSeed: 1, testSeed: 2 };

/** What a pair of logs is generated from. */
export interface LogSpec {
  world: SimulatorConfig;
  trainQueries: number;
  testQueries: number;
  trainSeed: number;
  testSeed: number;
}

/**
 * The zlib build (`process.versions.zlib`) that wrote the shipped files. Deflate's bytes depend on
 * the zlib build: Node bundles Chromium's fork, whose hashing differs from stock zlib, so another
 * Node may compress the same text to other (equally valid) bytes.
 */
export const SHIPPED_LOGS_ZLIB = "1.3.1-e00f703";

/**
 * Gzip with settings pinned so the bytes depend on the text (and the zlib build) only: Node's gzip
 * writes no file name and a zero time stamp; level, window and memory level are fixed; and the
 * header's OS byte, which zlib sets from the platform it was built for, is pinned to Unix (3).
 */
export function gzipDeterministic(text: string): Buffer {
  const out = zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9, memLevel: 8, windowBits: 15, strategy: zlib.constants.Z_DEFAULT_STRATEGY });
  // Not covered by any checksum (no FHCRC flag), so it can be set after the fact.
  out[9] = 3;
  return out;
}

/** The gzipped CSV bytes of the train and test logs of `spec` (byte-identical for the same spec). */
export function makeLogs(spec: LogSpec = SHIPPED_LOGS): { train: Buffer; test: Buffer } {
  const sim = new RecsysSimulator(spec.world);
  const train = sim.log(spec.trainQueries, { seed: spec.trainSeed });
  // Test query ids continue after the training ones so that the two logs never share a query id.
  const test = sim.log(spec.testQueries, { seed: spec.testSeed, firstQueryId: spec.trainQueries });
  return { train: gzipDeterministic(toCsv(train)), test: gzipDeterministic(toCsv(test)) };
}

const cache = new Map<string, Impression[]>();

/** The shipped log of one split, as rows. */
export function loadLog(split: "train" | "test"): Impression[] {
  if (!cache.has(split)) cache.set(split, parseCsv(zlib.gunzipSync(fs.readFileSync(dataFile(`recsys/${split}.csv.gz`))).toString("utf8")));
  return cache.get(split) as Impression[];
}

/** The log columns as typed arrays, for training code that wants no row objects. */
export type LogColumns = Record<keyof Impression, Float32Array>;

/** Rows as one Float32Array per column (every value is a small integer or a 4-decimal number). */
export function logColumns(rows: readonly Impression[]): LogColumns {
  const out = {} as LogColumns;
  for (const c of LOG_COLUMNS) out[c] = Float32Array.from(rows, (r) => r[c]);
  return out;
}

/** The shipped log of one split as typed columns (see logColumns). */
export function loadRecsysColumns(split: "train" | "test"): LogColumns {
  return logColumns(loadLog(split));
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
