"""The comparison workbook's Input differences sheet: every input value that differs between the compared results.

Read from each result workbook's Inputs sheet (`planner.report.inputs_sheet`: one block per input sheet, a section
row "Sheet: description", the column names, the units, the data, a blank row). Rows are matched by the input
sheet's key (Settings by name, Profiles by time step), and every value that differs from the first workbook's is
listed: sheet, id, column, the value in each workbook. Profiles are summarised per profile column (how many time
steps differ, the largest difference), so a changed price curve is one row, not 8760.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook

from planner.input.schema import SHEETS_BY_NAME
from planner.report import compare_labels as cl
from planner.report import styles
from planner.results.labels import sheet_titles

MISSING = "(missing)"
REL_TOL = 1e-9
SHEET = "Input differences"


def read_inputs(path: str | Path) -> dict[str, pd.DataFrame]:
    """Input sheet name -> its table as used, from a result workbook's Inputs sheet ({} if it has none)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        tab = next((t for t in wb.sheetnames if t in sheet_titles("Inputs")), None)  # its name in any language
        if tab is None:
            return {}
        rows = [tuple(r) for r in wb[tab].iter_rows(values_only=True)]
    finally:
        wb.close()
    out: dict[str, pd.DataFrame] = {}
    i = 0
    while i < len(rows):
        first = rows[i][0] if rows[i] else None
        name = str(first).split(":", 1)[0] if isinstance(first, str) and ":" in first else None
        if name in SHEETS_BY_NAME and i + 2 < len(rows):
            header = [h for h in rows[i + 1] if h is not None]
            j = i + 3  # after the units row
            data = []
            while j < len(rows) and any(v is not None for v in rows[j]):
                data.append(list(rows[j][:len(header)]))
                j += 1
            out[name] = pd.DataFrame(data, columns=[str(h) for h in header])
            i = j
        else:
            i += 1
    return out


def _blank(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def _same(a: Any, b: Any) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)
    return a == b


def _keyed(sheet: str, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """id text -> {column: value} of one table (Settings by name, Profiles by row, others by the schema key)."""
    if sheet == "Settings":
        return {str(r["name"]): {"value": r["value"]} for _, r in frame.iterrows()}
    key = [k for k in SHEETS_BY_NAME[sheet].key if k in frame.columns]
    out = {}
    for n, (_, row) in enumerate(frame.iterrows()):
        ident = ",".join(str(row[k]) for k in key) if key else str(n + 1)
        out[ident] = {c: row[c] for c in frame.columns if c not in key}
    return out


def _profile_rows(frames: list[pd.DataFrame | None], labels: list[str]) -> list[dict[str, Any]]:
    """One row per profile column that differs: the count of differing steps and the largest difference."""
    rows = []
    columns = list(dict.fromkeys(c for f in frames if f is not None for c in f.columns))
    for col in columns:
        values = [f[col].to_numpy(dtype=float) if f is not None and col in f.columns else None for f in frames]
        row = {"sheet": "Profiles", "id": "(all time steps)", "column": col}
        differs = False
        for label, v in zip(labels, values):
            if v is None or values[0] is None:
                row[label] = MISSING if v is None else "present"
                differs = differs or (v is None) != (values[0] is None)
            elif len(v) != len(values[0]):
                row[label] = f"{len(v)} time steps"
                differs = True
            else:
                diff = abs(v - values[0])
                n = int((diff > REL_TOL * (abs(values[0]) + 1e-12)).sum())
                row[label] = "(base)" if label == labels[0] else (f"{n} steps differ, max {diff.max():.6g}" if n else "same")
                differs = differs or n > 0
        if differs:
            rows.append(row)
    return rows


def input_differences(paths: Sequence[str | Path], labels: Sequence[str]) -> pd.DataFrame:
    """Every input value that differs from the first workbook's: sheet, id, column, then one column per label."""
    inputs = [read_inputs(p) for p in paths]
    labels = list(labels)
    rows: list[dict[str, Any]] = []
    sheets = [s for s in SHEETS_BY_NAME if any(s in i for i in inputs)]
    for sheet in sheets:
        frames = [i.get(sheet) for i in inputs]
        if sheet == "Profiles":
            rows += _profile_rows(frames, labels)
            continue
        keyed = [_keyed(sheet, f) if f is not None else {} for f in frames]
        ids = list(dict.fromkeys(k for table in keyed for k in table))
        for ident in ids:
            columns = list(dict.fromkeys(c for table in keyed for c in table.get(ident, {})))
            for col in columns:
                values = [table[ident].get(col) if ident in table else MISSING for table in keyed]
                if any(not _same(values[0], v) for v in values[1:]):
                    rows.append({"sheet": sheet, "id": ident, "column": col, **dict(zip(labels, values))})
    return pd.DataFrame(rows, columns=["sheet", "id", "column", *labels])


def write_input_differences(wb: Workbook, paths: Sequence[str | Path], labels: Sequence[str],
                            lang: str = "en") -> pd.DataFrame:
    """The Input differences sheet (after the others, in `lang`); returns its table."""
    frame = input_differences(paths, labels)
    ws = wb.create_sheet(cl.sheet(SHEET, lang))
    row = styles.write_title(ws, 1, cl.phrase("inputs_title", lang), cl.phrase("inputs_subtitle", lang, base=labels[0]))
    if frame.empty:
        styles.put(ws, row + 1, 1, cl.phrase("no_input_change", lang))
    else:
        header, _, _ = cl.write_table(ws, frame, lang, start_row=row + 1, unit_row=False, keep=labels)
        styles.freeze(ws, f"D{header + 1}")
        ws.print_title_rows = f"{header}:{header}"
    styles.set_widths(ws, max_width=40)
    styles.print_setup(ws)
    return frame


__all__ = ["input_differences", "read_inputs", "write_input_differences"]
