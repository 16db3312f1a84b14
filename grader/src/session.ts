/**
 * The trusted side's handle on one untrusted child (child.ts): it runs cells and probes under time
 * limits, and when the child hangs, exits or runs out of memory it kills the whole process group,
 * starts a fresh child, replays the cells that had run cleanly, and goes on.
 *
 * Isolation here: a fresh scratch directory outside the repository, a heap cap, Node's permission
 * model (no child processes or workers, file reads limited to the libraries and the scratch
 * directory, writes to the scratch directory only), and the OS layers of isolation.ts (a PID,
 * network and mount namespace of its own, a uid of its own, limits on memory, disk and processes),
 * each where the machine allows. Node documents its permission model as a seat belt, not a security
 * boundary. Messages travel over a checked channel (channel.ts), so bytes a submission writes into
 * it cost only that submission. Scores never depend on anything the child says about itself.
 *
 * Children die with the grader (parent-death signals); scratch folders of sessions still open when
 * the grader exits are removed then, and those of a grader that was killed at the next start.
 */
import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Readable } from "stream";
import { encodeFrame, FrameReader } from "./channel";
import { isolatedCommand, jobUid, osIsolation, type ChildPlan, type Isolation } from "./isolation";

/** Limits of a grading session. */
export interface SessionLimits {
  /** Per cell. Default 60. */
  cellSeconds?: number;
  /** Per call of a graded function. Default 60. */
  probeSeconds?: number;
  /** The whole submission: its cells and every probe together. Default 600 (Gradescope's limit). */
  submissionSeconds?: number;
  /** The V8 heap. Default 768. */
  heapMb?: number;
  /** Writable memory of the whole child process (heap, Buffers, WASM). Default: the heap + 1024. */
  memoryMb?: number;
  /** The scratch folder (a tmpfs where the machine allows) and any one file. Default 200. */
  scratchMb?: number;
  /** Processes and threads of the child (with a uid of its own). Default 256. */
  processes?: number;
}

/** What happened to one cell. */
export interface CellRun {
  index: number;
  ok: boolean;
  output: string;
  /** Why the cell failed when it was not a plain error: timeout, exit, crash. */
  reason?: string;
}

/** The result of one probe. */
export type ProbeResult = { ok: true; value: unknown } | { ok: false; error: string };

/** A failure on the grader's side (a grading process that would not start), not the submission's fault. */
export class GraderFault extends Error {
  constructor(why: string) {
    super(`the grader could not start a grading process (a problem on the grader's side, not in this submission; regrade it): ${why}`);
    this.name = "GraderFault";
  }
}

/** Scratch folders are named so; each holds owner.json naming the grader process that made it. */
const SCRATCH_PREFIX = "mtl-grade-";

/**
 * Where the code a submission runs lives, found from the packages themselves (never from the
 * grader's own folder or the working directory): the node_modules folder holding tslab (linked
 * into every scratch folder so that imports resolve), the course library's folder, and the course's
 * data folder, which the library finds beside itself.
 */
export function runtimePaths(): { nodeModules: string; kit: string; data: string } {
  const tslab = fs.realpathSync(path.dirname(require.resolve("tslab/package.json")));
  const kit = fs.realpathSync(path.dirname(require.resolve("mtl-kit/package.json")));
  return { nodeModules: path.dirname(tslab), kit, data: path.join(path.dirname(kit), "data") };
}

let childCode: string | null = null;

/**
 * The child's code as one plain JavaScript file, bundled (once per grader process) from child.ts
 * when the grader runs from source or from child.js when it is built. Either way the child runs on
 * plain Node with no loader, so the permission flags apply in both cases (a TypeScript loader needs
 * worker threads, which the permission model forbids). Packages stay outside the bundle and
 * resolve from the scratch folder's node_modules link.
 */
export function childBundle(): string {
  if (childCode !== null) return childCode;
  const entry = ["child.js", "child.ts"].map((f) => path.join(__dirname, f)).find((f) => fs.existsSync(f));
  if (!entry) throw new GraderFault(`the grading child's code is missing from ${__dirname}`);
  // Loaded only here: bundling is the one use of esbuild.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const built = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  childCode = built.outputFiles[0].text;
  return childCode;
}

