"""The result charts as matplotlib figures (for the report page): a cost waterfall, capacity by site and a
representative day's dispatch per open site. The data steps (`waterfall_steps`) are shared with the workbook's
native Excel charts (`charts_sheet`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.report.cjk_font import font_rc
from planner.results.labels import label, table_rows
from planner.results.schema import COST_TEXT

UP, DOWN, TOTAL = "#C0504D", "#4F9D69", "#1F4E78"
CAPACITY_COLOURS = {"IT": "#1F4E78", "PV": "#F2B705", "wind": "#4BACC6", "battery": "#8064A2"}
AREA_FLOWS = (("PV", "pv_mw", "#F2B705"), ("wind", "wind_mw", "#4BACC6"),
              ("grid import", "grid_import_mw", "#7F7F7F"), ("battery discharge", "battery_discharge_mw", "#8064A2"))
LINE_FLOWS = (("facility load", "facility_load_mw", "#C00000", "-"), ("battery charge", "battery_charge_mw", "#8064A2", ":"),
              ("export", "export_mw", "#2CA02C", "--"), ("curtailment", "curtailment_mw", "#999999", "-."))


def component_label(component: str, lang: str = "en") -> str:
    """The readable name of a cost component ('grid connection', 'service / network'), in `lang`."""
    if lang != "en" and f"component:{component}" in table_rows():
        return label(f"component:{component}", lang)
    text = COST_TEXT.get(component, (component.replace("_", " "), ""))[0]
    return text[:1].upper() + text[1:]


def legend_name(name: str, lang: str = "en") -> str:
    """A chart's series name ('PV', 'grid import') in `lang` (the `col:<name>` label)."""
    return name if lang == "en" else label(f"col:{name}", lang)


def waterfall_steps(costs: pd.DataFrame, *, scale: float = 1e-6, lang: str = "en") -> pd.DataFrame:
    """One row per non-zero cost component then the total: label, value, start, end, base, height (x scale).

    A component's bar floats from the running total before it (`start`) to after it (`end`); `base` and `height`
    draw it as a stacked column (an invisible base under a visible bar); the total bar stands on zero. The
    components' values add up to the total.
    """
    c = costs[costs["cost_cny_per_yr"].abs() > 1e-6] if not costs.empty else costs
    rows, run = [], 0.0
    for comp, v in zip(c["component"], c["cost_cny_per_yr"].astype(float) * scale):
        rows.append({"label": component_label(str(comp), lang), "value": v, "start": run, "end": run + v})
        run += v
    rows.append({"label": label("text:report.total", lang), "value": run, "start": 0.0, "end": run})
    out = pd.DataFrame(rows, columns=["label", "value", "start", "end"])
    out["base"] = np.minimum(out["start"], out["end"])
    out["height"] = (out["end"] - out["start"]).abs()
    return out


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def cost_waterfall_figure(costs: pd.DataFrame, *, title: str = "Annualised cost by component", lang: str = "en"):
    """Bars from each component's running total down to the total (million CNY/yr)."""
    plt = _plt()
    steps = waterfall_steps(costs, lang=lang)
    with plt.rc_context(font_rc()):
        fig, ax = plt.subplots(figsize=(9.0, 4.2), dpi=110, layout="constrained")
        n = len(steps)
        colours = [TOTAL if i == n - 1 else (UP if v >= 0 else DOWN) for i, v in enumerate(steps["value"])]
        ax.bar(range(n), steps["height"], bottom=steps["base"], color=colours, edgecolor="black", linewidth=0.4)
        for i in range(n - 1):
            ax.plot([i - 0.4, i + 1.4], [steps["end"].iloc[i]] * 2, color="#888888", linewidth=0.6)
        top = float(max(steps["end"].max(), steps["start"].max(), 1e-9))
        for i, r in steps.iterrows():
            ax.text(i, max(r["start"], r["end"]) + 0.015 * top, f"{r['value']:,.1f}", ha="center", va="bottom",
                    fontsize=8)
        ax.set_xticks(range(n), steps["label"], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(label("text:report.money_axis", lang))
        ax.set_ylim(min(0.0, float(steps["base"].min()) * 1.1), top * 1.12)
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(title, fontsize=11)
    return fig


def capacity_figure(sites: pd.DataFrame, *, title: str = "Capacity of the open sites", lang: str = "en"):
    """Horizontal grouped bars: IT, PV, wind and battery MW per open site (by name, largest IT first)."""
    plt = _plt()
    opened = sites[sites["opened"].astype(bool)].sort_values("it_mw", ascending=False)
    cols = {"IT": "it_mw", "PV": "pv_mw", "wind": "wind_mw", "battery": "battery_mw"}
    cols = {k: v for k, v in cols.items() if v in opened.columns}
    with plt.rc_context(font_rc()):
        n = max(len(opened), 1)
        fig, ax = plt.subplots(figsize=(9.0, 1.2 + 0.55 * n), dpi=110, layout="constrained")
        h = 0.8 / max(len(cols), 1)
        y = np.arange(len(opened))
        for j, (name, col) in enumerate(cols.items()):
            ax.barh(y + (j - (len(cols) - 1) / 2) * h, opened[col].astype(float), height=h,
                    label=legend_name(name, lang),
                    color=CAPACITY_COLOURS[name])
        ax.set_yticks(y, [str(v) for v in opened["name"]], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlabel("MW")
        ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", fontsize=8, ncols=len(cols))
        ax.set_title(title, fontsize=11)
    return fig


def dispatch_figure(day: pd.DataFrame, *, title: str, lang: str = "en"):
    """One day's flows at a site: supply as stacked areas, loads, charging, export and curtailment as lines."""
    plt = _plt()
    hours = day["hour"].astype(int).to_numpy()
    with plt.rc_context(font_rc()):
        fig, ax = plt.subplots(figsize=(9.0, 3.6), dpi=110, layout="constrained")
        areas = [(n, c, col) for n, c, col in AREA_FLOWS if c in day.columns]
        ax.stackplot(hours, *[day[c].astype(float).to_numpy() for _, c, _ in areas],
                     labels=[legend_name(n, lang) for n, _, _ in areas], colors=[col for _, _, col in areas],
                     alpha=0.85)
        for name, c, col, style in LINE_FLOWS:
            if c in day.columns and float(day[c].abs().max()) > 1e-9:
                ax.plot(hours, day[c].astype(float), color=col, linestyle=style, linewidth=1.6,
                        label=legend_name(name, lang))
        ax.set_xlim(hours.min(), hours.max())
        ax.set_xticks(range(0, 24, 3))
        ax.set_xlabel(label("text:report.hour_of_day", lang))
        ax.set_ylabel("MW")
        ax.grid(color="#E5E5E5", linewidth=0.6)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        ax.set_title(title, fontsize=10)
    return fig


__all__ = ["capacity_figure", "component_label", "cost_waterfall_figure", "dispatch_figure", "waterfall_steps"]
