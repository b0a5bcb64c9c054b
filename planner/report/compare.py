"""Comparing result workbooks: KPIs side by side with deltas against the first, and what changed.

`compare_results(paths)` reads the workbooks (`read_result_workbook`) and returns a `Comparison`;
`write_comparison_workbook(comparison, path)` writes it (atomically). The text helpers (`kpi_label`,
`fmt_value`, `fmt_delta`, `fmt_pct`, `console_unit`) live in `planner.report.kpi_text` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner import __version__
from planner.report import charts, styles
from planner.report import compare_labels as cl
from planner.report.compare_waterfall import write_waterfall_sheet
from planner.report.kpi_text import (KPI_LABELS, console_unit, fmt_delta, fmt_pct, fmt_value, is_missing, is_pct,
                                     kpi_label, status_label)
from planner.report.read_result import ResultTables, read_result_workbook
from planner.results.labels import label as text_label
from planner.results.schema import KPIS_BY_NAME, SITES
from planner.solver.outcome import SOLVED

# KPIs not worth comparing (model size, settings echo, solver internals)
NOT_COMPARED = {"n_variables", "n_binaries", "n_integers", "n_constraints", "mip_gap_setting", "time_limit_s_setting",
                "objective_cny_per_yr", "best_bound_cny_per_yr", "highs_time_s", "build_time_s"}

# the Sites columns compared, with their units (from the result schema)
SITE_ITEMS: tuple[tuple[str, str], ...] = tuple(
    (name, SITES.column(name).unit) for name in ("opened", "it_mw", "modules", "cooling_id", "pv_mw", "wind_mw",
                                                 "battery_mw", "battery_mwh", "grid_mw"))

SITE_ITEM_LABELS = {"opened": "opened", "it_mw": "IT", "modules": "modules", "cooling_id": "cooling",
                    "pv_mw": "PV", "wind_mw": "wind", "battery_mw": "battery", "battery_mwh": "battery energy",
                    "grid_mw": "grid connection"}

SITE_CHANGE_COLUMNS = ("site_id", "name", "scenario", "change", "item", "what", "unit", "base", "value", "delta")
ASSIGNMENT_CHANGE_COLUMNS = ("demand_id", "demand_name", "site_id", "site_name", "scenario", "change", "base_it_mw",
                             "it_mw", "delta_mw")

# Materiality: a capacity (or assignment) change smaller than this share of the larger of its two values is solver
# noise, not a decision, and is not listed; the default is the larger of this and the results' MIP gap settings
# (a plan within a gap of g may differ from an equally good one by about g)
MATERIALITY = 0.005
# the KPI section of the solver's own rows (MIP gap, solve time): shown apart from the business KPIs, without deltas
SOLVER_SECTION = "Solver"


# ---------------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------------
@dataclass
class Comparison:
    """KPIs of several results side by side, deltas against the first, and decision changes.

    info:    index kpi -> section, description, unit (base order, then KPIs only others have)
    values:  index kpi -> one column per label (NaN where a result lacks the KPI)
    deltas:  index kpi -> one column per label after the first: value - base
    pcts:    index kpi -> same: (value - base) / |base| (NaN where base is 0 and the value is not)
    site_changes:       SITE_CHANGE_COLUMNS, one row per changed decision item per site and scenario
    assignment_changes: ASSIGNMENT_CHANGE_COLUMNS
    missing: label -> KPIs of the first result that this one lacks; extra: label -> KPIs only this one has
    notes:   human sentences about missing KPIs/sheets and other caveats
    """

    results: list[ResultTables]
    labels: list[str]
    info: pd.DataFrame
    values: pd.DataFrame
    deltas: pd.DataFrame
    pcts: pd.DataFrame
    site_changes: pd.DataFrame
    assignment_changes: pd.DataFrame
    missing: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    threshold: float = MATERIALITY  # capacity changes below this share are not listed (see MATERIALITY)

    @property
    def base(self) -> str:
        return self.labels[0]

    @property
    def others(self) -> list[str]:
        return self.labels[1:]

    def value(self, kpi: str, label: str) -> float:
        return float(self.values.at[kpi, label])

    def delta(self, kpi: str, label: str) -> float:
        return float(self.deltas.at[kpi, label])

    def pct(self, kpi: str, label: str) -> float:
        return float(self.pcts.at[kpi, label])

    @property
    def business_kpis(self) -> list[str]:
        """The KPIs compared with deltas (not the solver's own rows)."""
        return [k for k in self.info.index if self.info.at[k, "section"] != SOLVER_SECTION]

    @property
    def solver_kpis(self) -> list[str]:
        """The solver's own rows (MIP gap, solve time): shown apart, side by side, without deltas."""
        return [k for k in self.info.index if self.info.at[k, "section"] == SOLVER_SECTION]

    def is_share(self, kpi: str) -> bool:
        """A share: its delta is in percentage points and it has no relative (%) delta."""
        return is_pct(str(self.info.at[kpi, "unit"]), kpi)

    def kpi_table(self) -> pd.DataFrame:
        """One wide table: kpi, section, description, unit, then each label's value, delta and % delta."""
        out = self.info.reset_index()
        for i, label in enumerate(self.labels):
            out[label] = self.values[label].to_numpy()
            if i:
                out[f"{label} delta"] = self.deltas[label].to_numpy()
                out[f"{label} delta %"] = self.pcts[label].to_numpy()
        return out


def _unique_labels(results: Sequence[ResultTables]) -> list[str]:
    labels: list[str] = []
    for r in results:
        label, n = r.label, 2
        while label in labels:
            label = f"{r.label} ({n})"
            n += 1
        labels.append(label)
    return labels


def _close(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a or "") == str(b or "")
    a_bad, b_bad = is_missing(a), is_missing(b)
    if a_bad or b_bad:
        return a_bad and b_bad
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))


