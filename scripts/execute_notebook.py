"""Executes one notebook in the real tslab kernel through nbclient and reports what happened.

tslab reports a failing cell only as an error reply plus stderr text (no error output), so a cell
fails here when its reply status is not ok, when it writes to stderr (also once it has finished: an
error that surfaces later is printed under it), or when it produces an error output. A kernel that
dies is reported with how its process ended, its memory and its last words on its own stderr.
Prints one JSON object on stdout; exits 0 when every cell ran cleanly, 1 otherwise, 2 when the
notebook cannot be read.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async


def cell_problem(cell):
    """Returns why a cell's outputs count as failure, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return "%s: %s" % (out.get("ename", "Error"), out.get("evalue", ""))
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "stderr: " + out.get("text", "").strip()
    return None


def failure_text(msg):
    """The text of an iopub message that counts as failure (stderr or an error), else None."""
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream" and content.get("name") == "stderr":
        return content.get("text", "")
    if msg.get("msg_type") == "error":
        return "%s: %s" % (content.get("ename", "Error"), content.get("evalue", ""))
    return None


class LateOutputClient(NotebookClient):
    """A NotebookClient that keeps the stderr text and errors a cell sends after it finished.

    nbclient drops every message whose parent is not the cell it is running, but tslab prints an
    error that surfaces once a cell is over (a promise nobody awaited, a timer that throws) under
    that earlier cell, as JupyterLab shows it. Such text fails the notebook like any other stderr.
    """

    late = None  # [(parent msg id, text)]

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        # nbclient's own loop (0.7 to 0.10), plus keeping the failures of other parents.
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self._keep_late(msg)

    def _keep_late(self, msg):
        text = failure_text(msg)
        if text is not None:
            self.late = (self.late or []) + [(msg["parent_header"].get("msg_id"), text)]

    async def _async_cleanup_kernel(self):
        # Before shutting the kernel down, run one empty, silent request and read iopub up to its
        # idle status: the kernel handles it after whatever the last cell left due (a timer that
        # is due, a rejection nobody handles), and iopub keeps order, so what that work printed
        # arrives first. Waiting on the kernel's own reply, not on a clock, keeps this independent
        # of the machine's load. A kernel that never answers is given 30 s.
        if self.kc is not None and self.km is not None and await ensure_async(self.km.is_alive()):
            try:
                sentinel = self.kc.execute("", silent=True, store_history=False)
                deadline = time.time() + 30
                while time.time() < deadline:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=max(0.1, deadline - time.time())))
                    if msg["parent_header"].get("msg_id") != sentinel:
                        self._keep_late(msg)
                    elif msg.get("msg_type") == "status" and msg["content"].get("execution_state") == "idle":
                        break
            except Exception:  # queue.Empty, or the kernel or its channels are gone
                pass
        await super()._async_cleanup_kernel()


# Why a kernel process ends on a signal, as far as the signal tells.
SIGNAL_HINTS = {
    "SIGKILL": "killed from outside: on Linux most often the out-of-memory killer (see `dmesg`)",
    "SIGABRT": "aborted: Node aborts this way when the JavaScript heap is exhausted",
    "SIGSEGV": "crashed in native code (an addon such as native BLAS, or Node itself)",
    "SIGBUS": "crashed in native code",
}


def exit_reason(process):
    """How the kernel's process ended, in words: its exit code or signal and what that usually means."""
    if process is None:
        return "its exit status is unknown"
    code = process.poll()
    if code is None:
        return "its process is still running but stopped answering"
    if code < 0:
        name = signal.Signals(-code).name
        return "its process ended on %s, %s" % (name, SIGNAL_HINTS.get(name, "a signal"))
    return "its process exited with code %d%s" % (code, EXIT_HINTS.get(code, ""))


# Node's own exit codes that say why (https://nodejs.org/api/process.html#exit-codes).
EXIT_HINTS = {
    1: ", Node's code for an uncaught error",
    7: ", Node's code for an error thrown inside a process error handler",
}


def last_words(text, limit=1500):
    """The telling part of what a dying kernel wrote: V8's fatal line if there is one, else the tail."""
    fatal = [line for line in text.splitlines() if line.startswith("FATAL ERROR")]
    if fatal:
        return fatal[-1]
    return text[-limit:]


