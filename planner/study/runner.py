"""Running study tasks: in this process one by one, or on a Dask cluster (local or existing).

Both call `on_done(outcome)` in this (the client's) process as each outcome arrives, so results are written
here, atomically, whatever runs the solves. On Dask a task lost with its worker (killed, out of memory) is
run again on another worker by the scheduler; a task that raises is retried `RETRIES` times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from planner.study.task import Outcome, Task, one_thread, solve_scenario

RETRIES = 2
DONE = Callable[[Outcome], None]


def run_serial(tasks: Sequence[Task], on_done: DONE, on_start: Callable[[Task], None] | None = None) -> None:
    for task in tasks:
        if on_start:
            on_start(task)
        on_done(solve_scenario(task))


def local_cluster(workers: int):
    """A local cluster of `workers` single-threaded worker processes (one HiGHS thread each)."""
    one_thread()  # inherited by the worker processes
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        host="127.0.0.1")


def run_dask(tasks: Sequence[Task], on_done: DONE, *, scheduler: str | None = None, workers: int | None = None,
             on_start: Callable[[Task], None] | None = None, timeout_s: float = 30.0,
             function: Callable[..., Outcome] = solve_scenario, shared: Any = None) -> None:
    """Submit every task to the cluster (an existing `scheduler` address, or a local one of `workers`) and hand
    each outcome to `on_done` as it completes. A task that fails even after its retries becomes a failed
    outcome naming the error. `function` runs one task on a worker (default: a scenario solve; any task with a
    `scenario` name, e.g. a Pareto point); `shared`, if given, is sent to every worker once and passed to
    `function` after the task."""
    from distributed import Client, as_completed

    cluster = None if scheduler else local_cluster(workers or 2)
    client = Client(scheduler or cluster, timeout=timeout_s)
    try:
        futures = {}
        extra = [] if shared is None else client.scatter([shared], broadcast=True, hash=False)
        for task in tasks:
            future = client.submit(function, task, *extra, pure=False, retries=RETRIES,
                                   key=f"scenario-{task.scenario}-{id(task):x}")
            futures[future] = task
            if on_start:
                on_start(task)
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - the task's own error, or the cluster gave up on it
                outcome = Outcome(task.scenario, "failed", f"{type(exc).__name__}: {exc}")
            on_done(outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