def _kpi_frames(results: list[ResultTables], labels: list[str], notes: list[str]
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict, dict]:
    info_rows: dict[str, dict] = {}
    for r in results:
        for _, k in r.kpis.iterrows():
            if k["kpi"] in NOT_COMPARED or k["kpi"] in info_rows:
                continue
            info_rows[k["kpi"]] = {"section": k["section"], "description": k["description"], "unit": k["unit"]}
    info = pd.DataFrame.from_dict(info_rows, orient="index", columns=["section", "description", "unit"])
    info.index.name = "kpi"
    values = pd.DataFrame(index=info.index, columns=labels, dtype=float)
    for r, label in zip(results, labels):
        d = r.kpi_dict()
        values[label] = [d.get(k, np.nan) for k in info.index]
        units = dict(zip(r.kpis["kpi"], r.kpis["unit"]))
        for k in info.index:
            if k in units and str(units[k]) != str(info.at[k, "unit"]) and units[k] and info.at[k, "unit"]:
                notes.append(f"{label}: KPI {k} is in {units[k]}, {labels[0]} has {info.at[k, 'unit']}")
    base = values[labels[0]]
    deltas = pd.DataFrame(index=info.index, columns=labels[1:], dtype=float)
    pcts = pd.DataFrame(index=info.index, columns=labels[1:], dtype=float)
    b = base.to_numpy(dtype=float)
    for label in labels[1:]:
        v = values[label].to_numpy(dtype=float)
        same = np.array([_close(x, y) for x, y in zip(v, b)]) & ~np.isnan(v) & ~np.isnan(b)
        d = np.where(same, 0.0, v - b)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(d == 0, 0.0, d / np.abs(b))
        p = np.where(np.abs(b) < 1e-12, np.where(d == 0, 0.0, np.nan), p)
        p = np.where(np.isnan(d), np.nan, p)
        deltas[label] = d
        pcts[label] = p
    missing: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    base_kpis = set(results[0].kpis["kpi"]) - NOT_COMPARED
    for r, label in zip(results, labels):
        have = set(r.kpis["kpi"]) - NOT_COMPARED
        lacks = [k for k in info.index if k in base_kpis and k not in have]
        more = [k for k in info.index if k in have and k not in base_kpis]
        version = f" (written by planner {r.planner_version})" if r.planner_version else " (older planner version?)"
        if lacks:
            missing[label] = lacks
            notes.append(f"{label} lacks {len(lacks)} KPI(s) that {labels[0]} has{version}: {', '.join(lacks)}; "
                         f"compared on the KPIs both have")
        if more:
            extra[label] = more
            notes.append(f"{labels[0]} lacks {len(more)} KPI(s) that {label} has: {', '.join(more)}")
    return info, values, deltas, pcts, missing, extra


