/** Zip handling of the grader: safe names, size limits, and a zip that round-trips. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { zipSync, strToU8 } from "fflate";
import { entryFileName, extractNotebooks, zipFiles } from "../../grader/src/archive";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-archive-"));

test("zip entry names become flat, safe file names", () => {
  assert.equal(entryFileName("alice/hw1.ipynb"), "alice__hw1.ipynb");
  assert.equal(entryFileName("../../etc/evil.ipynb"), "etc__evil.ipynb");
  assert.equal(entryFileName("/abs/x.ipynb"), "abs__x.ipynb");
  assert.equal(entryFileName("a\\b c$.ipynb"), "a__b c_.ipynb");
});

test("extractNotebooks keeps notebooks only, never writes outside its folder, and skips oversized entries", () => {
  const dir = tmp();
  const zip = path.join(dir, "class.zip");
  fs.writeFileSync(
    zip,
    zipSync({
      "alice/hw1.ipynb": strToU8("{}"),
      "bob/hw1.ipynb": strToU8('{"b": 1}'),
      "../escape.ipynb": strToU8("{}"),
      "__MACOSX/alice/._hw1.ipynb": strToU8("junk"),
      "notes.txt": strToU8("hello"),
      "big/hw1.ipynb": new Uint8Array(2000),
    }),
  );
  const out = path.join(dir, "subs");
  const report = extractNotebooks(zip, out, { maxEntryBytes: 1000 });
  assert.deepEqual(fs.readdirSync(out).sort(), ["alice__hw1.ipynb", "bob__hw1.ipynb", "escape.ipynb"]);
  assert.equal(fs.readFileSync(path.join(out, "bob__hw1.ipynb"), "utf8"), '{"b": 1}');
  assert.deepEqual(fs.readdirSync(dir).sort(), ["class.zip", "subs"]);
  assert.match(report.find((e) => e.entry === "big/hw1.ipynb")!.skipped!, /limit/);
});

test("a file that is not a zip gets a clear message", () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, "bad.zip"), "not a zip at all");
  assert.throws(() => extractNotebooks(path.join(dir, "bad.zip"), path.join(dir, "out")), /not a readable zip archive/);
});

test("zipFiles writes a standard zip that keeps executable bits", () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, "src", "sub"), { recursive: true });
  fs.writeFileSync(path.join(dir, "src", "run"), "#!/bin/sh\necho hi\n");
  fs.chmodSync(path.join(dir, "src", "run"), 0o755);
  fs.writeFileSync(path.join(dir, "src", "sub", "a.txt"), "a", { mode: 0o644 });
  fs.chmodSync(path.join(dir, "src", "sub", "a.txt"), 0o644);
  zipFiles(path.join(dir, "src"), ["run", path.join("sub", "a.txt")], path.join(dir, "out.zip"));
  // Python's zipfile is an independent reader.
  const listing = execFileSync(
    "python3",
    ["-c", "import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, oct(i.external_attr >> 16))", path.join(dir, "out.zip")],
    { encoding: "utf8" },
  );
  assert.deepEqual(listing.trim().split("\n"), ["run 0o755", "sub/a.txt 0o644"]);
});