/** The file name of the child's code inside a session's base folder. */
const CHILD_FILE = "grading-child.js";

/**
 * Node's permission model for a child reading `reads` and writing `write`: the flags to pass, or
 * null with the reason it is not applied. MTL_GRADER_NODE_PERMISSION=0 leaves it out on purpose
 * (so tests can show that the OS layers hold on their own); a Node without the model cannot apply it.
 */
export function nodePermission(
  reads: string[],
  write: string,
  allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): { flags: string[] | null; note: string } {
  if (process.env.MTL_GRADER_NODE_PERMISSION === "0")
    return { flags: null, note: "Node's permission model: NOT applied (turned off with MTL_GRADER_NODE_PERMISSION=0)" };
  const flag = allowed.has("--permission") ? "--permission" : allowed.has("--experimental-permission") ? "--experimental-permission" : null;
  if (!flag) return { flags: null, note: `Node's permission model: NOT applied (Node ${process.version} has none)` };
  // One flag per path (Node 20.20 does not split comma lists); "/*" allows a folder's contents.
  const flags = [flag, "--disable-warning=ExperimentalWarning", ...reads.map((p) => `--allow-fs-read=${p}/*`), `--allow-fs-write=${write}/*`];
  return {
    flags,
    note: "Node's permission model: on (no child processes or workers; reads limited to the libraries, the data and the scratch folder; writes to the scratch folder only)",
  };
}

/** Whether grading may go on without Node's permission model (the staff's explicit choice). */
let withoutPermissionAllowed = process.env.MTL_GRADER_NODE_PERMISSION === "0";

/** Lets sessions start without Node's permission model; only an explicit choice of the staff calls this. */
export function allowWithoutNodePermission(allow = true): void {
  withoutPermissionAllowed = allow;
}

/**
 * Every layer of isolation a grading child gets here, one line each (Node's permission model first,
 * then the OS layers), and why grading must not go on, if so: the permission model is not applied
 * and the staff did not allow that explicitly.
 */
export function isolationReport(): { notes: string[]; refusal: string | null } {
  const permission = nodePermission([], os.tmpdir());
  return { notes: [permission.note, ...sandboxIsolation().notes], refusal: permissionRefusal(permission, withoutPermissionAllowed) };
}

/** Why grading must not start with `permission`, or null: it is applied, or going without it was `allowed`. */
export function permissionRefusal(permission: { flags: string[] | null; note: string }, allowed: boolean): string | null {
  return permission.flags || allowed
    ? null
    : `${permission.note}; refusing to grade without it (pass --without-node-permission to rely on the OS layers alone)`;
}

/** When a process started (field 22 of /proc/PID/stat), to tell a live owner from a reused pid. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

const OWNER = { pid: process.pid, start: process.platform === "linux" ? startTime(process.pid) : null };

/** The OS isolation grading children get on this machine (probed once; see isolation.ts). */
export function sandboxIsolation(): Isolation {
  const { nodeModules, kit, data } = runtimePaths();
  return osIsolation([path.join(nodeModules, "tslab", "package.json"), path.join(kit, "package.json"), data], () => {
    const work = makeScratch();
    return { base: path.dirname(work), work, remove: () => fs.rmSync(path.dirname(work), { recursive: true, force: true }) };
  });
}

/** A fresh scratch directory whose parent links the kit's node_modules, so imports resolve. */
export function makeScratch(): string {
  sweepStale();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), SCRATCH_PREFIX));
  fs.writeFileSync(path.join(base, "owner.json"), JSON.stringify(OWNER));
  fs.symlinkSync(runtimePaths().nodeModules, path.join(base, "node_modules"), "dir");
  const work = path.join(base, "work");
  fs.mkdirSync(work);
  return work;
}

let swept = false;

/**
 * Removes what graders that died left behind (once per process): their children (every process
 * of the chain carries its scratch path on its command line) and their scratch folders. A folder
 * is stale when the process named in its owner.json is gone (or its pid now belongs to another).
 */
