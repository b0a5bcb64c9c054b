"""Sweeps on a real Dask cluster started here (`dask scheduler` and `dask worker` processes on 127.0.0.1, random
free ports): the same KPIs as a serial sweep, and a worker killed (SIGKILL) while it solves loses no scenario."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from planner.solver.outcome import SOLVED
from rich.console import Console

from cli_run import planner
from study_cases import study_tables, write_study_case
from planner.examples import example_path
from planner.input.overrides import Scenario, parse_override, parse_overrides, read_scenarios
from planner.input.reader import read_workbook
from planner.input.validate import case_from_tables
from planner.study.pareto import frontier
from planner.study.store import StudyFolder
from planner.study.sweep import run_study, tasks_of
from planner.study.task import input_sha256

QUIET = Console(quiet=True)
BIN = Path(sys.executable).parent
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "PYTHONUNBUFFERED": "1"}
START_S = 60.0
TIMING_KPIS = {"solve_time_s", "build_time_s"}


def _worker(file: Path, name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([BIN / "dask", "worker", "--scheduler-file", str(file), "--host", "127.0.0.1",
                             "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=ENV)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, start_worker(name) -> Popen) of a scheduler with two workers; everything is killed at
    the end whatever happens."""
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    procs = [subprocess.Popen([BIN / "dask", "scheduler", "--scheduler-file", str(file), "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard"], stdout=(folder / "scheduler.log").open("w"),
                              stderr=subprocess.STDOUT, env=ENV)]

    def start(name: str) -> subprocess.Popen:
        procs.append(_worker(file, name, folder / f"{name}.log"))
        return procs[-1]

    try:
        deadline = time.monotonic() + START_S
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert file.exists(), (folder / "scheduler.log").read_text()
        address = json.loads(file.read_text())["address"]
        from distributed import Client

        start("w1"), start("w2")
        with Client(address, timeout=START_S) as client:
            client.wait_for_workers(2, timeout=START_S)
        yield address, start
    finally:
        for proc in reversed(procs):
            proc.kill()
        for proc in procs:
            proc.wait(timeout=30)


def test_sweep_on_the_cluster_equals_the_serial_sweep(cluster, tmp_path):
    address, _ = cluster
    path = write_study_case(tmp_path)
    scenarios = [s for s in read_scenarios(read_workbook(path)) if s.name in ("base", "cheap-pv")]
    serial = run_study(path, scenarios, tmp_path / "serial", console=QUIET)
    dask = run_study(path, scenarios, tmp_path / "dask", console=QUIET, scheduler=address)
    assert sorted(dask.solved_now) == sorted(s.name for s in scenarios)
    assert not any(r.worker.endswith(f":{os.getpid()}") for r in dask.ordered)  # solved on the workers
    for name in (s.name for s in scenarios):
        a, b = serial.records[name], dask.records[name]
        assert a.status == b.status and a.status in SOLVED
        assert {k: v for k, v in a.kpis.items() if k not in TIMING_KPIS} == \
               {k: v for k, v in b.kpis.items() if k not in TIMING_KPIS}
        assert a.design == b.design
        assert (tmp_path / "dask" / b.workbook).is_file()


def test_frontier_on_the_cluster_equals_the_serial_frontier(cluster):
    """The points between the ends spread over the two workers (three points: one worker solves two, on the model
    it built for the first), each from the least-emissions plan; the serial frontier re-solves one model, each
    point from the plan before it. The same frontier within the gap."""
    address, _ = cluster
    tables = study_tables(scenarios=[], days=3)
    tables.pop("Scenarios")
    case = case_from_tables(tables)
    serial, dask = frontier(case, 5), frontier(case, 5, scheduler=address)
    assert [p.label for p in dask] == [p.label for p in serial]
    gap = case.settings.mip_gap
    for a, b in zip(serial, dask):
        assert b.outcome.status in SOLVED and a.outcome.status in SOLVED
        assert b.cap_tco2_per_yr == a.cap_tco2_per_yr
        assert b.cost == pytest.approx(a.cost, rel=2 * gap)
        if b.cap_tco2_per_yr is not None:
            assert b.emissions <= b.cap_tco2_per_yr * (1 + 1e-6)
    assert [p.outcome.worker for p in (dask[0], dask[-1])] == ["client", "client"]  # the ends: on the client
    assert not any(p.outcome.worker.endswith(f":{os.getpid()}") for p in dask[1:-1])  # the rest: on the workers


