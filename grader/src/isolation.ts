/**
 * OS-level isolation of the grading child, on top of Node's permission model (which Node documents
 * as a seat belt, not a boundary). Layers, each probed once by actually starting a child that way;
 * what the machine cannot do is skipped and reported at start, never assumed:
 *
 * - pid: a PID namespace of its own (`unshare --pid --fork --mount-proc`): the child is process 1 of
 *   its namespace and can see and signal nothing outside its own tree (not the grader, not a
 *   classmate graded beside it). When its process 1 dies, the kernel kills the rest of the tree.
 * - network: a network namespace with no interfaces but a downed loopback (`unshare --net`).
 * - mount: a mount namespace in which the scratch folder is a size-limited tmpfs: a disk filler
 *   fills only its own memory-backed folder, which vanishes with the namespace.
 * - user: under root, a uid of its own per submission (so per-user limits and signals are per
 *   submission); without root, a user namespace (`unshare --user --map-root-user`) when the kernel
 *   allows unprivileged ones, which the other layers need.
 * - supervisor: a parent-death signal on every link of the chain (`setpriv --pdeathsig KILL`), so
 *   a grader that dies takes its children with it; without a PID namespace, an intermediate shell
 *   stands between the child and the grader, so `process.kill(process.ppid)` cannot reach it.
 * - limits: `prlimit` caps the whole process's writable memory (RLIMIT_DATA: the V8 heap, Buffers
 *   and WASM memory alike, while leaving WASM's address-space reservation alone, which RLIMIT_AS
 *   would break), the size of any file it writes (RLIMIT_FSIZE) and, with a uid of its own, the
 *   number of its processes and threads (RLIMIT_NPROC).
 *
 * MTL_GRADER_ISOLATION=0 turns every OS layer off; MTL_GRADER_ISOLATION=no-root probes as if the
 * grader were not root (the case of a TA's laptop), and MTL_GRADER_ISOLATION=no-namespaces as if the
 * kernel offered no namespaces at all.
 */
import { spawnSync } from "child_process";
import { randomInt } from "crypto";
import * as fs from "fs";

/** The layers a grading child gets on this machine. */
export interface Isolation {
  /** A PID namespace of its own: it can signal nothing outside its own tree. */
  pid: boolean;
  /** A network namespace of its own: no route anywhere, not even to the host's loopback. */
  network: boolean;
  /** A mount namespace of its own, with a size-limited tmpfs as scratch folder. */
  mount: boolean;
  /** The namespaces come from an unprivileged user namespace (the grader is not root). */
  userNamespace: boolean;
  /** Each child runs as a uid of its own (the grader is root). */
  perJobUser: boolean;
  /** Parent-death signals (and, without a PID namespace, a shell between child and grader). */
  supervisor: boolean;
  /** prlimit caps memory, file size and (with a uid of its own) processes. */
  limits: boolean;
  /** One line per layer, for the grader's log. */
  notes: string[];
}

/** What one child gets: its folders, its uid, its limits. */
export interface ChildPlan {
  /** The session's base folder (holds `work`; its path marks the child's command line). */
  base: string;
  /** The scratch folder the child runs in. */
  work: string;
  /** The child's uid and gid when `perJobUser`. */
  uid?: number;
  /** Writable memory of the whole process, in MB. */
  memoryMb: number;
  /** Size of the scratch tmpfs and of any one file, in MB. */
  scratchMb: number;
  /** Processes and threads of the child's uid. */
  processes: number;
}

/** Uids handed to grading children: far above any account a distribution creates. */
export const JOB_UID_BASE = 1_500_000_000;
const JOB_UID_SPAN = 500_000_000;

/** A fresh uid for one child; random, so that two graders on one machine do not share one. */
export function jobUid(): number {
  return JOB_UID_BASE + randomInt(JOB_UID_SPAN);
}

let cached: Isolation | null = null;

function has(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore", timeout: 10000 }).status === 0;
}

type Layers = Pick<Isolation, "pid" | "network" | "mount" | "userNamespace" | "perJobUser" | "supervisor" | "limits">;

