/**
 * OS-level isolation of the grading child: no network (not even the host's loopback), a uid of its
 * own under root, a PID namespace, children that die with the grader and folders swept after it,
 * a message channel that survives garbage, and a start failure blamed on the grader. Where a case
 * can, it also runs with isolation turned off, to show that the test can tell the difference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { encodeFrame, FrameReader } from "../../grader/src/channel";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs cells in a fresh grading session in another process (isolation is probed once per process);
 * asynchronously, so that this process's test server can answer meanwhile.
 */
async function runCells(cells: string[], env: Record<string, string> = {}): Promise<{ outputs: string[]; notes: string[] }> {
  const script = `
    const { GradingSession, sandboxIsolation } = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))});
    (async () => {
      const s = new GradingSession({ cellSeconds: 30 });
      const outputs = [];
      for (const [i, c] of ${JSON.stringify(cells)}.entries()) { const r = await s.runCell(i, c); outputs.push(r.output + (r.reason ? "[" + r.reason + "]" : "")); }
      s.close();
      const notes = sandboxIsolation().notes;
      process.stdout.write(JSON.stringify({ outputs, notes }));
    })();`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120000,
  });
  return JSON.parse(stdout);
}

test("a submission cannot reach the network, not even a server on the grader's own loopback", async (t) => {
  const server = http.createServer((_, res) => res.end("secret answers"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const cell = `try { const r = await fetch("http://127.0.0.1:${port}/"); console.log("got: " + (await r.text())); } catch (e) { console.log("blocked: " + (e as Error).message); }`;
  try {
    const open = await runCells([cell], { MTL_GRADER_ISOLATION: "0" });
    assert.match(open.outputs[0], /got: secret answers/, "without isolation the cell reaches the server (so the test can fail)");
    const isolated = await runCells([cell]);
    if (!isolated.notes.some((n) => n.startsWith("network: a namespace"))) {
      t.skip(`this machine cannot isolate the network: ${isolated.notes.join("; ")}`);
      return;
    }
    assert.match(isolated.outputs[0], /blocked: fetch failed/);
  } finally {
    server.close();
  }
});

test("under root, each submission runs as a uid of its own (not root, not shared) and can write only its scratch folder", async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip("the grader is not root here, so there is no other user to switch to");
    return;
  }
  const cells = ['console.log("uid " + process.getuid());', 'require("fs").writeFileSync("mine.txt", "ok"); console.log("scratch write ok");'];
  const [a, b] = await Promise.all([runCells(cells), runCells(cells)]);
  if (!a.notes.includes("user: a uid of its own per submission")) {
    t.skip(`no uid of its own here: ${a.notes.join("; ")}`);
    return;
  }
  const uid = (o: { outputs: string[] }) => Number(/uid (\d+)/.exec(o.outputs[0])?.[1]);
  assert.ok(uid(a) >= 1_500_000_000 && uid(b) >= 1_500_000_000, `${a.outputs[0]} ${b.outputs[0]}`);
  assert.notEqual(uid(a), uid(b), "two sessions share a uid");
  assert.match(a.outputs[1], /scratch write ok/);
  const open = await runCells(cells, { MTL_GRADER_ISOLATION: "0" });
  assert.match(open.outputs[0], /uid 0/);
});

test("a submission sees only its own processes: it is process 1 of a PID namespace of its own", async (t) => {
  const cell = 'console.log("pid " + process.pid + " sees " + require("fs").readdirSync("/proc").filter((p: string) => /^\\d+$/.test(p)).length);';
  const isolated = await runCells([cell], { MTL_GRADER_NODE_PERMISSION: "0" });
  if (!isolated.notes.some((n) => n.startsWith("signals: a PID namespace"))) {
    t.skip(`no PID namespace here: ${isolated.notes.join("; ")}`);
    return;
  }
  assert.match(isolated.outputs[0], /^pid 1 sees 1\n/);
  const open = await runCells([cell], { MTL_GRADER_ISOLATION: "0", MTL_GRADER_NODE_PERMISSION: "0" });
  assert.doesNotMatch(open.outputs[0], /^pid 1 /);
});