export function sweepStale(): { processes: number; folders: number } {
  const count = { processes: 0, folders: 0 };
  if (swept) return count;
  swept = true;
  const stale: string[] = [];
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const base = path.join(os.tmpdir(), name);
    try {
      const owner = JSON.parse(fs.readFileSync(path.join(base, "owner.json"), "utf8")) as { pid: number; start: string | null };
      if (owner.start !== null && startTime(owner.pid) === owner.start) continue;
      if (owner.start === null && owner.pid === process.pid) continue;
    } catch {
      continue; // not ours to judge (no owner.json, or one being written)
    }
    stale.push(base);
  }
  if (!stale.length) return count;
  if (fs.existsSync("/proc")) {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let cmdline = "";
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        continue;
      }
      if (stale.some((base) => cmdline.includes(base + "\0") || cmdline.includes(base + "/"))) {
        try {
          process.kill(Number(pid), "SIGKILL");
          count.processes++;
        } catch {
          /* gone, or not ours */
        }
      }
    }
  }
  for (const base of stale) {
    try {
      fs.rmSync(base, { recursive: true, force: true });
      count.folders++;
    } catch {
      /* another user's, or busy: left for its owner */
    }
  }
  return count;
}

/** Sessions not closed yet: their children and folders are ended and removed when the grader exits. */
const open = new Set<GradingSession>();
let exitHooks = false;

function installExitHooks(): void {
  if (exitHooks) return;
  exitHooks = true;
  process.on("exit", () => {
    for (const s of [...open]) s.close();
  });
  // A grader stopped with Ctrl-C or `kill` cleans up, then dies of the same signal as it would have.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const s of [...open]) s.close();
      process.kill(process.pid, signal);
    });
  }
}

/** What a failed cell's output says about a limit it ran into, if anything. */
function limitHint(output: string, plan: ChildPlan): string | null {
  if (/Array buffer allocation failed|Cannot allocate memory|ENOMEM|heap out of memory|Reached heap limit/i.test(output))
    return `hit the memory limit (${plan.memoryMb} MB for the whole process)`;
  if (/ENOSPC|no space left on device/i.test(output)) return `filled its scratch folder (the limit is ${plan.scratchMb} MB)`;
  if (/EFBIG|file too large/i.test(output)) return `wrote a file larger than the ${plan.scratchMb} MB limit`;
  if (/EAGAIN|resource temporarily unavailable/i.test(output)) return `hit the limit of ${plan.processes} processes and threads`;
  return null;
}

/** Why a child exited, in words, with the limit it most likely hit. */
function exitReason(code: number | null, signal: NodeJS.Signals | null, plan: ChildPlan, heapMb: number): string {
  // A shell between child and grader reports a signal as 128 + its number.
  const sig =
    signal ??
    (code !== null && code > 128
      ? ((Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined) ?? null)
      : null);
  if (sig === "SIGXFSZ") return `was stopped for writing a file larger than the ${plan.scratchMb} MB limit (SIGXFSZ)`;
  if (sig === "SIGABRT" || sig === "SIGTRAP" || sig === "SIGSEGV" || sig === "SIGILL" || sig === "SIGBUS")
    return `crashed (${sig}), most likely out of memory: the limit is ${heapMb} MB of V8 heap and ${plan.memoryMb} MB for the whole process`;
  if (sig) return `was killed (${sig})`;
  return `exited with code ${code}`;
}

export class GradingSession {
  private child: ChildProcess | null = null;
  /** Bumped for every child, so events of a killed child cannot answer its successor's waits. */
  private generation = 0;
  private readonly cleanCells: Array<{ index: number; source: string }> = [];
  private readonly waiters = new Map<string, (msg: Record<string, unknown>) => void>();
  private readonly deadline: number;
  private readonly plan: ChildPlan;
  private closed = false;
  readonly scratch: string;

