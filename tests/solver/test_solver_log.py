"""HiGHS MIP progress lines are parsed into elapsed time, incumbent, bound and gap for the CLI."""

import math

from planner.solver.log import parse_progress


def test_progress_line_with_gap():
    line = " R       0       0         0   0.00%   942112.184337   1261901.2         25.34%        0      0      0" \
           "       419     0.2s"
    info = parse_progress(line)
    assert info == {"stage": "solve", "phase": "HiGHS branch and bound", "elapsed_s": 0.2, "incumbent": 1261901.2,
                    "bound": 942112.184337, "gap": 0.2534}


def test_progress_line_without_bound_or_gap():
    line = " J       0       0         0   0.00%   -inf            2800233.2          Large        0      0      0" \
           "         0     0.2s"
    info = parse_progress(line)
    assert math.isinf(info["bound"]) and info["incumbent"] == 2800233.2 and info["gap"] is None


def test_other_lines_are_not_progress():
    for line in ("Solving report", "  Status            Optimal", "Src  Proc. InQueue |  Leaves   Expl. | BestBound",
                 "  Timing            0.93"):
        assert parse_progress(line) is None
