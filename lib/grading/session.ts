/**
 * The trusted side's handle on one untrusted child (child.ts): it runs cells and probes under time
 * limits, and when the child hangs, exits or runs out of memory it kills the whole process group,
 * starts a fresh child, replays the cells that had run cleanly, and goes on.
 *
 * Isolation here: a fresh scratch directory outside the repository, a heap cap, and Node's
 * permission model (no child processes or workers, file reads limited to the libraries and the
 * scratch directory, writes to the scratch directory only). Node documents its permission model as
 * a seat belt, not a security boundary; running the grader as an unprivileged user in a container
 * (as Gradescope does) is the boundary. Scores never depend on anything the child says about itself.
 */
import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isolatedCommand, osIsolation, type Isolation } from "./isolation";

/** Limits of a grading session. */
export interface SessionLimits {
  /** Per cell. Default 60. */
  cellSeconds?: number;
  /** Per call of a graded function. Default 60. */
  probeSeconds?: number;
  /** The whole submission: its cells and every probe together. Default 600 (Gradescope's limit). */
  submissionSeconds?: number;
  heapMb?: number;
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

const ROOT = path.resolve(__dirname, "..", "..");

/** The compiled child entry (lib/dist/grading/child.js), or the TypeScript source under tsx. */
function childEntry(): { file: string; execArgv: string[] } {
  const compiled = path.join(ROOT, "lib", "dist", "grading", "child.js");
  if (fs.existsSync(compiled)) return { file: compiled, execArgv: [] };
  return { file: path.join(__dirname, "child.ts"), execArgv: ["--import", "tsx"] };
}

/** The OS isolation grading children get on this machine (probed once; see isolation.ts). */
export function sandboxIsolation(): Isolation {
  return osIsolation([childEntry().file, path.join(ROOT, "node_modules", "tslab", "package.json"), path.join(ROOT, "data")]);
}

/** A fresh scratch directory whose parent links the kit's node_modules, so imports resolve. */
export function makeScratch(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-grade-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(base, "node_modules"), "dir");
  const work = path.join(base, "work");
  fs.mkdirSync(work);
  return work;
}

export class GradingSession {
  private child: ChildProcess | null = null;
  /** Bumped for every child, so events of a killed child cannot answer its successor's waits. */
  private generation = 0;
  private readonly cleanCells: Array<{ index: number; source: string }> = [];
  private readonly waiters = new Map<string, (msg: Record<string, unknown>) => void>();
  private readonly deadline: number;
  readonly scratch: string;

  constructor(private readonly limits: SessionLimits = {}) {
    this.scratch = makeScratch();
    this.deadline = Date.now() + (limits.submissionSeconds ?? 600) * 1000;
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
    return left < seconds ? { seconds: Math.max(0, left), why: `did not finish before the submission's ${this.limits.submissionSeconds ?? 600} s time limit` } : { seconds, why: "" };
  }

  private async start(): Promise<void> {
    const { file, execArgv } = childEntry();
    const base = path.dirname(this.scratch);
    // Only what the cells need: the libraries, the data and their own scratch folder (never all of /tmp: a checkout may live there).
    const reads = [path.join(ROOT, "node_modules"), path.join(ROOT, "lib"), path.join(ROOT, "data"), base];
    // One flag per path (Node 20.20 does not split comma lists); "/*" allows a folder's contents.
    const permission = ["--experimental-permission", "--disable-warning=ExperimentalWarning", ...reads.map((p) => `--allow-fs-read=${p}/*`), `--allow-fs-write=${base}/*`];
    const iso = sandboxIsolation();
    if (iso.user) {
      // The child's user needs to reach its scratch folder (and only that one is writable to it).
      fs.chmodSync(base, 0o711);
      fs.chownSync(this.scratch, iso.user.uid, iso.user.gid);
    }
    const nodeArgs = [...execArgv, `--max-old-space-size=${this.limits.heapMb ?? 768}`, ...(execArgv.length ? [] : permission), file];
    const { command, args, uid, gid } = isolatedCommand(iso, nodeArgs);
    // spawn rather than fork, so that unshare can sit between; the IPC channel survives its exec.
    const child = spawn(command, args, {
      cwd: this.scratch,
      uid,
      gid,
      serialization: "advanced",
      // The child's own stdout/stderr are discarded (cell output travels over IPC, capped); set
      // MTL_GRADER_DEBUG=1 to see them when the grader itself misbehaves.
      stdio: ["ignore", process.env.MTL_GRADER_DEBUG ? "inherit" : "ignore", process.env.MTL_GRADER_DEBUG ? "inherit" : "ignore", "ipc"],
      detached: true,
      env: { PATH: process.env.PATH ?? "", MTL_BACKEND: process.env.MTL_BACKEND ?? "", HOME: this.scratch },
    });
    this.child = child;
    const generation = ++this.generation;
    child.on("message", (msg: Record<string, unknown>) => {
      if (generation !== this.generation) return;
      const key = msg.type === "probe-result" ? `probe:${msg.key}` : msg.type === "cell-done" ? `cell:${msg.index}` : String(msg.type);
      this.waiters.get(key)?.(msg);
    });
    child.on("exit", (code, signal) => {
      if (generation !== this.generation) return;
      if (this.child === child) this.child = null;
      for (const [, resolve] of this.waiters) resolve({ type: "exit", reason: signal ? `was killed (${signal})` : `exited with code ${code}` });
    });
    const ready = await this.wait("ready", 60);
    if (ready.type !== "ready") throw new Error(`the grading process did not start: ${ready.reason}`);
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
      this.child!.send({ type: "cell", index: cell.index, source: cell.source });
      const msg = await this.wait(`cell:${cell.index}`, this.limits.cellSeconds ?? 60);
      if (msg.type !== "cell-done") throw new Error("a cell that ran before failed on replay");
    }
  }

  /** Runs one cell; a hang, exit or crash is reported and the session recovers. */
  async runCell(index: number, source: string): Promise<CellRun> {
    const late = this.outOfTime();
    if (late) return { index, ok: false, output: "", reason: `was not run: ${late}` };
    if (!this.child) await this.restart();
    this.child!.send({ type: "cell", index, source });
    const budget = this.budget(this.limits.cellSeconds ?? 60);
    const msg = await this.wait(`cell:${index}`, budget.seconds);
    if (msg.type === "cell-done") {
      if (msg.ok) this.cleanCells.push({ index, source });
      return { index, ok: Boolean(msg.ok), output: String(msg.output ?? "") };
    }
    const reason = msg.type === "timeout" ? budget.why || `did not finish within ${this.limits.cellSeconds ?? 60} s (infinite loop?)` : `stopped the grading process: it ${msg.reason} (process.exit, an uncaught error in a callback, or too much memory)`;
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
    this.child!.send({ type: "probe", key, fn, args });
    const budget = this.budget(this.limits.probeSeconds ?? 60);
    const msg = await this.wait(`probe:${key}`, budget.seconds);
    if (msg.type === "probe-result") return msg.ok ? { ok: true, value: msg.value } : { ok: false, error: String(msg.error) };
    this.kill();
    return { ok: false, error: msg.type === "timeout" ? budget.why || `did not return within ${this.limits.probeSeconds ?? 60} s` : `the grading process stopped: it ${msg.reason}` };
  }

  /** Ends the child and removes the scratch directory. */
  close(): void {
    this.kill();
    fs.rmSync(path.dirname(this.scratch), { recursive: true, force: true });
  }
}