  constructor(private readonly limits: SessionLimits = {}) {
    this.scratch = makeScratch();
    this.deadline = Date.now() + (limits.submissionSeconds ?? 600) * 1000;
    const heap = limits.heapMb ?? 768;
    this.plan = {
      base: path.dirname(this.scratch),
      work: this.scratch,
      memoryMb: limits.memoryMb ?? heap + 1024,
      scratchMb: limits.scratchMb ?? 200,
      processes: limits.processes ?? 256,
    };
    open.add(this);
    installExitHooks();
  }

  /** Seconds left of the submission's time limit. */
  secondsLeft(): number {
    return (this.deadline - Date.now()) / 1000;
  }

  /** Why nothing more runs, once the submission's time is up (null while time is left). */
  outOfTime(): string | null {
    return this.secondsLeft() > 0 ? null : `the submission used up its ${this.limits.submissionSeconds ?? 600} s time limit`;
  }

  /** The wait for one cell or probe: its own limit, cut short by the submission's. */
  private budget(seconds: number): { seconds: number; why: string } {
    const left = this.secondsLeft();
    return left < seconds
      ? { seconds: Math.max(0, left), why: `did not finish before the submission's ${this.limits.submissionSeconds ?? 600} s time limit` }
      : { seconds, why: "" };
  }

  /** Answers every pending wait with the child's end, and stops it. */
  private fail(reason: string): void {
    const waiters = [...this.waiters.values()];
    this.kill();
    for (const resolve of waiters) resolve({ type: "exit", reason, explained: true });
  }

  private async start(): Promise<void> {
    const base = this.plan.base;
    const file = path.join(base, CHILD_FILE);
    fs.writeFileSync(file, childBundle());
    const { nodeModules, kit, data } = runtimePaths();
    // Only what the cells need: the libraries, the data and their own scratch folder (never all of /tmp: a checkout may live there).
    const permission = nodePermission([nodeModules, kit, data, base], base);
    const refusal = permissionRefusal(permission, withoutPermissionAllowed);
    if (refusal) throw new GraderFault(refusal);
    const iso = sandboxIsolation();
    if (iso.perJobUser && this.plan.uid === undefined) {
      this.plan.uid = jobUid();
      // The child's user needs to reach its scratch folder (and only that one is writable to it).
      fs.chmodSync(base, 0o711);
      fs.chownSync(this.scratch, this.plan.uid, this.plan.uid);
    }
    // The scratch path after the entry marks every process of the chain, for sweepStale.
    const nodeArgs = [`--max-old-space-size=${this.limits.heapMb ?? 768}`, ...(permission.flags ?? []), file, base];
    const { command, args } = isolatedCommand(iso, this.plan, nodeArgs);
    const debug = process.env.MTL_GRADER_DEBUG ? "inherit" : "ignore";
    const child = spawn(command, args, {
      cwd: this.scratch,
      // The child's own stdout/stderr are discarded (cell output travels over the channel, capped);
      // set MTL_GRADER_DEBUG=1 to see them when the grader itself misbehaves. Fd 3 is the channel.
      stdio: ["ignore", debug, debug, "pipe"],
      detached: true,
      // Submissions never load the native BLAS addon, also when the permission model (which refuses
      // addons) is switched off: every submission computes on the same kernels as the reference.
      env: { PATH: process.env.PATH ?? "", MTL_BACKEND: process.env.MTL_BACKEND ?? "", MTL_NATIVE_BLAS: "0", HOME: this.scratch },
    });
    this.child = child;
    const generation = ++this.generation;
    const reader = new FrameReader(
      (msg) => {
        if (generation !== this.generation) return;
        const key = msg.type === "probe-result" ? `probe:${msg.key}` : msg.type === "cell-done" ? `cell:${msg.index}` : String(msg.type);
        this.waiters.get(key)?.(msg);
      },
      (what) => {
        if (generation === this.generation) this.fail(`wrote ${what} into the grader's message channel (only the grader may write there)`);
      },
    );
    const channel = child.stdio[3] as Readable;
    channel.on("data", (chunk: Buffer) => reader.push(chunk));
    channel.on("error", () => {
      /* the child's end closed: its exit says why */
    });
    child.on("error", (e) => {
      if (generation === this.generation) this.fail(`could not be started (${e.message})`);
    });
    child.on("exit", (code, signal) => {
      if (generation !== this.generation) return;
      if (this.child === child) this.child = null;
      const reason = exitReason(code, signal, this.plan, this.limits.heapMb ?? 768);
      for (const [, resolve] of this.waiters) resolve({ type: "exit", reason });
    });
    const ready = await this.wait("ready", 60);
    if (ready.type !== "ready") throw new GraderFault(ready.type === "timeout" ? "it did not answer within 60 s" : String(ready.reason));
  }

