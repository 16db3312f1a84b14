/**
 * OS-level isolation of the grading child, on top of Node's permission model (which Node documents
 * as a seat belt, not a boundary): a network namespace with no interfaces but a downed loopback
 * (`unshare --net`), and, when the grader runs as root (Gradescope, CI), the unprivileged user
 * `nobody`. Each layer is probed once by actually starting a child that way; what the machine
 * cannot do is skipped and reported, never assumed. MTL_GRADER_ISOLATION=0 turns both off.
 */
import { spawnSync } from "child_process";

/** What the grading child gets, and why a layer is missing. */
export interface Isolation {
  /** A network namespace of its own: no route anywhere, not even to the host's loopback. */
  network: boolean;
  /** Runs as this user instead of the grader's. */
  user: { uid: number; gid: number } | null;
  /** One line per layer, for the grader's log. */
  notes: string[];
}

const NOBODY = { uid: 65534, gid: 65534 };
let cached: Isolation | null = null;

/** How to start `node args` with these layers: the command, its arguments and spawn's uid/gid. */
function command(network: boolean, user: Isolation["user"], args: string[]): { command: string; args: string[]; uid?: number; gid?: number } {
  if (!network) return { command: process.execPath, args, ...(user ?? {}) };
  // Root makes the namespace, then drops to the user (unshare also clears supplementary groups);
  // anyone else needs a user namespace of their own to make a network namespace.
  const flags = process.getuid?.() === 0 ? ["--net", ...(user ? ["--setgid", String(user.gid), "--setuid", String(user.uid)] : [])] : ["--map-root-user", "--net"];
  return { command: "unshare", args: [...flags, "--", process.execPath, ...args] };
}

/** Whether a child started this way can run Node and read `paths` (the child entry, its libraries). */
function works(paths: string[], network: boolean, user: Isolation["user"]): boolean {
  const check = ["-e", `for (const p of ${JSON.stringify(paths)}) require("fs").accessSync(p, require("fs").constants.R_OK)`];
  const c = command(network, user, check);
  const r = spawnSync(c.command, c.args, { stdio: "ignore", timeout: 20000, uid: c.uid, gid: c.gid });
  return r.status === 0;
}

/** Probes (once) which layers this machine offers for a child that must read `paths`. */
export function osIsolation(paths: string[]): Isolation {
  if (cached) return cached;
  if (process.env.MTL_GRADER_ISOLATION === "0" || process.platform !== "linux") {
    cached = { network: false, user: null, notes: ["OS isolation off (MTL_GRADER_ISOLATION=0 or not Linux): Node's permission model only"] };
    return cached;
  }
  const root = process.getuid?.() === 0;
  const candidates: Array<[boolean, Isolation["user"]]> = root ? [[true, NOBODY], [true, null], [false, NOBODY], [false, null]] : [[true, null], [false, null]];
  const [network, user] = candidates.find(([n, u]) => (n || u ? works(paths, n, u) : true)) as [boolean, Isolation["user"]];
  const notes = [
    network ? "network: a namespace of its own (no network at all)" : "network: not isolated (unshare --net is not permitted here)",
    user ? "user: nobody" : root ? "user: root (nobody cannot read the kit here)" : "user: the grader's own (not root, so no other user to switch to)",
  ];
  cached = { network, user, notes };
  return cached;
}

/** The command that starts `node args` under `iso` (pass uid and gid on to spawn). */
export function isolatedCommand(iso: Isolation, args: string[]): { command: string; args: string[]; uid?: number; gid?: number } {
  return command(iso.network, iso.user, args);
}