def material(a, b, threshold: float) -> bool:
    """Whether a change from a to b (numbers; missing = 0) is more than `threshold` of the larger of the two."""
    x, y = (0.0 if is_missing(v) else float(v) for v in (a, b))
    return abs(y - x) > threshold * max(abs(x), abs(y)) and not _close(x, y)


def default_threshold(results: Sequence[ResultTables]) -> float:
    """MATERIALITY or the largest MIP gap setting of the results, whichever is larger."""
    gaps = [r.kpi_dict().get("mip_gap_setting", np.nan) for r in results]
    return max([MATERIALITY, *(float(g) for g in gaps if not is_missing(g) and 0 <= g < 1)])


def _text(v) -> str:
    """An id cell as text: '' for a blank (also read back as 'nan')."""
    return "" if is_missing(v) or str(v).strip().lower() in ("", "nan", "none") else str(v)


def _site_changes(results: list[ResultTables], labels: list[str], notes: list[str],
                  threshold: float = 0.0) -> pd.DataFrame:
    rows = []
    base = results[0].sites
    if base is None:
        return pd.DataFrame(columns=list(SITE_CHANGE_COLUMNS))
    b = base.set_index("site_id")
    for r, label in zip(results[1:], labels[1:]):
        if r.sites is None:
            continue
        o = r.sites.set_index("site_id")
        for sid in list(dict.fromkeys(list(b.index) + list(o.index))):
            name = (b.at[sid, "name"] if sid in b.index and "name" in b.columns else
                    o.at[sid, "name"] if "name" in o.columns else "")
            if sid not in o.index or sid not in b.index:
                where = label if sid in o.index else labels[0]
                rows.append({"site_id": sid, "name": name, "scenario": label, "change": f"only in {where}",
                             "item": "candidate", "what": "candidate site", "unit": "-",
                             "base": "yes" if sid in b.index else "no",
                             "value": "yes" if sid in o.index else "no", "delta": np.nan})
                continue
            was, now = bool(b.at[sid, "opened"]), bool(o.at[sid, "opened"])
            change = "opened" if now and not was else "closed" if was and not now else "changed"
            for item, unit in SITE_ITEMS:
                if item not in b.columns or item not in o.columns:
                    continue
                x, y = b.at[sid, item], o.at[sid, item]
                if item == "opened":
                    x, y = ("yes" if x else "no"), ("yes" if y else "no")
                if item == "cooling_id":
                    x, y = _text(x), _text(y)
                if _close(x, y):
                    continue
                numeric = not isinstance(x, str) and not isinstance(y, str)
                if numeric and item != "modules" and not material(x, y, threshold):
                    continue
                delta = (float(0 if is_missing(y) else y) - float(0 if is_missing(x) else x)) if numeric else np.nan
                rows.append({"site_id": sid, "name": name, "scenario": label, "change": change, "item": item,
                             "what": SITE_ITEM_LABELS.get(item, item), "unit": unit, "base": x, "value": y,
                             "delta": delta})
    return pd.DataFrame(rows, columns=list(SITE_CHANGE_COLUMNS))


