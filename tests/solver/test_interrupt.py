"""Ctrl-C (SIGINT) during `PlanningModel.solve`, in this process: the solve stops with KeyboardInterrupt,
HiGHS says it was interrupted, and the same model solves again afterwards (real signals, real HiGHS)."""

from __future__ import annotations

import os
import signal

import pytest

from planner.examples import example_path
from planner.solve import PlanningModel
from planner.input.validate import load_case
from planner.solver.outcome import SOLVED


@pytest.fixture(scope="module")
def quickstart():
    return load_case(example_path("quickstart"))


@pytest.fixture(autouse=True)
def ctrl_c_raises():
    """Python's own SIGINT handler, even if the tests were started with SIGINT ignored (a background job)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("strategy", ["direct", "sites"])
def test_ctrl_c_stops_the_solve_and_the_model_solves_again(quickstart, strategy):
    model = PlanningModel(quickstart)
    lines: list[str] = []
    stages: list[str] = []

    def log(line: str) -> None:
        """Send Ctrl-C at the first line of the solver's log: the solve is surely running then."""
        if not lines:
            os.kill(os.getpid(), signal.SIGINT)
        lines.append(line)

    with pytest.raises(KeyboardInterrupt):
        model.solve(mip_gap=0.0, log=log, progress=lambda info: stages.append(info["stage"]), strategy=strategy)
    assert "stopping" in stages
    if strategy == "direct":  # the run ended early, by the interrupt, not by finishing
        assert any("Interrupted by user" in line for line in lines), lines[-20:]

    again = model.solve(mip_gap=0.02, strategy=strategy)
    assert again.solve.status in SOLVED and again.solve.objective_cny > 0
    assert again.sites["opened"].any()