/** A small grader run by `user` (or this process's user): a session that runs `attack` in an answer cell, then a probe. */
function graderAs(user: string | null, attackCell: string, env: Record<string, string>): { status: number | null; signal: string | null; stdout: string } {
  const script = `
    const { GradingSession, sandboxIsolation } = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))});
    (async () => {
      console.log(sandboxIsolation().notes.join("; "));
      const s = new GradingSession({ cellSeconds: 60 });
      await s.runCell(0, "function twice(x: number) { return 2 * x; }");
      const r = await s.runCell(1, ${JSON.stringify(attackCell)});
      console.log("attack cell: " + (r.reason ?? "ran"));
      console.log("probe after: " + JSON.stringify(await s.probe("twice", [21])));
      s.close();
      console.log("grader survived");
    })();`;
  const command = user
    ? ["runuser", "-u", user, "--", "env", ...Object.entries({ HOME: "/tmp", ...env }).map(([k, v]) => `${k}=${v}`), process.execPath]
    : [process.execPath];
  const r = spawnSync(command[0], [...command.slice(1), "--import", "tsx", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 180000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout };
}

const PPID_KILLER = fs.readFileSync(path.join(__dirname, "fixtures", "attacks-isolation", "ppid-killer.cell.txt"), "utf8");

test("run as a normal user, process.kill(process.ppid) in an answer does not kill the grader", (t) => {
  // The grader runs as nobody (a TA's laptop); as root here, runuser makes that possible.
  const user = process.getuid?.() === 0 ? "nobody" : null;
  const open = graderAs(user, PPID_KILLER, { MTL_GRADER_ISOLATION: "0" });
  // Killed by SIGKILL: directly, or through runuser, which exits with 128 + 9.
  assert.ok(
    open.signal === "SIGKILL" || open.status === 137,
    `without isolation the answer kills the grader (so the test can fail): ${open.status} ${open.signal} ${open.stdout}`,
  );
  for (const mode of ["", "no-namespaces"]) {
    const r = graderAs(user, PPID_KILLER, { MTL_GRADER_ISOLATION: mode });
    if (/signals: NOT isolated/.test(r.stdout) && !/lifetime: children die/.test(r.stdout)) {
      t.diagnostic(`mode "${mode}": neither namespaces nor setpriv here`);
      continue;
    }
    assert.equal(r.status, 0, `mode "${mode}": ${r.stdout}`);
    assert.match(r.stdout, /grader survived/);
    assert.match(r.stdout, /probe after: \{"ok":true,"value":42\}/);
  }
});

test("a grader killed mid-run takes its grading children with it, and the next start sweeps its scratch folder", async (t) => {
  const script = `
    const { GradingSession, sandboxIsolation } = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))});
    (async () => {
      const s = new GradingSession({ cellSeconds: 60 });
      await s.runCell(0, "setInterval(() => {}, 1000);");
      console.log(JSON.stringify({ base: require("path").dirname(s.scratch), notes: sandboxIsolation().notes }));
      setInterval(() => {}, 1000);
    })();`;
  const grader = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    grader.stdout.on("data", (c: Buffer) => {
      text += c.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0]);
    });
    grader.on("exit", () => reject(new Error(`the grader exited early: ${text}`)));
  });
  const { base, notes } = JSON.parse(line) as { base: string; notes: string[] };
  const holders = () =>
    fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p) && Number(p) !== grader.pid)
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(base);
        } catch {
          return false;
        }
      });
  assert.ok(holders().length > 0, "the grading child carries its scratch path");
  grader.kill("SIGKILL");
  await new Promise((r) => grader.once("exit", r));
  if (notes.some((n) => n.startsWith("lifetime: children die"))) {
    // The kernel delivers the parent-death signals at once; the wait is only an upper bound.
    for (let i = 0; i < 100 && holders().length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(holders(), [], "grading children outlived their grader");
  } else t.diagnostic("no parent-death signals here: the sweep at the next start ends the children");
  assert.ok(fs.existsSync(base), "a killed grader cannot remove its own folder");
  const next = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `const g = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))}); console.log(JSON.stringify(g.sweepStale()));`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(next.status, 0, next.stderr);
  assert.equal(fs.existsSync(base), false, `the next start did not sweep ${base}: ${next.stdout}`);
  assert.deepEqual(holders(), []);
});

