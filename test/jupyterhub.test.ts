/**
 * The class hub for real: `npm run hub` starts Debian's JupyterHub (with the proxy from
 * node_modules) on 127.0.0.1, two throw-away Unix users get their servers through the hub's REST
 * API, a notebook runs in each through their own server, and neither student can read the other's
 * files, through the servers or the file system. Needs root (LocalProcessSpawner runs each server
 * as its user); without root it fails and says so. Every process, user and temp folder it made is
 * removed even when it fails.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findPython } from "../scripts/jupyter";
import { freePort, stopGroup, waitFor } from "./support/processes";
import { api, RemoteKernel, runNotebookOnServer, runInTerminal, type ServerAccess } from "./support/server-kernel";
import { createUser, removeUser, removeUserSync, runAs, uidOf } from "./support/system-users";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOK = "notebooks/00-setup.ipynb";
/** Guards against hangs only; a healthy run takes a small fraction of each. */
const START_MS = 300_000;
const CELL_MS = 600_000;
const PREFIX = "mtlhub";

/** Users left by an earlier run that was killed: named after a test process that no longer exists. */
async function sweepStaleUsers(): Promise<void> {
  const names = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((l) => l.split(":")[0]);
  for (const name of names) {
    const m = name.match(new RegExp(`^${PREFIX}(\\d+)[ab]$`));
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) await removeUser(name);
  }
}

