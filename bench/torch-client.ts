/**
 * The PyTorch side of the benchmark as a long-lived child (torch_twin.py, one thread): requests go
 * one JSON line at a time, so PyTorch and tfjs blocks can alternate in rounds and both sides see
 * the same load on a shared machine.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "child_process";
import * as path from "path";
import { createInterface } from "readline";
import { findPython } from "../scripts/jupyter";

/** A running torch_twin.py. */
export class TorchTwin {
  private readonly waiting: Array<(line: string) => void> = [];
  private exited: string | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly version: string,
  ) {}

  /** Starts the twin on one thread; rejects with the reason when Python or PyTorch is missing. */
  static async start(): Promise<TorchTwin> {
    const python = findPython(["torch"]) ?? "/usr/bin/python3";
    const child = spawn(python, [path.join(__dirname, "torch_twin.py")], {
      env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const twin = new TorchTwin(child, "");
    createInterface({ input: child.stdout }).on("line", (line) => twin.waiting.shift()?.(line));
    child.on("exit", (code) => {
      twin.exited = `PyTorch twin exited (${code}): ${stderr.trim().split("\n").slice(-1)[0] ?? ""}`;
      for (const w of twin.waiting.splice(0)) w(JSON.stringify({ error: twin.exited }));
    });
    child.on("error", (e) => {
      twin.exited = `PyTorch twin could not start: ${e.message}`;
      for (const w of twin.waiting.splice(0)) w(JSON.stringify({ error: twin.exited }));
    });
    const hello = await twin.ask({ threads: 1 });
    if (hello.error) {
      twin.stop();
      throw new Error(String(hello.error));
    }
    return Object.assign(twin, { version: String(hello.torch) });
  }

  /** Milliseconds per step of `model` (its PyTorch spec) at `batch`, over one block of `reps` steps. */
  async stepMs(model: Record<string, unknown>, batch: number, reps: number): Promise<number> {
    const r = await this.ask({ op: "step", model, batch, reps });
    if (r.error) throw new Error(String(r.error));
    return Number(r.ms);
  }

  /** GFLOP/s of a 1024² matmul on one thread. */
  async peakGflops(): Promise<number> {
    const r = await this.ask({ op: "peak" });
    if (r.error) throw new Error(String(r.error));
    return Number(r.peak_gflops);
  }

  /** Ends the child. */
  stop(): void {
    this.child.stdin.end();
  }

  private ask(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.resolve({ error: this.exited });
    return new Promise((resolve) => {
      this.waiting.push((line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          resolve({ error: `PyTorch twin said: ${line.slice(0, 200)}` });
        }
      });
      this.child.stdin.write(JSON.stringify(request) + "\n");
    });
  }
}
