import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { RecsysSimulator, toCsv, parseCsv, LOG_COLUMNS } from "../../lib/recsys/simulator";
import { makeLogs, loadLog, loadLogFrame, loadRecsysColumns, SHIPPED_LOGS, SHIPPED_LOGS_ZLIB, type LogSpec } from "../../lib/recsys/log";

const ROOT = path.resolve(__dirname, "..", "..");
const SMALL: LogSpec = { world: { users: 60, videos: 120, candidates: 40, seed: 11 }, trainQueries: 40, testQueries: 10, trainSeed: 1, testSeed: 2 };

test("a small log regenerates byte for byte, with a gzip header free of time stamps and file names", () => {
  const a = makeLogs(SMALL);
  const b = makeLogs(SMALL);
  for (const split of ["train", "test"] as const) {
    assert.ok(a[split].equals(b[split]), `${split} bytes differ between two generations`);
    const header = a[split];
    assert.equal(header[0], 0x1f);
    assert.equal(header[1], 0x8b);
    assert.equal(header[3], 0, "no FNAME / FCOMMENT / FEXTRA flags");
    assert.equal(header.readUInt32LE(4), 0, "MTIME is zero");
    assert.equal(header[9], 3, "the OS byte is pinned");
  }
  assert.equal(parseCsv(zlib.gunzipSync(a.train).toString("utf8")).length, 400);
  assert.ok(!makeLogs({ ...SMALL, trainSeed: 3 }).train.equals(a.train), "another seed gives another log");
});

test("the shipped logs regenerate byte for byte", (t) => {
  const fresh = makeLogs();
  // Deflate's bytes depend on the zlib build; the CSV text must match everywhere.
  const sameZlib = process.versions.zlib === SHIPPED_LOGS_ZLIB;
  if (!sameZlib) t.diagnostic(`zlib ${process.versions.zlib} is not ${SHIPPED_LOGS_ZLIB}, which wrote the files: comparing the decompressed CSV only`);
  for (const split of ["train", "test"] as const) {
    const shipped = fs.readFileSync(path.join(ROOT, "data", "recsys", `${split}.csv.gz`));
    assert.ok(
      zlib.gunzipSync(fresh[split]).equals(zlib.gunzipSync(shipped)),
      `${split}.csv.gz holds other rows than a regeneration: run npx tsx data/recsys/generate.ts`,
    );
    if (sameZlib) assert.ok(fresh[split].equals(shipped), `${split}.csv.gz differs from a regeneration: run npx tsx data/recsys/generate.ts`);
  }
  assert.equal(loadLog("train").length, SHIPPED_LOGS.trainQueries * 10);
  assert.equal(loadLog("test").length, SHIPPED_LOGS.testQueries * 10);
  // Train and test never share a query id.
  const lastTrain = loadLog("train")[loadLog("train").length - 1].queryId;
  assert.ok(loadLog("test").every((r) => r.queryId > lastTrain));
});

test("logs round-trip through CSV and load as a danfojs DataFrame and as typed columns", () => {
  const rows = new RecsysSimulator({ users: 50, videos: 80, candidates: 20, seed: 1 }).log(5);
  assert.deepEqual(parseCsv(toCsv(rows)), rows);
  const df = loadLogFrame("test");
  assert.deepEqual(df.shape, [20000, LOG_COLUMNS.length]);
  assert.deepEqual(df.columns, LOG_COLUMNS);
  const cols = loadRecsysColumns("test");
  const rowsTest = loadLog("test");
  assert.equal(cols.clicked.length, 20000);
  assert.ok(cols.position instanceof Float32Array);
  assert.equal(cols.videoId[123], rowsTest[123].videoId);
  const clickRate = cols.clicked.reduce((s, x) => s + x, 0) / 20000;
  const fromFrame = (df.column("clicked").values as number[]).reduce((s, x) => s + x, 0) / 20000;
  assert.ok(Math.abs(clickRate - fromFrame) < 1e-12);
});