describe("a class on JupyterHub", { timeout: 30 * 60_000 }, () => {
  const names = [`${PREFIX}${process.pid}a`, `${PREFIX}${process.pid}b`];
  const [alice, bob] = names;
  let base = "";
  let hub: ChildProcess | null = null;
  let log = "";
  let hubUrl = "";
  let publicPort = 0;
  const adminToken = `course-test-${process.pid}-${Date.now()}-admin-token`;
  const access = new Map<string, ServerAccess>();
  const home = (user: string) => path.join(base, "home", user);
  const copyOf = (user: string) => path.join(home(user), "mtl-course");
  const admin = () => ({ base: hubUrl, token: adminToken });

  async function startServer(user: string): Promise<void> {
    const r = await api(admin(), "POST", `hub/api/users/${user}/server`);
    assert.ok(r.status === 201 || r.status === 202, `starting ${user}'s server: HTTP ${r.status} ${JSON.stringify(r.body)}\n${log.slice(-3000)}`);
    await waitFor(
      START_MS,
      async () => {
        const u = await api(admin(), "GET", `hub/api/users/${user}`);
        const server = u.body?.servers?.[""];
        if (server && !server.pending && !server.ready) throw new Error(`${user}'s server stopped while starting:\n${log.slice(-3000)}`);
        return server?.ready ? true : null;
      },
      `${user}'s server`,
    );
  }

  async function stopServer(user: string): Promise<void> {
    const r = await api(admin(), "DELETE", `hub/api/users/${user}/server`);
    assert.ok(r.status === 202 || r.status === 204, `stopping ${user}'s server: HTTP ${r.status}`);
    await waitFor(START_MS, async () => ((await api(admin(), "GET", `hub/api/users/${user}`)).body?.servers?.[""] ? null : true), `${user}'s server to stop`);
  }

  function cleanupSync(): void {
    // Last resort when the test process is interrupted: stop the hub's group, its proxy and the users' processes.
    if (hub?.pid) {
      try {
        process.kill(-hub.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    stopProxy();
    for (const name of names) removeUserSync(name);
    if (base) fs.rmSync(base, { recursive: true, force: true });
  }

  before(async () => {
    assert.equal(
      process.getuid?.(),
      0,
      "the JupyterHub test must run as root: it creates two throw-away Unix users and JupyterHub starts each one's server as that user (CI and .ci/run run as root; run it with sudo)",
    );
    assert.ok(findPython(["jupyterhub", "notebook"]), "JupyterHub is not installed: apt-get install jupyterhub (.ci/run installs it)");
    await sweepStaleUsers();
    process.once("SIGINT", cleanupSync);
    process.once("SIGTERM", cleanupSync);

    base = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-hub-test-"));
    fs.chmodSync(base, 0o755); // the students' homes are under it
    for (const name of names) createUser(name, home(name));

    const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    publicPort = port;
    hubUrl = `http://127.0.0.1:${port}/`;
    const config = path.join(base, "test_config.py");
    fs.writeFileSync(
      config,
      [
        "c = get_config()",
        `load_subconfig(${JSON.stringify(path.join(ROOT, "jupyterhub", "jupyterhub_config.py"))})`,
        `c.JupyterHub.bind_url = "http://127.0.0.1:${port}"`,
        `c.JupyterHub.hub_bind_url = "http://127.0.0.1:${hubPort}"`,
        `c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${apiPort}"`,
        // Throw-away authentication: the test acts through an admin service token, never passwords.
        `c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"`,
        `c.Authenticator.allowed_users = ${JSON.stringify(names)}`,
        `c.JupyterHub.services = [{"name": "course-test", "api_token": ${JSON.stringify(adminToken)}}]`,
        `c.JupyterHub.load_roles = [{"name": "course-test", "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"], "services": ["course-test"]}]`,
        `c.Spawner.start_timeout = ${START_MS / 1000}`,
        `c.Spawner.http_timeout = ${START_MS / 1000}`,
        "",
      ].join("\n"),
    );
    hub = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(ROOT, "scripts", "hub.ts"),
        "--config",
        config,
        "--state",
        path.join(base, "state"),
        "--kernel-prefix",
        path.join(base, "system"),
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    hub.stdout!.on("data", (d) => (log += d));
    hub.stderr!.on("data", (d) => (log += d));
    let exited = false;
    hub.on("exit", () => (exited = true));
    await waitFor(
      START_MS,
      async () => {
        if (exited) throw new Error(`npm run hub exited:\n${log}`);
        const r = await api(admin(), "GET", "hub/api/users").catch(() => null);
        return r?.status === 200 ? true : null;
      },
      "the hub",
    );
    for (const name of names) {
      const r = await api(admin(), "POST", `hub/api/users/${name}`);
      assert.ok(r.status === 201 || r.status === 409, `adding ${name} to the hub: HTTP ${r.status}`);
      const t = await api(admin(), "POST", `hub/api/users/${name}/tokens`, { note: "course test", expires_in: 3600 });
      assert.equal(t.status, 201, `a token for ${name}: HTTP ${t.status} ${JSON.stringify(t.body)}`);
      access.set(name, { base: `${hubUrl}user/${name}/`, token: t.body.token });
    }
  });

  /**
   * The proxy runs in a session of its own; the hub stops it when it exits cleanly, but a hub that
   * died leaves it running (holding the hub's output pipes). Its pid is in the hub's pid file.
   */
  function stopProxy(): void {
    const pidFile = path.join(base, "state", "jupyterhub-proxy.pid");
    if (!base || !fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    const cmdline = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8") : "";
    const args = cmdline.split("\0");
    if (pid > 0 && cmdline.includes("configurable-http-proxy") && args.includes(String(publicPort))) process.kill(pid, "SIGKILL");
  }

  after(async () => {
    try {
      if (hub?.pid) await stopGroup(hub.pid, 20_000);
      stopProxy();
    } finally {
      for (const name of names) await removeUser(name).catch((e) => console.error(`could not remove ${name}: ${e.message}`));
      fs.mkdirSync(path.join(ROOT, ".artifacts"), { recursive: true });
      fs.writeFileSync(path.join(ROOT, ".artifacts", "jupyterhub-test.log"), log);
      if (base) fs.rmSync(base, { recursive: true, force: true });
      process.removeListener("SIGINT", cleanupSync);
      process.removeListener("SIGTERM", cleanupSync);
    }
  });

  it("starts both students' servers through the hub's REST API", async () => {
    await Promise.all(names.map(startServer));
    for (const name of names) {
      const r = await api(access.get(name)!, "GET", "api/status");
      assert.equal(r.status, 200, `${name}'s own server answers them: HTTP ${r.status}`);
    }
  });

  it("installs the tslab kernel once for every user, not in any student's home", async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(base, "system", "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8"));
    assert.equal(spec.argv[1], path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
    for (const name of names) {
      assert.ok(!fs.existsSync(path.join(home(name), ".local", "share", "jupyter", "kernels")), `${name} has no kernel of their own`);
      const specs = await api(access.get(name)!, "GET", "api/kernelspecs");
      assert.deepEqual(specs.body.kernelspecs?.tslab?.spec?.argv, spec.argv, `${name}'s server offers the shared kernel`);
    }
  });

  it("gives each student a private copy of the course that they own", () => {
    for (const name of names) {
      const st = fs.statSync(copyOf(name));
      assert.equal(st.mode & 0o777, 0o700, `${name}'s copy is private`);
      assert.equal(st.uid, uidOf(name));
      for (const f of [NOTEBOOK, "homework/hw1.ipynb", "homework/hw2.ipynb"]) {
        assert.equal(fs.statSync(path.join(copyOf(name), f)).uid, uidOf(name), `${name} owns ${f}`);
        assert.deepEqual(fs.readFileSync(path.join(copyOf(name), f)), fs.readFileSync(path.join(ROOT, f)), `${f} is the course's`);
      }
    }
  });

  it(`executes ${NOTEBOOK} in each student's own server`, async () => {
    for (const name of names) {
      const run = await runNotebookOnServer(access.get(name)!, NOTEBOOK, CELL_MS);
      assert.ok(run.ok, `${name}: ${run.error}\n${log.slice(-3000)}`);
      const onDisk = fs.readFileSync(path.join(copyOf(name), NOTEBOOK), "utf8");
      assert.match(onDisk, /Setup complete/, `${name}'s saved notebook holds the run's outputs`);
      assert.equal(fs.statSync(path.join(copyOf(name), NOTEBOOK)).uid, uidOf(name));
    }
  });

  it("keeps one student out of the other's server", async () => {
    const asBob = { ...access.get(bob)!, base: access.get(alice)!.base };
    for (const [method, route] of [
      ["GET", `api/contents/${NOTEBOOK}`],
      ["GET", "api/kernels"],
      ["POST", "api/kernels"],
      ["GET", "api/contents"],
    ] as const) {
      const r = await api(asBob, method, route);
      assert.equal(r.status, 403, `${bob} → ${alice}'s ${method} ${route}: HTTP ${r.status}`);
      assert.doesNotMatch(JSON.stringify(r.body), /Setup complete/);
    }
    const record = await api({ base: hubUrl, token: access.get(bob)!.token }, "GET", `hub/api/users/${alice}`);
    assert.ok(record.status === 403 || record.status === 404, `${bob} reads ${alice}'s hub record: HTTP ${record.status}`);
  });

  it("keeps one student out of the other's files, from a shell and from their own kernel", async () => {
    const aliceFile = path.join(copyOf(alice), NOTEBOOK);
    const shell = runAs(bob, ["head", "-c", "100", aliceFile]);
    assert.notEqual(shell.status, 0, `${bob} read ${alice}'s notebook:\n${shell.output.slice(0, 300)}`);
    assert.match(shell.output, /Permission denied/);
    assert.equal(runAs(bob, ["head", "-c", "100", path.join(copyOf(bob), NOTEBOOK)]).status, 0, `${bob} reads their own notebook`);

    const kernel = await RemoteKernel.start(access.get(bob)!, NOTEBOOK, "tslab", CELL_MS);
    try {
      const own = await kernel.run(`import * as fs from "fs";\nfs.readdirSync(${JSON.stringify(copyOf(bob))}).length`, CELL_MS);
      assert.equal(own.status, "ok", `${bob}'s kernel lists their own copy: ${own.text}`);
      const theirs = await kernel.run(`fs.readFileSync(${JSON.stringify(aliceFile)}, "utf8").length`, CELL_MS);
      assert.equal(theirs.status, "error", `${bob}'s kernel read ${alice}'s notebook: ${theirs.text}`);
      assert.match(theirs.text, /EACCES/);
    } finally {
      await kernel.close();
    }
  });

  it("keeps a student's work across a restart and restores only what they lack", async () => {
    const notebook = path.join(copyOf(alice), NOTEBOOK);
    const before = fs.readFileSync(notebook);
    fs.rmSync(path.join(copyOf(alice), "homework", "hw1.checks.json"));
    await stopServer(alice);
    await startServer(alice);
    assert.deepEqual(fs.readFileSync(notebook), before, "the executed notebook is as the student left it");
    assert.deepEqual(fs.readFileSync(path.join(copyOf(alice), "homework", "hw1.checks.json")), fs.readFileSync(path.join(ROOT, "homework", "hw1.checks.json")));
    assert.match(log, /Course copy in .*mtl-course: 1 file\(s\) copied in/);
  });

  it("gives students the course's npm scripts in a terminal of their server", async () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const listed = await runInTerminal(access.get(alice)!, "cd ~/mtl-course && npm --no-progress run", START_MS);
    assert.equal(listed.code, 0, listed.output);
    for (const s of scripts) assert.match(listed.output, new RegExp(`^\\s+${s}$`, "m"), `npm run lists ${s}`);
    const started = await runInTerminal(access.get(alice)!, "cd ~/mtl-course && npm start -- --register-only", START_MS);
    assert.equal(started.code, 0, started.output);
    assert.match(started.output, /Registered the "tslab" kernel/);
  });

  it("lets a student validate their own homework before submitting (npm run validate)", async () => {
    const alices = access.get(alice)!;
    const fresh = await runInTerminal(alices, "cd ~/mtl-course && npm --no-progress run validate -- homework/hw1.ipynb", START_MS);
    assert.equal(fresh.code, 1, `an untouched homework is reported, not passed:\n${fresh.output}`);
    assert.match(fresh.output, /homework\/hw1\.ipynb: problem: answer cell "\w+" \(question \w+\) is not filled in/);
    assert.match(fresh.output, /\d+ problem\(s\): fix them before you submit/);
    // A file only this student has (saved through their server) is what gets validated.
    const saved = await api(alices, "PUT", "api/contents/homework/mine.ipynb", { type: "file", format: "text", content: "{ not a notebook" });
    assert.equal(saved.status, 201, `saving through the server: HTTP ${saved.status}`);
    const broken = await runInTerminal(alices, "cd ~/mtl-course && npm --no-progress run validate -- homework/mine.ipynb", START_MS);
    assert.notEqual(broken.code, 0, broken.output);
    assert.match(broken.output, /homework\/mine\.ipynb/);
    assert.doesNotMatch(broken.output, /at .*\.ts:\d+:\d+\)/, "a clear message, not a stack trace");
  });
});
