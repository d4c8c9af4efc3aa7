"""Run one engine call of a dashboard job in a child process, so that cancelling stops it.

An engine call such as a PSY Monte Carlo or an LPPLS sweep is one compiled loop: a thread
cannot be interrupted inside it. :func:`run_in_process` starts the call in a spawned process
(a fresh interpreter: safe beside the server's threads), relays the progress the call reports,
and terminates the process when the job is cancelled. Only plain data crosses the pipe.

As with every spawned process, the child imports the parent's main module: a script that
builds the app must keep its work under ``if __name__ == "__main__":`` (the ``kreislauf``
command and pytest do).
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import time
from collections.abc import Callable
from typing import Any

from kreislauf.errors import InputError, Problem
from kreislauf.web.jobs import Cancelled


def _child(conn: Any, target: str, kwargs: dict[str, Any]) -> None:
    module, name = target.split(":")
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1 or fraction >= 1.0:
            last[0] = now
            conn.send(("progress", float(fraction)))

    try:
        try:
            fn = getattr(importlib.import_module(module), name)
            conn.send(("done", fn(progress=progress, **kwargs)))
        except (BrokenPipeError, EOFError):
            raise
        except InputError as err:
            conn.send(("input", [(p.message, p.file, p.row, p.field) for p in err.problems]))
        except Exception as err:  # reported to the job, never swallowed
            conn.send(("error", f"{type(err).__name__}: {err}"))
    except (BrokenPipeError, EOFError):
        return  # the server went away (shut down or cancelled): nobody is left to tell
    finally:
        conn.close()


def run_in_process(
    target: str,
    kwargs: dict[str, Any],
    progress: Callable[[float], None],
    cancelled: Callable[[], bool],
    poll: float = 0.05,
) -> Any:
    """Call ``module:function(progress=..., **kwargs)`` in a child process and return its value.

    Parameters
    ----------
    target : str
        ``"package.module:function"``; the function takes a ``progress(fraction)`` callback
        and returns picklable (plain) data.
    kwargs : dict
        Its keyword arguments (pickled to the child).
    progress, cancelled : callable
        The job's callbacks (:class:`kreislauf.web.jobs.JobManager`).
    poll : float
        Seconds between checks for cancellation.

    Raises
    ------
    Cancelled
        When ``cancelled()`` turned true; the child has been terminated.
    InputError
        Raised by the function in the child (its problems are carried over).
    RuntimeError
        Any other failure of the function or of the child process.
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, target, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        while True:
            if cancelled():
                raise Cancelled
            if parent.poll(poll):
                try:
                    kind, value = parent.recv()
                except EOFError:
                    raise RuntimeError(
                        f"the worker process stopped without a result (exit {proc.exitcode})"
                    ) from None
                if kind == "progress":
                    progress(value)
                elif kind == "done":
                    return value
                elif kind == "input":
                    raise InputError([Problem(*p) for p in value])
                else:
                    raise RuntimeError(value)
            elif not proc.is_alive() and not parent.poll(0):
                raise RuntimeError(
                    f"the worker process stopped without a result (exit {proc.exitcode})"
                )
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=5)
        parent.close()
