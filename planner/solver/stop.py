"""Ctrl-C while HiGHS runs.

Python runs its SIGINT handler in the main thread only, between two bytecodes. While highspy's `run()` works
in C++, that moment comes inside one of the Python callbacks HiGHS makes (a log line, an interrupt check), and
a KeyboardInterrupt raised inside a C++ callback need not reach the caller; nor can the main thread tell the
user anything meanwhile.

So `run_stoppable` runs the solve in a worker thread while the main thread waits in Python, where Ctrl-C
arrives as an ordinary KeyboardInterrupt. That sets a stop flag; HiGHS' simplex, IPM and MIP interrupt
checks read it on every object passed to `watch` and end the run; `run` raises KeyboardInterrupt in the
worker as soon as a run returns; and the main thread raises KeyboardInterrupt once the worker is done. The
models stay usable: the next solve starts with the flag cleared.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

import highspy

T = TypeVar("T")

_stop = threading.Event()
_worker_done = threading.Event()  # the last worker's; set while none runs
_worker_done.set()


def stop_requested() -> bool:
    return _stop.is_set()


def _check(event) -> None:
    event.interrupt(_stop.is_set())  # also clears an interrupt HiGHS may still hold from a stopped run


def watch(h: highspy.Highs) -> highspy.Highs:
    """Let Ctrl-C end a run of `h` at HiGHS' next interrupt check (for runs that can take long)."""
    if not getattr(h, "_planner_watched", False):
        for callback in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
            callback.subscribe(_check)
        h._planner_watched = True
    return h


def raise_if_stopped() -> None:
    if _stop.is_set():
        raise KeyboardInterrupt


def time_limit(h: highspy.Highs | None, seconds: float) -> float:
    """HiGHS' `time_limit` option for `seconds` more of run time. HiGHS compares the option with the object's
    run clock, which adds up over its `run()` calls: a plain `seconds` on an object that has already run that
    long stops the next run at once."""
    return (h.getRunTime() if h is not None else 0.0) + seconds


def run(h: highspy.Highs) -> None:
    """`h.run()`, then KeyboardInterrupt if Ctrl-C asked to stop (during the run or before it)."""
    raise_if_stopped()
    h.run()
    raise_if_stopped()


def run_stoppable(work: Callable[[], T], on_stop: Callable[[], None] | None = None) -> T:
    """`work()` in a worker thread, so that Ctrl-C stops it (see the module docstring).

    The first Ctrl-C calls `on_stop` (to tell the user), asks HiGHS to stop and waits for the worker to
    return: HiGHS checks for it often, but not inside a MIP's root LP, which can take a while on big models.
    A second Ctrl-C stops waiting and leaves the worker to die with the process (or, in a session that goes
    on, to end before the next solve starts). Called outside the main thread (no Ctrl-C arrives there),
    `work()` just runs.
    """
    global _worker_done
    if threading.current_thread() is not threading.main_thread():
        return work()
    while not _worker_done.wait(0.1):  # an abandoned solve, still stopping: never two HiGHS runs at once
        pass
    _stop.clear()
    outcome: dict = {}
    done = _worker_done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            outcome["error"] = error
        finally:
            highspy.Highs.resetGlobalScheduler(False)  # as highspy's own threaded solve does
            done.set()

    threading.Thread(target=target, name="planner-solve", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:  # not Thread.join: a KeyboardInterrupt inside join() can mark a running thread as finished
            done.wait(0.1)
        except KeyboardInterrupt:
            if interrupted:
                raise
            interrupted = True
            _stop.set()
            if on_stop:
                on_stop()
    _stop.clear()
    if interrupted:
        raise KeyboardInterrupt
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
