"""Random mutations of the quickstart workbook (Hypothesis): cells set to random values of random types, rows
and sheets deleted, headers renamed. For each mutant, `planner validate` then (if valid) `planner solve` as the
CLI runs them: no traceback, only the documented exit codes (validate 0 or 2; solve 0, 1 or 3), every exit 2
names a sheet, the input's bytes unchanged, and every mutant that validates also solves.

PLANNER_MUTATION_EXAMPLES sets how many mutants (default 20, under a minute); the long run is
`PLANNER_MUTATION_EXAMPLES=10000 pytest tests/input/test_mutations.py` (benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from planner.cli import commands
from planner.examples import example_path

EXAMPLES = int(os.environ.get("PLANNER_MUTATION_EXAMPLES", "20"))
SOLVE_LIMIT_S = "60"  # quickstart solves in seconds; a mutant that takes longer still ends with a plan (exit 1)

QUICKSTART = example_path("quickstart")
SHEETS = openpyxl.load_workbook(QUICKSTART, read_only=True).sheetnames

# text a cell can hold (Excel's XML has no control characters)
cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    cell_text, st.sampled_from(["", " ", "yes", "no", "-", "1e308", "NaN", "=1/0", "[/]", "[bold]x"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
mutation = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SHEETS), st.integers(1, 12), st.integers(1, 14), values),
    st.tuples(st.just("delete_row"), st.sampled_from(SHEETS), st.integers(1, 8)),
    st.tuples(st.just("delete_sheet"), st.sampled_from(SHEETS)),
    st.tuples(st.just("rename_header"), st.sampled_from(SHEETS), st.integers(1, 14), cell_text),
)


def mutate(path: Path, changes: list[tuple]) -> None:
    wb = openpyxl.load_workbook(path)
    for change in changes:
        kind, sheet = change[0], change[1]
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        if kind == "set":
            ws.cell(row=change[2], column=change[3]).value = change[4]
        elif kind == "delete_row":
            ws.delete_rows(change[2])
        elif kind == "delete_sheet" and len(wb.sheetnames) > 1:
            del wb[sheet]
        elif kind == "rename_header":
            ws.cell(row=1, column=change[2]).value = change[3]
    wb.save(path)


def run(args: list[str]) -> tuple[int, str]:
    """The CLI in this process (as `planner ARGS`): its exit code and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), pytest.MonkeyPatch.context() as mp:
        mp.setattr(commands, "skip_collection_at_exit", lambda: None)  # would freeze this test process' objects
        try:
            commands.main(args)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue()


# no shrinking: a failing mutant (at most three changes) is readable as it is, and shrinking solves took minutes
@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(mutation, min_size=1, max_size=3))
def test_a_mutant_is_rejected_with_its_sheet_or_solves(tmp_path_factory, changes):
    folder = tmp_path_factory.mktemp("mutant")
    path = folder / "mutant.xlsx"
    path.write_bytes(QUICKSTART.read_bytes())
    mutate(path, changes)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    code, text = run(["validate", str(path)])
    assert "Traceback" not in text, text
    assert code in (0, 2), (changes, code, text)
    if code == 2:
        assert any(sheet in text for sheet in SHEETS), (changes, text)
    else:
        code, text = run(["solve", str(path), "-o", str(folder / "result.xlsx"), "--time-limit", SOLVE_LIMIT_S])
        assert "Traceback" not in text, text
        assert code in (0, 1, 3), (changes, code, text)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the input workbook was changed"