/**
 * The command that starts `node nodeArgs` with these layers. Inside the namespaces a short shell
 * script mounts the scratch tmpfs (copying in what the grader put there), then drops to the job's
 * uid and applies the limits before exec'ing Node, which becomes process 1 of its PID namespace.
 */
function command(layers: Layers, plan: ChildPlan, nodeArgs: string[]): { command: string; args: string[] } {
  const steps: string[] = ["set -e"];
  if (layers.mount) {
    const owner = layers.perJobUser && plan.uid !== undefined ? `,uid=${plan.uid},gid=${plan.uid}` : "";
    steps.push(
      'mkdir -p "$1/mnt"',
      `mount -t tmpfs -o size=${plan.scratchMb}m,mode=0700${owner} mtl-scratch "$1/mnt"`,
      'cp -R "$2/." "$1/mnt/"',
      ...(owner ? [`chown -R ${plan.uid}:${plan.uid} "$1/mnt"`] : []),
      'mount --bind "$1/mnt" "$2"',
    );
  }
  steps.push('cd "$2"', "shift 2");
  const exec: string[] = [];
  if (layers.supervisor || (layers.perJobUser && plan.uid !== undefined)) {
    exec.push("setpriv");
    if (layers.supervisor) exec.push("--pdeathsig", "KILL");
    if (layers.perJobUser && plan.uid !== undefined) exec.push("--reuid", String(plan.uid), "--regid", String(plan.uid), "--clear-groups");
    exec.push("--");
  }
  if (layers.limits) {
    const mb = (n: number) => String(Math.round(n) * 1024 * 1024);
    exec.push("prlimit", `--data=${mb(plan.memoryMb)}`, `--fsize=${mb(plan.scratchMb)}`, ...(layers.perJobUser ? [`--nproc=${plan.processes}`] : []), "--");
  }
  // Without a PID namespace the shell stays (no exec), so the child's parent is the shell, not the grader.
  steps.push(layers.pid || !layers.supervisor ? 'exec "$@"' : '"$@"; exit $?');
  const script = ["sh", "-c", steps.join("\n"), "mtl-grade-child", plan.base, plan.work, ...exec, process.execPath, ...nodeArgs];
  const ns = [
    ...(layers.userNamespace ? ["--user", "--map-root-user"] : []),
    ...(layers.pid ? ["--pid", "--fork", "--kill-child", "--mount-proc"] : []),
    ...(layers.network ? ["--net"] : []),
    ...(layers.mount && !layers.pid ? ["--mount"] : []),
  ];
  const chain = ns.length ? ["unshare", ...ns, "--", ...script] : script;
  return layers.supervisor ? { command: "setpriv", args: ["--pdeathsig", "KILL", "--", ...chain] } : { command: chain[0], args: chain.slice(1) };
}

/** Whether a child started with `layers` runs Node, reads `paths` and gets what the layers promise. */
function works(layers: Layers, paths: string[], plan: ChildPlan): boolean {
  // Without a tmpfs of its own, the job's uid writes the host's work folder (as sessions do).
  if (layers.perJobUser) {
    fs.chmodSync(plan.base, 0o711);
    fs.chownSync(plan.work, plan.uid as number, plan.uid as number);
  }
  const check = [
    `const fs = require("fs"); for (const p of ${JSON.stringify(paths)}) fs.accessSync(p, fs.constants.R_OK);`,
    layers.pid ? 'if (process.pid !== 1) throw new Error("not process 1");' : "",
    layers.perJobUser ? `if (process.getuid() !== ${plan.uid}) throw new Error("wrong uid");` : "",
    'fs.writeFileSync("probe.txt", "ok");',
  ].join("\n");
  const c = command(layers, plan, ["-e", check]);
  const r = spawnSync(c.command, c.args, { cwd: plan.work, stdio: "ignore", timeout: 20000 });
  return r.status === 0;
}

/** Every subset of `names`, largest first (so the probe keeps as many layers as the machine allows). */
function subsets<T extends string>(names: T[]): Array<Set<T>> {
  const all = Array.from({ length: 1 << names.length }, (_, m) => new Set(names.filter((_, i) => m & (1 << i))));
  return all.sort((a, b) => b.size - a.size);
}

