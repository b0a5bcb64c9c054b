"""The report page: one self-contained HTML file from a result workbook (`planner report RESULT.xlsx`).

It holds the map, the headline KPIs, the charts (cost waterfall, capacity by site, a representative day's
dispatch per open site), the Policy table and the Sites table. Images are PNG data URIs, the style sheet is
inline, nothing is loaded from the network, so the file works offline and prints to PDF from a browser
(A4 landscape, figures and table rows kept whole, table headers repeated on each page).
"""

from __future__ import annotations

import base64
import html
import math
import re
from pathlib import Path

import pandas as pd

from planner import __version__
from planner.report.charts_sheet import typical_day
from planner.report.cjk_font import font_face_css
from planner.report.figures import capacity_figure, cost_waterfall_figure, dispatch_figure
from planner.report.kpi_text import console_unit, fmt_value
from planner.report.map_png import figure_bytes, map_figure
from planner.report.report_data import ReportData, read_report_data
from planner.results.labels import check_lang, label, unit_text
from planner.results.schema import KPIS, POLICY_DESCRIPTIONS

FIGURE_DPI = 150  # sharp enough to print

STYLE = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #d9dee5; --accent: #1f4e78; }
* { box-sizing: border-box; }
body { font-family: "planner-cjk", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 1120px; padding: 24px 28px; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.2em; margin: 28px 0 10px; border-bottom: 2px solid var(--accent); padding-bottom: 3px; }
.meta { color: var(--muted); font-size: 0.9em; margin: 0 0 6px; }
.status { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; font-size: 0.9em; }
.status.ok { background: #e2f2e6; color: #1b6b34; } .status.warn { background: #fff1d6; color: #8a5a00; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 10px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.kpi .label { color: var(--muted); font-size: 0.8em; } .kpi .value { font-size: 1.3em; font-weight: 600; }
.kpi .unit { color: var(--muted); font-size: 0.8em; margin-left: 3px; }
figure { margin: 0 0 16px; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.85em; margin-top: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 0.82em; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f1f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
tr.bind td { font-weight: 600; } tr.fail td { color: #b00020; } tr.closed td { color: #8a939e; }
.notes { color: var(--muted); font-size: 0.85em; } footer { margin-top: 28px; color: var(--muted); font-size: 0.8em; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; page-break-after: avoid; }
  .pagebreak { break-before: page; page-break-before: always; }
  figure img { width: auto; max-width: 100%; max-height: 150mm; margin: 0 auto; }
  figure.map img { max-height: 160mm; } }
"""


def text(key: str, lang: str, **values) -> str:
    """The page's phrase `text:report.<key>` in `lang` (planner/results/labels.csv), `{placeholders}` filled."""
    return label(f"text:report.{key}", lang).format(**values)


def blank(v) -> str | None:
    """'-' for a missing value (None, NaN, '', 'nan'), else None."""
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() in ("", "nan") else None


def esc(v) -> str:
    return html.escape("" if v is None else str(v))


def img_tag(png: bytes, alt: str, element_id: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img id="{esc(element_id)}" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def figure_html(fig, alt: str, element_id: str, caption: str = "") -> str:
    import matplotlib.pyplot as plt

    try:
        png = figure_bytes(fig, "png", dpi=FIGURE_DPI)
    finally:
        plt.close(fig)
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{img_tag(png, alt, element_id)}{cap}</figure>'


def kpi_cards(data: ReportData, lang: str = "en") -> str:
    values = data.tables.kpi_dict()
    units = dict(zip(data.tables.kpis["kpi"], data.tables.kpis["unit"]))
    cards = []
    for k in KPIS:
        if not k.headline or k.name not in values or (k.section == "Cost" and k.name != "total_cost_cny_per_yr"):
            continue
        unit = str(units.get(k.name) or k.unit)
        value = fmt_value(values[k.name], unit, k.name)
        cards.append(f'<div class="kpi" data-kpi="{esc(k.name)}"><div class="label">'
                     f'{esc(label(f"kpi:{k.name}", lang).strip())}</div><div class="value">{esc(value)}'
                     f'<span class="unit">{esc(unit_text(console_unit(unit, k.name), lang))}</span></div></div>')
    return f'<div class="kpis">{"".join(cards)}</div>'


def _num(v, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
        return "-"
    return f"{float(v):,.{digits}f}"


def policy_value(v, unit: str, policy: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if unit in ("%", "-", "", "share") and "pue" not in policy:
        return f"{float(v) * 100:.1f} %"
    if "pue" in policy:
        return f"{float(v):.3f}"
    return fmt_value(float(v), unit, policy)


POLICY_COLUMNS = ("policy", "scope", "required", "achieved", "slack", "unit", "binding", "satisfied", "description")


def policy_table(policy: pd.DataFrame | None, lang: str = "en") -> str:
    if policy is None or policy.empty:
        return f'<p class="notes">{esc(text("no_policy", lang))}</p>'
    head = [label(f"col:{c}", lang) for c in POLICY_COLUMNS]
    yes, no = text("yes", lang), text("no", lang)
    rows = []
    for _, r in policy.iterrows():
        unit, pol = str(r.get("unit", "")), str(r["policy"])
        cls = "fail" if not bool(r.get("satisfied", True)) else ("bind" if bool(r.get("binding", False)) else "")
        desc = label(f"policy:{pol}", lang) if pol in POLICY_DESCRIPTIONS else r.get("description") or ""
        shown_unit = "%" if unit in ("%", "-", "", "share") and "pue" not in pol else unit
        cells = [esc(pol), esc(r.get("scope", "")),
                 *(f'<td class="num">{esc(policy_value(r.get(c), unit, pol))}</td>' for c in
                   ("required", "achieved", "slack")),
                 esc(shown_unit), yes if bool(r.get("binding", False)) else no,
                 yes if bool(r.get("satisfied", True)) else text("not_met", lang), esc(desc)]
        tds = "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells)
        rows.append(f'<tr class="{cls}">{tds}</tr>')
    ths = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f'<table id="policy-table"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# (column, label key, unit, digits): the headers are the Sites sheet's labels (planner/results/labels.csv)
SITE_COLUMNS = (("name", "col:site_name", "", None), ("hub", "text:report.hub", "", None),
                ("opened", "col:opened", "", None), ("it_mw", "col:it_mw", "MW", 1),
                ("cooling", "col:cooling_id", "", None), ("pue_annual", "col:pue", "", 3),
                ("pv_mw", "col:pv_mw", "MW", 1),
                ("wind_mw", "col:wind_mw", "MW", 1), ("battery_mw", "col:battery_mw", "MW", 1),
                ("grid_mw", "col:grid_mw", "MW", 1), ("green_share", "col:green_share", "%", None),
                ("emissions_tco2", "col:emissions_tco2", "tCO2/yr", 0), ("cost_mcny", "col:cost_cny", "M CNY/yr", 1))


def site_header(key: str, unit: str, lang: str = "en") -> str:
    return label(key, lang) + (f" ({unit_text(unit, lang)})" if unit else "")


def sites_table(data: ReportData, hub_names: dict, cooling_names: dict, lang: str = "en") -> str:
    sites = data.tables.sites
    if sites is None or sites.empty:
        return f'<p class="notes">{esc(text("no_sites", lang))}</p>'
    s = sites.sort_values(["opened", "it_mw"], ascending=[False, False]).copy()
    s["hub"] = s["hub_id"].map(lambda h: hub_names.get(str(h), str(h)))
    s["cooling"] = s["cooling_id"].map(lambda c: blank(c) or cooling_names.get(str(c), str(c))) \
        if "cooling_id" in s.columns else "-"
    if "cost_cny" in s.columns:
        s["cost_mcny"] = s["cost_cny"].astype(float) / 1e6
    rows = []
    for _, r in s.iterrows():
        tds = []
        for col, _, _, digits in SITE_COLUMNS:
            v = r.get(col)
            if col == "opened":
                tds.append(f"<td>{esc(text('yes' if bool(v) else 'no', lang))}</td>")
            elif col == "green_share":
                tds.append(f'<td class="num">{"-" if v is None or pd.isna(v) else f"{float(v) * 100:.1f}"}</td>')
            elif digits is not None:
                tds.append(f'<td class="num">{_num(v, digits)}</td>')
            else:
                tds.append(f"<td>{esc(v)}</td>")
        rows.append(f'<tr class="{"" if bool(r["opened"]) else "closed"}">{"".join(tds)}</tr>')
    ths = "".join(f"<th>{esc(site_header(key, unit, lang))}</th>" for _, key, unit, _ in SITE_COLUMNS)
    return f'<table id="sites-table"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def charts_html(data: ReportData, lang: str = "en") -> str:
    parts = []
    costs = data.costs()
    if not costs.empty:
        parts.append(figure_html(cost_waterfall_figure(costs, title=text("cost_chart", lang), lang=lang),
                                 "Cost waterfall", "chart-costs"))
    sites = data.tables.sites
    opened = sites[sites["opened"].astype(bool)] if sites is not None else None
    if opened is not None and not opened.empty:
        parts.append(figure_html(capacity_figure(sites, title=text("capacity_chart", lang), lang=lang),
                                 "Capacity by site", "chart-capacity"))
        if data.dispatch is not None and not data.dispatch.empty:
            for i, (_, site) in enumerate(opened.sort_values("it_mw", ascending=False).iterrows()):
                day, day_text = typical_day(data.dispatch, str(site["site_id"]), lang)
                if not day.empty:
                    title = text("dispatch_chart", lang, site=site["name"], day=day_text)
                    parts.append(figure_html(dispatch_figure(day, title=title, lang=lang),
                                             f"Dispatch at {site['name']}", f"chart-dispatch-{i + 1}"))
    return "".join(parts) or f'<p class="notes">{esc(text("no_charts", lang))}</p>'


def build_report_html(data: ReportData, *, latency_circles: bool = False, colour_by: str = "hub",
                      lang: str = "en") -> str:
    """The page as one HTML string (the map with each demand's latency circle if `latency_circles`; its sites
    coloured by hub or by cooling; its titles, headers, KPI names, chart titles and policy texts in `lang`)."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    t = data.tables
    status = t.status.get("solver_status", "")
    proven = bool(t.status.get("proven_optimal", False))
    badge = (f'<span class="status {"ok" if proven else "warn"}">'
             f'{esc(status)}{"" if proven else esc(text("not_proven", lang))}</span>')
    mdata = data.map_data()
    if mdata is not None:
        mdata.title = label("text:map.title", lang).format(case=t.case_name)
        fig = map_figure(mdata, latency_circles=latency_circles, colour_by=colour_by, dpi=FIGURE_DPI, lang=lang)
        try:
            png = figure_bytes(fig, "png", dpi=FIGURE_DPI)
        finally:
            plt.close(fig)
        caption = text("map_caption", lang, colour_by=text(f"by.{colour_by}", lang),
                       circles=text("circles", lang) if latency_circles else "")
        map_html = (f'<figure class="map">{img_tag(png, "Map of sites, demands and assignments", "map")}'
                    f"<figcaption>{esc(caption)}</figcaption></figure>")
        hubs, cooling = mdata.hub_names, mdata.cooling_names
    else:
        map_html, hubs, cooling = f'<p class="notes">{esc(text("no_map", lang))}</p>', {}, {}
    run = t.run
    meta = " · ".join(esc(x) for x in (text("input", lang, value=run.get("input_file")) if run.get("input_file")
                                       else "",
                                       text("solved", lang, value=run.get("written_at")) if run.get("written_at")
                                       else "",
                                       f"planner {run.get('planner_version')}" if run.get("planner_version")
                                       else "") if x)
    notes = "".join(f"<li>{esc(n)}</li>" for n in t.notes)
    body = f"""<header><h1>{esc(t.case_name)}</h1><p class="meta">{meta}</p>{badge}</header>
<h2 id="kpis">{esc(text("kpis", lang))}</h2>{kpi_cards(data, lang)}
<h2 id="map-section" class="pagebreak">{esc(text("map", lang))}</h2>{map_html}
<h2 id="charts" class="pagebreak">{esc(label("sheet:Charts", lang))}</h2>{charts_html(data, lang)}
<h2 id="policy" class="pagebreak">{esc(label("sheet:Policy", lang))}</h2>
<p class="notes">{esc(text("policy_note", lang))}</p>
{policy_table(data.policy, lang)}
<h2 id="sites">{esc(label("sheet:Sites", lang))}</h2>{sites_table(data, hubs, cooling, lang)}
{f'<h2>{esc(text("notes", lang))}</h2><ul class="notes">{notes}</ul>' if notes else ''}
<footer>{esc(text("footer", lang, version=__version__, file=t.path.name))}</footer>"""
    page_text = re.sub(r'src="data:[^"]*"', "", body)  # the page's text, for the embedded CJK font
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(t.case_name)}: {esc(text("title", lang))}</title>
<style>{font_face_css(page_text + t.case_name + text("title", lang))}{STYLE}</style></head>
<body>
{body}
</body></html>
"""


def write_report_html(result_path: str | Path, out: str | Path, **kw) -> Path:
    """Read the result workbook and write the report page to `out` atomically; returns `out` (`kw`: see
    `build_report_html`)."""
    from planner.atomic import atomic_path

    page = build_report_html(read_report_data(result_path), **kw)
    out = Path(out)
    with atomic_path(out) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return out


def report_target(result_path: str | Path) -> Path:
    """The default report page: <result-stem>-report.html beside the result workbook."""
    p = Path(result_path)
    return p.with_name(f"{p.stem}-report.html")


__all__ = ["build_report_html", "report_target", "write_report_html"]