test("a grader that exits with a session still open ends its child and removes its scratch folder", async () => {
  const script = `
    const { GradingSession } = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))});
    (async () => {
      const s = new GradingSession({ cellSeconds: 60 });
      await s.runCell(0, "setInterval(() => {}, 1000);");
      console.log(require("path").dirname(s.scratch));
      process.exit(0); // no s.close()
    })();`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 180000 });
  assert.equal(r.status, 0, r.stderr);
  const base = r.stdout.trim();
  assert.match(base, /mtl-grade-/);
  assert.equal(fs.existsSync(base), false, `${base} is left behind`);
  const holders = () =>
    fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(base);
        } catch {
          return false;
        }
      });
  // SIGKILL was sent before the grader exited; the wait only lets the kernel finish the exits.
  for (let i = 0; i < 100 && holders().length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(holders(), [], "the grading child outlived its grader");
});

test("a grading process that cannot start is reported as the grader's problem, not the submission's", async (t) => {
  const script = `
    const { GradingSession, sandboxIsolation } = require(${JSON.stringify(path.join(ROOT, "grader", "src", "session"))});
    (async () => {
      // 1 MB of memory: Node itself cannot start, before any student code runs.
      const s = new GradingSession({ cellSeconds: 30, memoryMb: 1 });
      const cell = await s.runCell(0, "function twice(x: number) { return 2 * x; }");
      const probe = await s.probe("twice", [21]);
      s.close();
      process.stdout.write(JSON.stringify({ cell, probe, notes: sandboxIsolation().notes }));
    })();`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 180000 });
  assert.equal(r.status, 0, r.stderr);
  const { cell, probe, notes } = JSON.parse(r.stdout) as { cell: { ok: boolean; reason?: string }; probe: { ok: boolean; error?: string }; notes: string[] };
  if (!notes.some((n) => n.startsWith("limits: memory"))) {
    t.skip("no memory limit here, so this start cannot be made to fail");
    return;
  }
  assert.equal(cell.ok, false);
  assert.match(cell.reason ?? "", /the grader could not start a grading process \(a problem on the grader's side, not in this submission; regrade it\)/);
  assert.match(probe.error ?? "", /a problem on the grader's side, not in this submission/);
});

test("the message channel stops at the first malformed frame and reports it once; whole frames pass in any chunking", () => {
  const got: unknown[] = [];
  const errors: string[] = [];
  const reader = new FrameReader(
    (m) => got.push(m),
    (why) => errors.push(why),
  );
  const frames = Buffer.concat([
    encodeFrame({ type: "cell-done", index: 1, output: "x".repeat(1000) }),
    encodeFrame({ type: "probe-result", key: "k", ok: true, value: [NaN, -0, 1e300] }),
  ]);
  for (let i = 0; i < frames.length; i += 7) reader.push(frames.subarray(i, i + 7));
  assert.deepEqual(got, [
    { type: "cell-done", index: 1, output: "x".repeat(1000) },
    { type: "probe-result", key: "k", ok: true, value: [NaN, -0, 1e300] },
  ]);
  const garbage = Buffer.alloc(64, 0xff);
  garbage.writeUInt32BE(60, 0);
  reader.push(garbage);
  reader.push(encodeFrame({ type: "ready" }));
  assert.equal(errors.length, 1);
  assert.match(errors[0], /do not decode/);
  assert.equal(got.length, 2, "nothing is read after the garbage");
  for (const bad of [
    Buffer.from([0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0, 0, 0, 0]),
    encodeFrame({ no: "type" } as never),
    Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from([0xff, 0x0f])]),
  ]) {
    const e: string[] = [];
    new FrameReader(
      () => assert.fail("a malformed frame was delivered"),
      (why) => e.push(why),
    ).push(bad);
    assert.equal(e.length, 1, bad.toString("hex"));
  }
});
