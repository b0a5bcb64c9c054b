"""`planner solve`'s progress without a terminal: a plain line per solver stage and its first plan, at most one
every PLAIN_EVERY_S seconds within a stage, with the best plan, the bound, the gap and the time left; a stage's
figures are its own."""

from __future__ import annotations

import io

from rich.console import Console

from planner.report.console import PLAIN_EVERY_S, SolveProgress, figures_text


def test_figures_text_says_what_is_known():
    assert figures_text("cuts", {}, 10.0, 300.0) == "cuts: 290 s of 300 s left"
    text = figures_text("HiGHS branch and bound", {"incumbent": 1.5e9, "bound": 1.2e9, "gap": 0.2}, 100.0, 300.0)
    assert text == ("HiGHS branch and bound: best plan 1,500.0, bound 1,200.0 M CNY/yr, gap 20.00%, "
                    "200 s of 300 s left")
    assert figures_text("", {"bound": 2e6}, 5.0, float("inf")) == "bound 2.0 M CNY/yr"


def test_plain_lines_one_per_stage_and_no_flood():
    out = io.StringIO()
    progress = SolveProgress(Console(file=out, width=200), quiet_spinner=True, plain_lines=True)
    with progress:
        progress.progress({"stage": "build", "build_s": 0.1, "n_variables": 10, "n_constraints": 5})
        progress.progress({"stage": "solve", "elapsed_s": 0.0, "time_limit_s": 600.0})
        for k in range(200):  # a burst of moves within one stage: one line
            progress.progress({"stage": "solve", "phase": "design days", "incumbent": 2e9 - k * 1e6,
                               "bound": 1e9})
        progress.progress({"stage": "solve", "phase": "year dispatch and sizing"})
        progress.progress({"stage": "solve", "phase": "cuts", "bound": 2.5e9})
        progress.progress({"stage": "solve", "phase": "cuts", "incumbent": 3e9, "bound": 2.5e9, "gap": 1 / 6})
        progress.progress({"stage": "solve", "phase": "cuts", "incumbent": 2.9e9, "bound": 2.5e9})
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  solving")]
    assert len(lines) == 4, out.getvalue()  # the stages, and the first plan of the cuts stage
    assert "design days: best plan 2,000.0, bound 1,000.0 M CNY/yr" in lines[0] and "of 600 s left" in lines[0]
    assert lines[1].endswith("year dispatch and sizing: 600 s of 600 s left")  # the design days' figures are gone
    assert "cuts: bound 2,500.0 M CNY/yr" in lines[2]
    assert "cuts: best plan 3,000.0, bound 2,500.0 M CNY/yr, gap 16.67%" in lines[3]
    assert PLAIN_EVERY_S >= 10
