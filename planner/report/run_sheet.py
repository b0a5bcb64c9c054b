"""The Run sheet of the result (and infeasibility) workbook: provenance, one row per item of
`planner.results.schema.RUN` (input file and its SHA-256, versions, settings, command line)."""

from __future__ import annotations

import hashlib
import platform
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from planner import __version__
from planner.input.case import Case
from planner.report import styles
from planner.results.result import Result
from planner.results.schema import FORMAT, FORMAT_VERSION, RUN, RUN_REPEATED, check_names


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # pragma: no cover - the packages are dependencies
        return "unknown"


def versions() -> dict[str, str]:
    """Versions of planner, Python and the packages a result depends on."""
    out = {"planner": __version__, "python": platform.python_version()}
    try:
        import pyomo.version

        out["pyomo"] = str(pyomo.version.version)
    except Exception:  # pragma: no cover - pyomo is a dependency
        out["pyomo"] = "unknown"
    out["highspy"] = package_version("highspy")
    out["openpyxl"] = package_version("openpyxl")
    return out


def run_rows(result: Result, case: Case, *, input_path: str | Path | None, command_line: str | None,
             written_at: str) -> list[tuple[str, Any, str]]:
    """(item, value, note) rows of the Run sheet, in schema order; notes are the items' schema descriptions."""
    info, st = result.solve, case.settings
    found = versions()
    p = Path(input_path) if input_path else None
    values: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "case_name": result.case_name,
        "input_file": p.name if p else (case.source or ""), "input_path": str(p.resolve()) if p else "",
        "input_sha256": sha256_of(p) if p and p.is_file() else "", "written_at": written_at,
        "command_line": command_line if command_line is not None else " ".join(sys.argv),
        "planner_version": found["planner"], "pyomo_version": found["pyomo"],
        "highs_version": info.solver_version or found["highspy"], "python_version": found["python"],
        "openpyxl_version": found["openpyxl"], "platform": platform.platform(), "solver_status": info.status,
        "termination": info.termination, "mip_gap_setting": info.mip_gap_setting,
        "time_limit_s_setting": info.time_limit_s_setting, "objective": st.objective,
        "carbon_price_cny_per_tco2": st.carbon_price_cny_per_tco2, "carbon_cap_tco2_per_yr": st.carbon_cap_tco2_per_yr,
        "case_summary": case.summary(),
    }
    repeated = {"input_warning": [str(w) for w in case.warnings], "message": list(result.messages),
                "override": list(case.overrides)}
    check_names("the Run items", RUN.row_names, [*values, *repeated])
    notes = {"solver_status": info.status_text()}  # the status in words, for this plan
    rows: list[tuple[str, Any, str]] = []
    for item in RUN.rows:
        for value in repeated[item.name] if item.name in RUN_REPEATED else [values[item.name]]:
            rows.append((item.name, value, notes.get(item.name, item.description)))
    return rows


def write_run_sheet(wb: Workbook, result: Result, case: Case, *, input_path: str | Path | None,
                    command_line: str | None, written_at: str, lang: str = "en") -> None:
    ws = wb.create_sheet("Run")
    rows = run_rows(result, case, input_path=input_path, command_line=command_line, written_at=written_at)
    frame = pd.DataFrame(rows, columns=list(RUN.column_names))
    frame["value"] = frame["value"].map(lambda v: "" if v is None else v)
    styles.write_schema_table(ws, RUN, frame, lang=lang)
    styles.freeze(ws, "B3")
    styles.set_widths(ws, fixed={"A": 28, "B": 70, "C": 60}, wrap_from_row=2)
    styles.print_setup(ws, repeat_rows="1:2")


__all__ = ["package_version", "run_rows", "sha256_of", "versions", "write_run_sheet"]
