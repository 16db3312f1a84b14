/** Throw-away Unix accounts for tests that need real users (JupyterHub's LocalProcessSpawner). Root only. */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";

/** Whether a user of that name exists on this machine. */
export function userExists(name: string): boolean {
  return spawnSync("getent", ["passwd", name], { stdio: "ignore" }).status === 0;
}

/** Creates a user with its home at `home`; refuses a name that already exists (it is not ours to remove). */
export function createUser(name: string, home: string): void {
  if (userExists(name)) throw new Error(`a user named ${name} already exists on this machine; the test will not reuse or remove it`);
  execFileSync("useradd", ["--create-home", "--home-dir", home, "--shell", "/bin/sh", "--comment", "course test (throw-away)", name], { stdio: "pipe" });
}

/** The uid of a user. */
export function uidOf(name: string): number {
  return Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
}

/** Process ids of everything running as that user (read from /proc, so no procps is needed). */
function processesOf(name: string): number[] {
  const uid = String(uidOf(name));
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      if (status.match(/^Uid:\s+(\d+)/m)?.[1] === uid) pids.push(Number(entry));
    } catch {
      /* it ended while we looked */
    }
  }
  return pids;
}

/** Runs a command as that user; returns its exit status and output. */
export function runAs(name: string, command: string[]): { status: number | null; output: string } {
  const r = spawnSync("runuser", ["-u", name, "--", ...command], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/**
 * Ends every process of a throw-away user (its own processes only, listed by that user's name) and
 * removes the account. The home folder is left to the caller's temp-dir cleanup.
 */
export async function removeUser(name: string): Promise<void> {
  if (!userExists(name)) return;
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    for (const pid of processesOf(name)) {
      try {
        process.kill(pid, signal);
      } catch {
        /* gone already */
      }
    }
    for (let i = 0; i < 25 && processesOf(name).length; i++) await new Promise((r) => setTimeout(r, 200));
  }
  execFileSync("userdel", [name], { stdio: "pipe" });
}

/** The same as removeUser without waiting (SIGKILL at once), for a test process that is being interrupted. */
export function removeUserSync(name: string): void {
  if (!userExists(name)) return;
  for (const pid of processesOf(name)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone already */
    }
  }
  spawnSync("userdel", [name], { stdio: "ignore" });
}
