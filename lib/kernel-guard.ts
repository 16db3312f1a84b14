/**
 * Keeps the notebook kernel alive and its messages whole. Two hazards, found by running the course
 * notebooks three at a time on a loaded machine, where a kernel died now and then at a random cell
 * (exit code 7, "Socket is busy writing" on its stderr):
 *
 * 1. tslab sends every Jupyter message with zeromq's `socket.send()` and never waits for it.
 *    zeromq.js 6 allows one send in progress per socket, and to keep the event loop responsive it
 *    defers every 513th send on a socket to the loop's next turn; another send before that turn
 *    throws EBUSY. Printed lines and displays sent in that window were lost without a word (a cell
 *    printing 1,500 lines showed 502 of them), and when the lost message was tslab's own "idle"
 *    status, the throw became an unhandled promise rejection. Which message fell in that window
 *    varied from run to run, so the deaths looked random.
 * 2. tfjs-backend-wasm's Emscripten glue installs process handlers that rethrow every uncaught
 *    exception and unhandled rejection. With the WASM backend loaded, any of them (the one above, or
 *    a student's promise that nobody awaits) ended the kernel's process instead of being printed
 *    by tslab's own handlers.
 *
 * `guardKernelSends` makes a busy socket queue the message (in order, none lost), and
 * `dropWasmProcessHandlers` removes the glue's handlers once the WASM backend is up.
 */

type Send = (this: object, message: unknown) => Promise<void>;

interface Outbox {
  /** Messages waiting for the send in progress, oldest first. */
  queue: Array<{ message: unknown; resolve: () => void; reject: (e: unknown) => void }>;
  /** The last send handed to zeromq (it may still be in progress). */
  last: Promise<void> | null;
}

const QUEUED = Symbol.for("mtl-kit.queued-send");

const isBusy = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === "EBUSY";

/** A moment later: a deferred write completes on the event loop's next turn (a timer, not setImmediate, so a socket that stays busy is not polled in a hot loop). */
const aMomentLater = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/**
 * Replaces `send` on the prototype that defines it (a zeromq socket class's) with one that queues a
 * message while the socket is busy instead of throwing EBUSY. Returns false if it was done already.
 */
export function queueBusySends(socketPrototype: object): boolean {
  let owner: object | null = socketPrototype;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, "send")) owner = Object.getPrototypeOf(owner) as object | null;
  if (!owner) throw new Error("queueBusySends: no send method on this prototype chain");
  const marked = owner as { [QUEUED]?: boolean };
  if (marked[QUEUED]) return false;
  const send = (owner as { send: Send }).send;
  const outboxes = new WeakMap<object, Outbox>();

  const drain = async (socket: object, box: Outbox): Promise<void> => {
    while (box.queue.length) {
      await box.last?.catch(() => undefined);
      const item = box.queue[0];
      try {
        const sent = send.call(socket, item.message);
        box.last = sent;
        box.queue.shift();
        sent.then(item.resolve, item.reject);
      } catch (e) {
        // Still busy with a send that did not go through here: try again on the next turn.
        if (isBusy(e)) await aMomentLater();
        else {
          box.queue.shift();
          item.reject(e);
        }
      }
    }
  };

  function queuedSend(this: object, message: unknown): Promise<void> {
    let box = outboxes.get(this);
    if (!box) outboxes.set(this, (box = { queue: [], last: null }));
    if (!box.queue.length) {
      try {
        const sent = send.call(this, message);
        box.last = sent;
        return sent;
      } catch (e) {
        if (!isBusy(e)) throw e;
      }
    }
    const outbox = box;
    return new Promise<void>((resolve, reject) => {
      outbox.queue.push({ message, resolve, reject });
      if (outbox.queue.length === 1) void drain(this, outbox);
    });
  }

  Object.defineProperty(owner, "send", { value: queuedSend, writable: false, enumerable: false, configurable: true });
  marked[QUEUED] = true;
  return true;
}

/**
 * In a tslab kernel, makes every zeromq module the process has loaded queue busy sends (see the
 * top of this file). It never loads zeromq itself: outside a kernel (a script, the grader's
 * sandbox, where native addons are refused) it does nothing. Returns how many modules it patched.
 */
export function guardKernelSends(): number {
  let patched = 0;
  for (const file of Object.keys(require.cache)) {
    if (!/[\\/]zeromq[\\/]lib[\\/]index\.js$/.test(file)) continue;
    const zmq = require.cache[file]?.exports as { Publisher?: { prototype: object } } | undefined;
    if (zmq?.Publisher && queueBusySends(zmq.Publisher.prototype)) patched++;
  }
  return patched;
}

type Listener = (...args: unknown[]) => void;
const EVENTS = ["uncaughtException", "unhandledRejection"] as const;

/** The process's uncaught-exception and unhandled-rejection listeners now. */
export function processHandlers(): Record<(typeof EVENTS)[number], Listener[]> {
  return {
    uncaughtException: process.listeners("uncaughtException") as Listener[],
    unhandledRejection: process.listeners("unhandledRejection") as Listener[],
  };
}

/**
 * Removes the uncaught-exception and unhandled-rejection listeners added since `before` (taken
 * with `processHandlers()` just before the WASM backend started): Emscripten's, which rethrow and
 * so end the process. What was there before (tslab's handlers, which print the error to the cell)
 * stays. Returns how many were removed.
 */
export function dropWasmProcessHandlers(before: ReturnType<typeof processHandlers>): number {
  let removed = 0;
  for (const event of EVENTS) {
    for (const listener of process.listeners(event as "uncaughtException") as Listener[]) {
      if (before[event].includes(listener)) continue;
      process.removeListener(event as "uncaughtException", listener);
      removed++;
    }
  }
  return removed;
}
