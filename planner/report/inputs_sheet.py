"""The Inputs sheet of the result (and infeasibility) workbook: the validated input tables as used.

Each block: the input sheet's name and description, its column names, units (from `planner.input.schema`)
and data; the settings as the `planner.results.schema.INPUT_SETTINGS` table.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from openpyxl import Workbook

from planner.input.case import Case
from planner.input.schema import SETTINGS, SHEETS_BY_NAME
from planner.report import styles
from planner.results.schema import INPUT_SETTINGS

INPUT_TABLES = (("Hubs", "hubs"), ("Sites", "sites"), ("Cooling", "cooling"), ("SiteCooling", "site_cooling"),
                ("Demand", "demand"), ("Network", "network"), ("Links", "links"), ("Technologies", "technologies"))


def settings_frame(case: Case) -> pd.DataFrame:
    """The settings as used (`INPUT_SETTINGS` columns), with their unit and description from the input schema."""
    rows = []
    for f in dataclasses.fields(case.settings):
        value = getattr(case.settings, f.name)
        try:
            col = SETTINGS.column(f.name)
            unit, desc = col.unit, col.description
        except KeyError:
            unit, desc = "-", ""
        rows.append({"name": f.name, "value": value, "unit": unit, "description": desc})
    return pd.DataFrame(rows, columns=list(INPUT_SETTINGS.column_names))


def input_tables(case: Case) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) of the validated inputs, ids as columns, in schema order."""
    out: list[tuple[str, pd.DataFrame]] = [("Settings", settings_frame(case))]
    for name, attr in INPUT_TABLES:
        frame = getattr(case, attr)
        if frame is None or frame.empty:
            continue
        frame = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame.copy()
        out.append((name, frame))
    prof = pd.concat([case.timesteps.reset_index(drop=True), case.profiles.reset_index(drop=True)], axis=1)
    out.append(("Profiles", prof))
    return out


def input_units(sheet: str, frame: pd.DataFrame) -> dict[str, str]:
    """Each column's unit from the input schema ('-' for columns it does not declare, e.g. profile ids)."""
    spec = SHEETS_BY_NAME.get(sheet)
    units = {}
    for c in frame.columns:
        try:
            units[str(c)] = spec.column(str(c)).unit if spec is not None else "-"
        except KeyError:
            units[str(c)] = "-"
    return units


def input_formats(units: dict[str, str]) -> dict[str, str]:
    """Number formats for input values: input units are per unit of capacity or energy, not annual totals."""
    out = {}
    for c, u in units.items():
        if u in ("CNY", "CNY/MW", "CNY/(MW*yr)"):
            out[c] = "#,##0"
        elif u in ("-", "deg", "1/yr", "1/degC", "tCO2/MWh", "ms/km", "MW/MW", "cf", "share", "degC"):
            out[c] = "0.####"
        else:
            out[c] = styles.number_format_for(u, c)
    return out


def write_inputs_sheet(wb: Workbook, case: Case, input_name: str | None, lang: str = "en") -> None:
    ws = wb.create_sheet("Inputs")
    r = styles.write_title(ws, 1, "Inputs as used (validated, defaults filled in)",
                           f"From {input_name or case.source}. Each block: sheet name, column names, units, "
                           f"data.")
    styles.freeze(ws, "B3")
    r += 1
    for sheet, frame in input_tables(case):
        spec = SHEETS_BY_NAME.get(sheet)
        r = styles.write_section(ws, r, f"{sheet}: {spec.description}" if spec else sheet,
                                 min(len(frame.columns), 12))
        if sheet == "Settings":
            _, last = styles.write_schema_table(ws, INPUT_SETTINGS, frame, start_row=r, lang=lang)
        else:
            frame = frame.copy()
            frame.columns = [str(c) for c in frame.columns]
            units = input_units(sheet, frame)
            _, last = styles.write_table(ws, frame, start_row=r, units=units, formats=input_formats(units))
        r = last + 2
    styles.set_widths(ws, max_width=28, sample_rows=200, fixed={"A": 24}, wrap_from_row=None)
    styles.print_setup(ws)


__all__ = ["input_formats", "input_tables", "input_units", "settings_frame", "write_inputs_sheet"]