CHEAP = ["Demand.it_load_mw*=0.5", "mip_gap=0.05"]  # the quickstart at half its demand: well under a second a solve
QUICK_SCENARIOS = [("carbon-300", "carbon_price_cny_per_tco2=300"),
                   ("cheap-batteries", "Technologies[battery].capex_cny_per_kwh*=0.5")]


def test_cli_sweep_on_a_local_cluster_equals_the_serial_sweep(tmp_path):
    """`planner sweep --workers 2` (a local Dask cluster started by the CLI) on the quickstart with two scenarios
    and the base, against the same sweep solved serially here: the same records (same keys: input, overrides and
    options), KPIs and designs."""
    path = tmp_path / "case.xlsx"
    path.write_bytes(Path(example_path("quickstart")).read_bytes())
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for row, (name, override) in enumerate(QUICK_SCENARIOS, start=3):
        wb["Scenarios"].cell(row, 1, name), wb["Scenarios"].cell(row, 2, override)
    wb.save(path)
    sets = [a for o in CHEAP for a in ("--set", o)]
    result = planner("sweep", path.name, "--workers", "2", *sets, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    scenarios = read_scenarios(read_workbook(path))
    for scenario in scenarios:
        scenario.overrides = [*parse_overrides(CHEAP), *scenario.overrides]
    serial = run_study(path, scenarios, tmp_path / "serial", console=QUIET)
    assert sorted(serial.solved_now) == ["base", "carbon-300", "cheap-batteries"]
    dask = StudyFolder(tmp_path / "outputs" / "case-study")
    sha = input_sha256(path)
    for task in tasks_of(path, scenarios):
        a, b = serial.records[task.scenario], dask.done(task.scenario, task.key(sha))
        assert b is not None, task.scenario  # solved by the CLI with the same input, overrides and options
        assert a.status == b.status and a.status in SOLVED
        assert {k: v for k, v in a.kpis.items() if k not in TIMING_KPIS} == \
               {k: v for k, v in b.kpis.items() if k not in TIMING_KPIS}
        assert a.design == b.design
        assert b.worker != a.worker  # on a worker process of the CLI's cluster
    assert (dask.folder / "case-study.xlsx").is_file()


def test_worker_killed_while_solving_loses_no_scenario(cluster, tmp_path):
    """The study case over 12 days, so each solve runs for a second or more; a third worker is killed (SIGKILL)
    while it has a scenario in hand."""
    address, start = cluster
    victim = start("victim")
    from distributed import Client

    path = write_study_case(tmp_path, days=12, scenarios=[])
    names = [f"carbon-{price}" for price in (0, 100, 200)]
    scenarios = [Scenario(n, overrides=[parse_override(f"carbon_price_cny_per_tco2={n.split('-')[1]}")])
                 for n in names]
    killed = threading.Event()

    def kill_when_busy(client) -> None:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            by_name = {w["name"]: a for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
            if client.processing().get(by_name.get("victim"), ()):
                time.sleep(0.5)  # past reading the workbook: building or solving
                victim.send_signal(signal.SIGKILL)
                killed.set()
                return
            time.sleep(0.02)

    with Client(address, timeout=START_S) as client:
        client.wait_for_workers(3, timeout=START_S)
        killer = threading.Thread(target=kill_when_busy, args=(client,), daemon=True)
        killer.start()
        study = run_study(path, scenarios, tmp_path / "study", console=QUIET, scheduler=address)
        killer.join(timeout=START_S)
    assert killed.is_set() and victim.wait(timeout=10) == -signal.SIGKILL
    assert sorted(study.solved_now) == sorted(names)  # each exactly once
    assert [r.scenario for r in study.ordered] == names and not study.failed, study.failed
    assert not any(r.worker.endswith(f":{victim.pid}") for r in study.ordered)
    assert len(list((tmp_path / "study" / ".records").iterdir())) == 3