def memory_mb(process):
    """The kernel process's resident memory now and at its peak (VmRSS, VmHWM) in MB, where /proc tells."""
    try:
        with open("/proc/%d/status" % process.pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return {key: round(int(fields[name].split()[0]) / 1024) for key, name in (("rss", "VmRSS"), ("peak", "VmHWM"))}
    except (OSError, ValueError, KeyError, AttributeError):
        return None


def log_tail(handle, limit=3000):
    """The last `limit` characters the kernel wrote to its own stderr (outside any cell's output)."""
    try:
        handle.flush()
        with open(handle.name, errors="replace") as f:
            return f.read()[-limit:].strip()
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out", help="write the executed notebook here")
    ap.add_argument("--cell-timeout", type=int, default=600)
    ap.add_argument("--kernel", default="tslab")
    args = ap.parse_args()

    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as e:  # malformed notebooks get a clear message, not a traceback
        print(json.dumps({"ok": False, "error": "cannot read notebook: %s" % e}))
        return 2

    client = LateOutputClient(
        nb,
        timeout=args.cell_timeout,
        kernel_name=args.kernel,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    started = time.time()
    timings = []
    error = None
    detail = ""  # said after the failing cell is named
    failed_index = None

    # Keep the kernel's process, so that a dead kernel can be reported with how it ended, and its
    # memory after each cell (the last reading before a death says whether memory was the cause).
    kernel = {"memory": None}

    def on_execute(cell, cell_index, **kwargs):
        kernel["t0"] = time.time()

    cell_of = {}  # execute request's msg id → cell index, to place late output

    def on_executed(cell, cell_index, execute_reply=None, **kwargs):
        # nbclient's on_cell_complete fires when a cell is sent; this one fires at its reply.
        timings.append({"index": cell_index, "seconds": round(time.time() - kernel["t0"], 3)})
        if execute_reply:
            cell_of[execute_reply["parent_header"].get("msg_id")] = cell_index
        kernel["memory"] = memory_mb(kernel.get("process")) or kernel["memory"]

    def on_start(**kwargs):
        kernel["process"] = getattr(getattr(client.km, "provisioner", None), "process", None)

    client.on_cell_execute = on_execute
    client.on_cell_executed = on_executed
    client.on_notebook_start = on_start
    # The kernel's own stderr (what Node, V8 or tslab print outside a cell: a fatal heap error, an
    # uncaught exception after a cell ended, a native abort) goes to a file, to report on failure.
    kernel_log = tempfile.NamedTemporaryFile("w+", prefix="mtl-kernel-", suffix=".log", delete=False)
    try:
        client.execute(stderr=kernel_log)
    except CellTimeoutError as e:
        error = "cell timed out after %ss" % args.cell_timeout
    except DeadKernelError as e:
        memory = kernel["memory"]
        seen = " Its memory after the last cell that finished: %d MB resident, %d MB at peak." % (memory["rss"], memory["peak"]) if memory else ""
        words = last_words(log_tail(kernel_log))
        said = "\nThe kernel's last words on stderr:\n%s" % words if words else " It wrote nothing to stderr."
        error = "kernel died (%s): %s" % (exit_reason(kernel.get("process")), e)
        detail = seen + said
    except CellExecutionError as e:
        error = "cell failed"
    except Exception as e:
        error = "%s: %s" % (type(e).__name__, e)

    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i, c in code_cells:
        why = cell_problem(c)
        if why:
            error = error or "cell failed"
            failed_index = i
            error = "%s (cell %d): %s" % (error, i, why[:2000])
            break
    if not error and client.late:
        parent, text = client.late[0]
        failed_index = cell_of.get(parent)
        where = "cell %d" % failed_index if failed_index is not None else "outside any cell"
        error = "cell failed (%s): stderr after the cell finished: %s" % (where, text.strip()[:2000])
    if error and failed_index is None:
        # The failing cell is the first one without an execution count.
        for i, c in code_cells:
            if not c.get("execution_count"):
                failed_index = i
                error = "%s (cell %d): %s" % (error, i, c.source[:200])
                break

    if error:
        error += detail
    if args.out:
        nbformat.write(nb, args.out)
    kernel_stderr = log_tail(kernel_log)
    kernel_log.close()
    os.unlink(kernel_log.name)
    print(json.dumps({
        "ok": error is None,
        "seconds": round(time.time() - started, 2),
        "error": error,
        "cell": failed_index,
        "cells": timings,
        "peakMemoryMB": kernel["memory"]["peak"] if kernel["memory"] else None,
        "kernelStderr": kernel_stderr,
    }))
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