/**
 * Probes (once) which layers this machine offers for a child that must read `paths`; `scratch`
 * makes a throwaway session folder for the probe (its base and work folder).
 */
export function osIsolation(paths: string[], scratch: () => { base: string; work: string; remove: () => void }): Isolation {
  if (cached) return cached;
  const mode = process.env.MTL_GRADER_ISOLATION ?? "";
  if (mode === "0" || process.platform !== "linux") {
    const why = mode === "0" ? "MTL_GRADER_ISOLATION=0" : "not Linux";
    cached = {
      pid: false,
      network: false,
      mount: false,
      userNamespace: false,
      perJobUser: false,
      supervisor: false,
      limits: false,
      notes: [
        `OS isolation off (${why}): Node's permission model only; submissions can signal each other and the grader, and memory, disk and processes are not limited beyond the V8 heap cap`,
      ],
    };
    return cached;
  }
  const root = process.getuid?.() === 0 && mode !== "no-root";
  const namespaces = mode !== "no-namespaces" && has("unshare");
  const supervisor = has("setpriv");
  const limits = has("prlimit");
  const optional: Array<"pid" | "network" | "mount" | "perJobUser"> = namespaces ? ["pid", "network", "mount"] : [];
  if (root && supervisor) optional.push("perJobUser");
  const dir = scratch();
  let found: Layers = { pid: false, network: false, mount: false, userNamespace: false, perJobUser: false, supervisor, limits };
  try {
    const plan: ChildPlan = { base: dir.base, work: dir.work, uid: jobUid(), memoryMb: 2048, scratchMb: 16, processes: 256 };
    for (const set of subsets(optional)) {
      const layers: Layers = {
        pid: set.has("pid"),
        network: set.has("network"),
        mount: set.has("mount"),
        perJobUser: set.has("perJobUser"),
        userNamespace: !root && (set.has("pid") || set.has("network") || set.has("mount")),
        supervisor,
        limits,
      };
      if (works(layers, paths, plan)) {
        found = layers;
        break;
      }
    }
  } finally {
    dir.remove();
  }
  const notes = [
    found.pid
      ? "signals: a PID namespace of its own (it can signal nothing outside its own tree)"
      : `signals: NOT isolated (no PID namespace here${found.supervisor ? "; a shell stands between child and grader, but a submission can still signal the grader and its classmates" : ""})`,
    found.network ? "network: a namespace of its own (no network at all)" : "network: not isolated (unshare --net is not permitted here)",
    found.perJobUser
      ? "user: a uid of its own per submission"
      : found.userNamespace
        ? "user: the grader's own, inside a user namespace (not root, so no other user to switch to)"
        : root
          ? "user: root (a uid of its own is not possible here)"
          : "user: the grader's own (not root, so no other user to switch to)",
    found.mount
      ? "scratch: a size-limited tmpfs of its own"
      : "scratch: NOT size-limited (no mount namespace here); files are capped by RLIMIT_FSIZE only" + (found.limits ? "" : ", which is not available either"),
    found.limits
      ? `limits: memory of the whole process (RLIMIT_DATA), file size${found.perJobUser ? ", processes (RLIMIT_NPROC)" : "; processes NOT limited (RLIMIT_NPROC needs a uid of its own)"}`
      : "limits: NOT applied (prlimit is missing): only the V8 heap is capped",
    found.supervisor
      ? "lifetime: children die with the grader (parent-death signals)"
      : "lifetime: children do NOT die with the grader (setpriv is missing); they are swept at the next start",
  ];
  cached = { ...found, notes };
  return cached;
}

/** The command that starts `node nodeArgs` under `iso` for one child. */
export function isolatedCommand(iso: Isolation, plan: ChildPlan, nodeArgs: string[]): { command: string; args: string[] } {
  if (!iso.pid && !iso.network && !iso.mount && !iso.perJobUser && !iso.supervisor && !iso.limits) return { command: process.execPath, args: nodeArgs };
  return command(iso, plan, nodeArgs);
}