  private send(msg: Record<string, unknown>): void {
    (this.child?.stdio[3] as NodeJS.WritableStream | undefined)?.write(encodeFrame(msg));
  }

  private wait(key: string, seconds: number): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ type: "timeout" }), seconds * 1000);
      const finish = (msg: Record<string, unknown>) => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(msg);
      };
      this.waiters.set(key, finish);
    });
  }

  private kill(): void {
    const child = this.child;
    this.child = null;
    this.generation++;
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }

  /** Starts a fresh child and replays the cells that ran cleanly before. */
  private async restart(): Promise<void> {
    this.kill();
    await this.start();
    for (const cell of this.cleanCells) {
      const waiting = this.wait(`cell:${cell.index}`, this.limits.cellSeconds ?? 60);
      this.send({ type: "cell", index: cell.index, source: cell.source });
      const msg = await waiting;
      if (msg.type !== "cell-done") throw new Error("a cell that ran before failed on replay");
    }
  }

  /** Runs one cell; a hang, exit or crash is reported and the session recovers. */
  async runCell(index: number, source: string): Promise<CellRun> {
    const late = this.outOfTime();
    if (late) return { index, ok: false, output: "", reason: `was not run: ${late}` };
    if (!this.child) {
      try {
        await this.restart();
      } catch (e) {
        if (e instanceof GraderFault) return { index, ok: false, output: "", reason: `was not run: ${e.message}` };
        throw e;
      }
    }
    const budget = this.budget(this.limits.cellSeconds ?? 60);
    const waiting = this.wait(`cell:${index}`, budget.seconds);
    this.send({ type: "cell", index, source });
    const msg = await waiting;
    if (msg.type === "cell-done") {
      const output = String(msg.output ?? "");
      if (msg.ok) this.cleanCells.push({ index, source });
      const hint = msg.ok ? null : limitHint(output, this.plan);
      return { index, ok: Boolean(msg.ok), output, ...(hint ? { reason: `failed: it ${hint}` } : {}) };
    }
    const reason =
      msg.type === "timeout"
        ? budget.why || `did not finish within ${this.limits.cellSeconds ?? 60} s (infinite loop?)`
        : `stopped the grading process: it ${msg.reason}${msg.explained ? "" : " (process.exit, an uncaught error in a callback, or too much memory)"}`;
    this.kill();
    return { index, ok: false, output: "", reason };
  }

  /** Calls function `fn` of the submission on `args`; the result comes back as plain data. */
  async probe(fn: string, args: unknown[]): Promise<ProbeResult> {
    const late = this.outOfTime();
    if (late) return { ok: false, error: `not run: ${late}` };
    if (!this.child) {
      try {
        await this.restart();
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    }
    const key = randomBytes(12).toString("hex");
    const budget = this.budget(this.limits.probeSeconds ?? 60);
    const waiting = this.wait(`probe:${key}`, budget.seconds);
    this.send({ type: "probe", key, fn, args });
    const msg = await waiting;
    if (msg.type === "probe-result") {
      if (msg.ok) return { ok: true, value: msg.value };
      const hint = limitHint(String(msg.error), this.plan);
      return { ok: false, error: hint ? `${String(msg.error)} (it ${hint})` : String(msg.error) };
    }
    this.kill();
    return {
      ok: false,
      error:
        msg.type === "timeout" ? budget.why || `did not return within ${this.limits.probeSeconds ?? 60} s` : `the grading process stopped: it ${msg.reason}`,
    };
  }

  /** Ends the child and removes the scratch directory. */
  close(): void {
    this.kill();
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    fs.rmSync(path.dirname(this.scratch), { recursive: true, force: true });
  }
}
