"""KPI values as console text, shared by `planner solve`'s summary table and `planner compare`.

Labels come from the result schema (`planner.results.schema.KPIS`); values are shown in the KPI's unit, costs
in millions, shares as percentages (deltas of shares in percentage points).
"""

from __future__ import annotations

import math

from planner.report import styles
from planner.solver.outcome import OPTIMAL_GAP
from planner.results.schema import SUMMARY_ROWS
from planner.results.schema_types import CNY_PER_MCNY, MONEY_SHEET_UNITS

# KPI -> short label for tables (cost components indented under the total)
KPI_LABELS: dict[str, str] = {k.name: k.label for k in SUMMARY_ROWS if k.label}


def kpi_label(kpi: str, description: str = "") -> str:
    return KPI_LABELS.get(kpi) or (description if description and len(description) <= 40 else kpi)


def is_pct(unit: str, kpi: str) -> bool:
    """A share (stored as a fraction), shown as a percentage."""
    return unit in ("%", "share") or (unit in ("-", "") and styles.is_share(kpi))


def is_missing(v) -> bool:
    """None, NaN or infinite: shown as '-'."""
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def is_money(unit: str) -> bool:
    """An amount of money (CNY, CNY/yr): shown in million CNY; a unit cost (CNY/kW/yr, CNY/MWh) is not."""
    return unit in MONEY_SHEET_UNITS


def console_unit(unit: str, kpi: str = "") -> str:
    if is_pct(unit, kpi):
        return "%"
    if is_money(unit):
        return MONEY_SHEET_UNITS[unit]
    return unit if unit not in ("-", "count") else ""


def fmt_value(v, unit: str, kpi: str = "") -> str:
    if isinstance(v, str):
        return v
    if is_missing(v):
        return "-"
    v = float(v)
    if is_pct(unit, kpi):
        return f"{v * 100:.{2 if 'gap' in kpi else 1}f}"
    if is_money(unit):
        return f"{v / CNY_PER_MCNY:,.1f}"
    if unit.startswith("CNY"):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "MWh":  # a capacity (battery energy), not an annual amount
        return f"{v:,.1f}"
    if unit.startswith("MWh") or unit.startswith("tCO2"):
        return f"{v:,.0f}"
    if unit.startswith("MW"):
        return f"{v:,.1f}"
    if "pue" in kpi or unit.startswith("kgCO2"):
        return f"{v:.3f}"
    if unit == "s":
        return f"{v:,.1f}"
    return f"{v:,.4g}"


def fmt_delta(d, unit: str, kpi: str = "") -> str:
    if is_missing(d):
        return "-"
    if d == 0:
        return "0"
    text = fmt_value(abs(d), unit, kpi)
    if is_pct(unit, kpi):
        text += " pp"
    return ("+" if d > 0 else "-") + text


def fmt_pct(p) -> str:
    if is_missing(p):
        return "n/a"
    if p == 0:
        return "0.0%"
    return f"{p:+.1%}"


def status_label(status: str, gap: float | None) -> str:
    """A solver status in a few words: 'optimal', 'within gap (0.79%)', 'not proven optimal (time limit)'. A result
    written before 'within_gap' existed says 'optimal' for a plan within the gap setting: its gap tells."""
    if status == "optimal" and gap is not None and math.isfinite(gap) and gap > OPTIMAL_GAP:
        status = "within_gap"
    gap_text = ("n/a" if gap is None or not math.isfinite(gap) else f"{gap:.2%}" if gap >= 1e-4 or gap == 0
                else f"{gap * 100:.2g}%")
    return {"optimal": "optimal", "within_gap": f"within gap ({gap_text})",
            "time_limit": f"not proven optimal: time limit (gap {gap_text})",
            "feasible": f"not proven optimal (gap {gap_text})"}.get(status, status)


__all__ = ["KPI_LABELS", "console_unit", "is_money", "fmt_delta", "fmt_pct", "fmt_value", "is_missing", "is_pct", "kpi_label",
           "status_label"]
