"""Executes one notebook in the real tslab kernel through nbclient and reports what happened.

tslab reports a failing cell only as an error reply plus stderr text (no error output), so a cell
fails here when its reply status is not ok, when it writes to stderr, or when it produces an error
output. Prints one JSON object on stdout; exits 0 when every cell ran cleanly, 1 otherwise, 2 when
the notebook cannot be read.
"""
import argparse
import json
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def cell_problem(cell):
    """Returns why a cell's outputs count as failure, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return "%s: %s" % (out.get("ename", "Error"), out.get("evalue", ""))
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "stderr: " + out.get("text", "").strip()
    return None


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
    return "its process exited with code %d" % code


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

    import os
    client = NotebookClient(
        nb,
        timeout=args.cell_timeout,
        kernel_name=args.kernel,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    started = time.time()
    timings = []
    error = None
    failed_index = None

    def on_complete(cell, cell_index, **kwargs):
        timings.append({"index": cell_index, "seconds": round(time.time() - on_complete.t0, 3)})
        on_complete.t0 = time.time()

    on_complete.t0 = time.time()
    client.on_cell_complete = on_complete
    # Keep the kernel's process, so that a dead kernel can be reported with how it ended.
    kernel = {}

    def on_start(**kwargs):
        kernel["process"] = getattr(getattr(client.km, "provisioner", None), "process", None)

    client.on_notebook_start = on_start
    try:
        client.execute()
    except CellTimeoutError as e:
        error = "cell timed out after %ss" % args.cell_timeout
    except DeadKernelError as e:
        error = "kernel died (%s): %s" % (exit_reason(kernel.get("process")), e)
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
    if error and failed_index is None:
        # The failing cell is the first one without an execution count.
        for i, c in code_cells:
            if not c.get("execution_count"):
                failed_index = i
                error = "%s (cell %d): %s" % (error, i, c.source[:200])
                break

    if args.out:
        nbformat.write(nb, args.out)
    print(json.dumps({
        "ok": error is None,
        "seconds": round(time.time() - started, 2),
        "error": error,
        "cell": failed_index,
        "cells": timings,
    }))
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