def _names(frame: pd.DataFrame, id_col: str, name_col: str) -> dict[str, str]:
    if name_col not in frame.columns:
        return {}
    return {str(i): _text(n) for i, n in zip(frame[id_col], frame[name_col]) if _text(n)}


def _assignment_changes(results: list[ResultTables], labels: list[str], threshold: float = 0.0) -> pd.DataFrame:
    base = results[0].assignments
    if base is None:
        return pd.DataFrame(columns=list(ASSIGNMENT_CHANGE_COLUMNS))
    frames = []
    for r, label in zip(results[1:], labels[1:]):
        if r.assignments is None:
            continue
        m = base[["demand_id", "site_id", "it_mw"]].merge(r.assignments[["demand_id", "site_id", "it_mw"]],
                                                          on=["demand_id", "site_id"], how="outer",
                                                          suffixes=("_base", ""), sort=False)
        m = m.rename(columns={"it_mw_base": "base_it_mw"})
        m["base_it_mw"] = m["base_it_mw"].astype(float)
        m["it_mw"] = m["it_mw"].astype(float)
        m["delta_mw"] = m["it_mw"].fillna(0.0) - m["base_it_mw"].fillna(0.0)
        m["change"] = np.where(m["base_it_mw"].isna(), "new", np.where(m["it_mw"].isna(), "removed", "changed"))
        keep = [material(a, b, threshold) for a, b in zip(m["base_it_mw"].fillna(0.0), m["it_mw"].fillna(0.0))]
        m = m[keep].copy()
        demands = {**_names(base, "demand_id", "demand_name"), **_names(r.assignments, "demand_id", "demand_name")}
        sites = {**_names(base, "site_id", "site_name"), **_names(r.assignments, "site_id", "site_name")}
        m["demand_name"] = [demands.get(str(i), str(i)) for i in m["demand_id"]]
        m["site_name"] = [sites.get(str(i), str(i)) for i in m["site_id"]]
        m["scenario"] = label
        frames.append(m)
    if not frames:
        return pd.DataFrame(columns=list(ASSIGNMENT_CHANGE_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(ASSIGNMENT_CHANGE_COLUMNS)]


def compare_results(paths: Sequence[str | Path], *, threshold: float | None = None) -> Comparison:
    """Read result workbooks and compare them against the first.

    `threshold`: capacity and assignment changes smaller than this share of the larger value are not listed
    (default: `default_threshold`, MATERIALITY or the largest MIP gap setting).

    Raises `ResultWorkbookError` (naming the file and what is missing) for a file that is not a result workbook.
    """
    if len(paths) < 2:
        raise ValueError("compare needs at least two result workbooks")
    results = [read_result_workbook(p) for p in paths]
    labels = _unique_labels(results)
    notes: list[str] = []
    for r in results:
        notes.extend(r.notes)
    info, values, deltas, pcts, missing, extra = _kpi_frames(results, labels, notes)
    threshold = default_threshold(results) if threshold is None else float(threshold)
    for r, label in zip(results, labels):
        if r.status.get("solver_status") not in (None, *SOLVED):
            notes.append(f"{label}: solver status {r.status.get('solver_status')} (not proven optimal): its KPIs "
                         f"may change with a longer run")
    return Comparison(results=results, labels=labels, info=info, values=values, deltas=deltas, pcts=pcts,
                      site_changes=_site_changes(results, labels, notes, threshold),
                      assignment_changes=_assignment_changes(results, labels, threshold), missing=missing,
                      extra=extra, notes=notes, threshold=threshold)


# ---------------------------------------------------------------------------------------------------------
# Comparison workbook
# ---------------------------------------------------------------------------------------------------------
def _kpi_number_format(kpi: str, unit: str) -> str:
    """The declared format of a KPI shown in its declared unit; else (an older workbook) one from the unit."""
    declared = KPIS_BY_NAME.get(kpi)
    if declared is not None and unit == declared.sheet_unit:
        return declared.number_format
    if unit == "count":
        return styles.FMT_INT
    if is_pct(unit, kpi):
        return styles.FMT_GAP if "gap" in kpi else styles.FMT_SHARE
    return styles.number_format_for(unit, kpi)


PP_FORMAT = '+0.0" pp";-0.0" pp";0" pp"'  # a share's delta, in percentage points


def _write_kpis(wb: Workbook, c: Comparison, written_at: str, lang: str = "en") -> None:
    ws = wb.create_sheet(cl.sheet("KPIs", lang))
    r = styles.write_title(ws, 1, cl.phrase("title", lang, labels=" vs ".join(c.labels)),
                           cl.phrase("kpis_subtitle", lang, base=c.base, written_at=written_at, version=__version__))
    for note in c.notes:
        styles.put(ws, r, 1, note).font = Font(italic=True, color="C00000")
        r += 1
    r += 1
    kpis = c.business_kpis
    info = c.info.loc[kpis]
    shares = [c.is_share(k) for k in kpis]
    table = pd.DataFrame({"section": [cl.section_name(s, lang) for s in info["section"]],
                          "description": [d if lang == "en" else cl.kpi_name(k, d, lang).strip()
                                          for k, d in zip(kpis, info["description"])],
                          "unit": [("%" if s else u) for s, u in zip(shares, info["unit"])]})
    pct_cols, row_cols, delta_cols = [], [], []
    for i, label in enumerate(c.labels):
        table[label] = c.values.loc[kpis, label].to_numpy()
        row_cols.append(label)
        if i:
            d = c.deltas.loc[kpis, label].to_numpy(dtype=float)
            table[f"{label} Δ"] = np.where(shares, d * 100, d)
            table[f"{label} Δ%"] = np.where(shares, np.nan, c.pcts.loc[kpis, label].to_numpy(dtype=float))
            row_cols.append(f"{label} Δ")
            delta_cols.append(table.columns.get_loc(f"{label} Δ"))
            pct_cols.append(f"{label} Δ%")
    table["kpi"] = kpis
    table["section"] = table["section"].where(table["section"] != table["section"].shift())
    formats = [_kpi_number_format(k, u) for k, u in zip(kpis, info["unit"])]
    header, first, last = cl.write_table(ws, table, lang, start_row=r, unit_row=False, row_formats=formats,
                                         row_format_columns=row_cols, keep=c.labels,
                                         formats={col: styles.FMT_SHARE for col in pct_cols})
    for i, share in enumerate(shares):
        ws.cell(row=first + i, column=1).font = Font(bold=True, color="1F4E78")
        for j in delta_cols if share else ():
            ws.cell(row=first + i, column=1 + j).number_format = PP_FORMAT
    _write_solver_rows(ws, c, last + 2, lang)
    styles.freeze(ws, f"D{header + 1}")
    # printed: the title and notes run across (no wrap), the KPI ids unbroken, descriptions wrap in a wide column
    styles.set_widths(ws, max_width=18, fixed={"A": 27, "B": 70, "C": 11, get_column_letter(table.shape[1]): 34},
                      wrap_from_row=header)
    styles.print_setup(ws, repeat_rows=f"{header}:{header}")


def solver_rows(c: Comparison, lang: str = "en") -> pd.DataFrame:
    """How each result was solved, side by side (no deltas: not a business result): status, method, MIP gap,
    solve time; `description` and `unit` columns, then one column per label."""
    gaps = c.values.loc["mip_gap"] if "mip_gap" in c.values.index else {}
    rows = [{"description": text_label("text:solver_status", lang), "unit": "-",
             **{label: status_label(str(r.status.get("solver_status", "")), gaps.get(label))
                for r, label in zip(c.results, c.labels)}},
            {"description": cl.phrase("method", lang), "unit": "-",
             **{label: str(r.status.get("termination", "")) for r, label in zip(c.results, c.labels)}}]
    for k in c.solver_kpis:
        rows.append({"description": cl.kpi_name(k, str(c.info.at[k, "description"]), lang),
                     "unit": "%" if c.is_share(k) else str(c.info.at[k, "unit"]),
                     **{label: c.values.at[k, label] for label in c.labels}})
    return pd.DataFrame(rows, columns=["description", "unit", *c.labels])


def _write_solver_rows(ws, c: Comparison, row: int, lang: str = "en") -> None:
    r = styles.write_section(ws, row, cl.phrase("solver_section", lang), 2 + len(c.labels))
    frame = solver_rows(c, lang)
    formats = [None, None] + [_kpi_number_format(k, str(c.info.at[k, "unit"])) for k in c.solver_kpis]
    cl.write_table(ws, frame, lang, start_row=r, start_col=2, unit_row=False, row_formats=formats,
                   row_format_columns=list(c.labels), keep=c.labels)


def _write_changes(wb: Workbook, title: str, frame: pd.DataFrame, empty_text: str, *, units: dict[str, str],
                   lang: str = "en") -> None:
    ws = wb.create_sheet(cl.sheet(title, lang))
    if frame.empty:
        styles.write_title(ws, 1, cl.sheet(title, lang), empty_text)
        styles.freeze(ws, "A3")
        styles.set_widths(ws)
        styles.print_setup(ws)
        return
    formats = None
    row_cols: tuple[str, ...] = ()
    if "unit" in frame.columns:
        formats = [styles.number_format_for(u, "") if u != "-" else styles.FMT_INT for u in frame["unit"]]
        row_cols = ("base", "value", "delta")
    if lang != "en":  # the human columns in `lang`; ids and the machine-readable unit stay
        frame = frame.assign(change=[cl.change_text(str(x), lang) for x in frame["change"]])
        if "what" in frame.columns:
            frame["what"] = [cl.heading(str(i), lang) for i in frame["item"]]
    header, _, _ = cl.write_table(ws, frame, lang, units=units, row_formats=formats, row_format_columns=row_cols)
    styles.freeze(ws, f"C{header + 2}")
    styles.set_widths(ws, max_width=30)
    styles.print_setup(ws, repeat_rows=f"{header}:{header + 1}")


CHART_SECTIONS = ("Cost", "Emissions and green power", "Capacity")


def _write_chart(wb: Workbook, c: Comparison, lang: str = "en") -> None:
    ws = wb.create_sheet(cl.sheet("Chart", lang))
    styles.write_title(ws, 1, cl.phrase("chart_title", lang, base=c.base), cl.phrase("chart_subtitle", lang))
    styles.freeze(ws, "A3")
    if not c.others:
        return
    keep = [k for k in c.info.index if c.info.at[k, "section"] in CHART_SECTIONS and not c.is_share(k)
            and c.pcts.loc[k].notna().any() and abs(c.values.at[k, c.base]) > 1e-9]
    names = [cl.kpi_name(k, c.info.at[k, "description"], lang) for k in keep]
    frame = pd.DataFrame({"kpi": [cl.phrase("cost_prefix", lang, name=n.strip()) if n.startswith("  ") else n
                                  for n in names]})
    for label in c.others:
        frame[label] = c.pcts.loc[keep, label].to_numpy(dtype=float)
    c0 = 16
    header = 4
    header, first, last = cl.write_table(ws, frame, lang, start_row=header, start_col=c0,
                                         units={label: "%" for label in c.others}, keep=c.labels,
                                         formats={label: styles.FMT_SHARE for label in c.others})
    if keep:
        clip = 3.0  # +300 %: a KPI growing from a tiny base would flatten every other bar
        big = float(np.nanmax(np.abs(frame[c.others].to_numpy(dtype=float)))) if len(frame) else 0.0
        chart = charts.bar_chart(ws, title=cl.phrase("chart_name", lang, base=c.base), header_row=header,
                                 first_row=first,
                                 last_row=last, cat_col=c0, value_cols=list(range(c0 + 1, c0 + 1 + len(c.others))),
                                 anchor="B4", y_title=cl.phrase("chart_axis", lang), number_format="0%",
                                 horizontal=True,
                                 width=24, height=max(9.0, 0.55 * len(keep) * max(1, len(c.others)) + 3))
        chart.x_axis.tickLblPos = "low"  # KPI names at the left edge, never under (or over) a negative bar
        if big > clip:
            chart.y_axis.scaling.min = -1.0
            chart.y_axis.scaling.max = clip
            styles.put(ws, 3, 1, cl.phrase("axis_cut", lang, clip=f"{clip:.0%}")).font = styles.WARN_FONT
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions[get_column_letter(c0)].width = 26
    styles.print_setup(ws)


def _write_files(wb: Workbook, c: Comparison, lang: str = "en") -> None:
    ws = wb.create_sheet(cl.sheet("Files", lang))
    rows = []
    for r, label in zip(c.results, c.labels):
        rows.append({"label": label, "file": str(r.path), "case_name": r.case_name,
                     "solver_status": r.status.get("solver_status", ""),
                     "proven_optimal": r.status.get("proven_optimal", ""),
                     "planner_version": r.planner_version or "", "written_at": r.run.get("written_at", ""),
                     "input_file": r.run.get("input_file", ""), "input_sha256": r.run.get("input_sha256", ""),
                     "notes": "; ".join(r.notes)})
    header, _, _ = cl.write_table(ws, pd.DataFrame(rows), lang, units={k: "-" for k in rows[0]} if rows else None)
    styles.freeze(ws, f"B{header + 2}")
    styles.set_widths(ws, max_width=50)
    styles.print_setup(ws, repeat_rows=f"{header}:{header + 1}")


def build_comparison_workbook(c: Comparison, lang: str = "en") -> Workbook:
    """The comparison workbook, its sheet names, headers, KPI names and chart titles in `lang` (`compare_labels`)."""
    written_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    wb = Workbook()
    wb.remove(wb.active)
    _write_kpis(wb, c, written_at, lang)
    _write_changes(wb, "Site changes", c.site_changes,
                   cl.phrase("no_site_change", lang, threshold=f"{c.threshold:.1%}"),
                   units={"base": "see unit", "value": "see unit", "delta": "see unit", "unit": "-", "what": "-"},
                   lang=lang)
    _write_changes(wb, "Assignment changes", c.assignment_changes,
                   cl.phrase("no_assignment_change", lang, threshold=f"{c.threshold:.1%}"),
                   units={"base_it_mw": "MW", "it_mw": "MW", "delta_mw": "MW"}, lang=lang)
    write_waterfall_sheet(wb, c, lang)
    _write_chart(wb, c, lang)
    from planner.report.input_diff import write_input_differences

    write_input_differences(wb, [r.path for r in c.results], c.labels, lang)
    _write_files(wb, c, lang)
    wb.properties.title = cl.phrase("title", lang, labels=" vs ".join(c.labels))
    wb.properties.creator = f"planner {__version__}"
    wb.properties.keywords = "planner-comparison"
    wb.active = 0
    return wb


def write_comparison_workbook(c: Comparison, path: str | Path, lang: str = "en") -> Path:
    """Write the comparison workbook (in `lang`: en or zh) atomically; returns the path."""
    from planner.input.template import save_atomic

    return save_atomic(build_comparison_workbook(c, lang), Path(path))


__all__ = ["Comparison", "compare_results", "write_comparison_workbook", "build_comparison_workbook", "kpi_label",
           "fmt_value", "fmt_delta", "fmt_pct", "console_unit", "KPI_LABELS"]
