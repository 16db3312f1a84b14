/**
 * Running code through a remote Jupyter server, the way a browser does: the contents and sessions
 * REST API and the kernel's websocket (Jupyter's messaging protocol 5.3 over JSON frames). Used
 * by the JupyterHub test to execute notebooks in students' servers through the hub's proxy.
 *
 * A cell fails as in scripts/execute_notebook.py: tslab reports an error only as the reply's status
 * plus stderr text, so a reply that is not ok, stderr output or an error output all count.
 */
import { randomUUID } from "crypto";
import WebSocket from "ws";

/** A Jupyter server as one user sees it: its base URL (ending in /) and that user's API token. */
export interface ServerAccess {
  base: string;
  token: string;
}

/** The outcome of one cell. */
export interface CellRun {
  status: string;
  /** stdout, stderr, and text/plain of rich outputs, in order. */
  text: string;
  stderr: string;
  outputs: Array<Record<string, unknown>>;
}

/** A REST call to the server; returns the status and the parsed body (or the raw text). */
export async function api(server: ServerAccess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, server.base), {
    method,
    headers: { Authorization: `token ${server.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed };
}

/** A kernel reached through a server's websocket. */
export class RemoteKernel {
  private pending = new Map<string, { reply?: any; idle: boolean; outputs: Array<Record<string, unknown>>; done: () => void }>();
  private readonly session = randomUUID();

  private constructor(
    private readonly server: ServerAccess,
    readonly sessionId: string,
    readonly kernelId: string,
    private readonly ws: WebSocket,
  ) {
    ws.on("message", (data) => this.receive(JSON.parse(String(data))));
  }

  /** Opens a notebook session (the kernel runs in the notebook's folder) and waits until the kernel answers. */
  static async start(server: ServerAccess, notebookPath: string, kernelName: string, timeoutMs: number): Promise<RemoteKernel> {
    const s = await api(server, "POST", "api/sessions", { path: notebookPath, type: "notebook", name: "", kernel: { name: kernelName } });
    if (s.status !== 201) throw new Error(`could not start a ${kernelName} session for ${notebookPath}: HTTP ${s.status} ${JSON.stringify(s.body)}`);
    const url = new URL(`api/kernels/${s.body.kernel.id}/channels?session_id=${randomUUID()}`, server.base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, { headers: { Authorization: `token ${server.token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`websocket refused: HTTP ${res.statusCode}`)));
    });
    const kernel = new RemoteKernel(server, s.body.id, s.body.kernel.id, ws);
    await kernel.request("kernel_info_request", {}, timeoutMs, "shell");
    return kernel;
  }

  private receive(msg: any): void {
    const entry = this.pending.get(msg.parent_header?.msg_id);
    if (!entry) return;
    if (msg.channel === "shell") entry.reply = msg;
    else if (msg.channel === "iopub") {
      const type = msg.header.msg_type;
      if (type === "status" && msg.content.execution_state === "idle") entry.idle = true;
      else if (["stream", "display_data", "execute_result", "error"].includes(type)) entry.outputs.push({ output_type: type, ...msg.content });
    }
    if (entry.reply && (entry.idle || entry.reply.header.msg_type === "kernel_info_reply")) entry.done();
  }

  private request(msgType: string, content: object, timeoutMs: number, channel = "shell"): Promise<{ reply: any; outputs: Array<Record<string, unknown>> }> {
    const msgId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new Error(`no answer to ${msgType} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const entry = {
        idle: false,
        outputs: [] as Array<Record<string, unknown>>,
        reply: undefined as any,
        done: () => {
          clearTimeout(timer);
          this.pending.delete(msgId);
          resolve({ reply: entry.reply, outputs: entry.outputs });
        },
      };
      this.pending.set(msgId, entry);
      const header = { msg_id: msgId, msg_type: msgType, username: "course-test", session: this.session, date: new Date().toISOString(), version: "5.3" };
      this.ws.send(JSON.stringify({ header, parent_header: {}, metadata: {}, content, channel, buffers: [] }));
    });
  }

  /** Executes one cell and returns what it did. */
  async run(code: string, timeoutMs: number): Promise<CellRun> {
    const { reply, outputs } = await this.request(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      timeoutMs,
    );
    const text = outputs
      .map((o) =>
        o.output_type === "stream"
          ? String(o.text)
          : o.output_type === "error"
            ? `${o.ename}: ${o.evalue}`
            : String((o.data as Record<string, unknown> | undefined)?.["text/plain"] ?? ""),
      )
      .join("");
    const stderr = outputs
      .filter((o) => o.output_type === "stream" && o.name === "stderr")
      .map((o) => String(o.text))
      .join("");
    return { status: reply.content.status, text, stderr, outputs };
  }

  /** Closes the websocket and shuts the kernel down. */
  async close(): Promise<void> {
    this.ws.close();
    await api(this.server, "DELETE", `api/sessions/${this.sessionId}`).catch(() => undefined);
  }
}

/** The outcome of running a notebook stored on the server. */
export interface RemoteNotebookRun {
  ok: boolean;
  /** Why it failed, naming the cell. */
  error: string | null;
  notebook: any;
}

/**
 * Runs every code cell of the notebook at `notebookPath` on the server, in order, stopping at the
 * first failure, and saves the executed notebook back where it was (as a student's Save would).
 */
export async function runNotebookOnServer(server: ServerAccess, notebookPath: string, cellTimeoutMs: number): Promise<RemoteNotebookRun> {
  const got = await api(server, "GET", `api/contents/${notebookPath}?type=notebook&content=1`);
  if (got.status !== 200) return { ok: false, error: `could not read ${notebookPath}: HTTP ${got.status}`, notebook: null };
  const nb = got.body.content;
  const kernel = await RemoteKernel.start(server, notebookPath, nb.metadata?.kernelspec?.name ?? "tslab", cellTimeoutMs);
  let error: string | null = null;
  try {
    let count = 0;
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const r = await kernel.run(source, cellTimeoutMs);
      cell.outputs = r.outputs.map(({ output_type, ...rest }) => ({ output_type, ...rest }));
      cell.execution_count = ++count;
      const failure = r.status !== "ok" ? `reply ${r.status}` : r.stderr ? "stderr" : r.outputs.some((o) => o.output_type === "error") ? "error output" : null;
      if (failure) {
        error = `cell ${i} failed (${failure}): ${r.text.slice(0, 2000)}`;
        break;
      }
    }
  } finally {
    await kernel.close();
  }
  const saved = await api(server, "PUT", `api/contents/${notebookPath}`, { type: "notebook", format: "json", content: nb });
  if (saved.status !== 200 && !error) error = `could not save ${notebookPath}: HTTP ${saved.status}`;
  return { ok: error === null, error, notebook: nb };
}

/**
 * Runs a shell command in a new terminal of the server (what a student does from Jupyter's
 * terminal) and returns its output and exit code; the terminal is closed afterwards.
 */
export async function runInTerminal(server: ServerAccess, command: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  const t = await api(server, "POST", "api/terminals");
  if (t.status !== 200) throw new Error(`could not open a terminal: HTTP ${t.status} ${JSON.stringify(t.body)}`);
  const url = new URL(`terminals/websocket/${t.body.name}`, server.base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, { headers: { Authorization: `token ${server.token}` } });
  let output = "";
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`terminal command did not finish within ${timeoutMs / 1000} s: ${command}\n${output}`)), timeoutMs);
      ws.on("error", reject);
      ws.on("open", () => {
        // The marker is printed in two pieces, so the terminal's echo of this line never matches it.
        ws.send(JSON.stringify(["stdin", `${command}; printf '%s%s\\n' '__mtl_' "done:$?"\r`]));
      });
      ws.on("message", (data) => {
        const [kind, text] = JSON.parse(String(data));
        if (kind !== "stdout") return;
        output += text;
        const m = output.match(/__mtl_done:(\d+)/);
        if (m) {
          clearTimeout(timer);
          // eslint-disable-next-line no-control-regex -- the terminal's colour and cursor codes are what is stripped
          resolve({ code: Number(m[1]), output: output.replace(/\r/g, "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") });
        }
      });
    });
  } finally {
    ws.close();
    await api(server, "DELETE", `api/terminals/${t.body.name}`).catch(() => undefined);
  }
}
