"""Comparing result workbooks: two real solves of a tiny case (no carbon price / a carbon price)."""

from __future__ import annotations

import math
import re

import openpyxl
import pytest

import numpy as np
import pandas as pd

from planner.report.compare import (MATERIALITY, SITE_ITEM_LABELS, compare_results, fmt_delta, fmt_pct, fmt_value,
                                    write_comparison_workbook)
from planner.report.compare_waterfall import chart_columns, cost_steps
from planner.report.read_result import ResultWorkbookError, read_result_workbook
from planner.report.result_workbook import write_result_workbook
from planner.results.schema import FORMAT_VERSION
from report_cases import tiny_case, write_tiny_workbook
from planner.solver.outcome import SOLVED


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Two result workbooks of different solves: base (no carbon price) and carbon (300 CNY/tCO2)."""
    from planner.solve import solve_case

    tmp = tmp_path_factory.mktemp("compare")
    out = {}
    for label, price in (("base", 0.0), ("carbon", 300.0)):
        case = tiny_case(carbon_price=price, case_name=label)
        result = solve_case(case)
        assert result.solve.status in SOLVED
        path = write_result_workbook(result, case, tmp / f"{label}-result.xlsx")
        out[label] = (result, path)
    return out


def test_deltas_are_the_differences_of_the_solves(results):
    (base, a), (carbon, b) = results["base"], results["carbon"]
    c = compare_results([a, b])
    assert c.labels == ["base", "carbon"]
    kb = dict(zip(base.kpis["kpi"], base.kpis["value"].astype(float)))
    kc = dict(zip(carbon.kpis["kpi"], carbon.kpis["value"].astype(float)))
    for k in ("total_cost_cny_per_yr", "emissions_tco2_per_yr", "green_share", "wind_capacity_mw",
              "battery_energy_mwh", "cost_energy_cny_per_yr"):
        assert c.value(k, "base") == pytest.approx(kb[k])
        assert c.value(k, "carbon") == pytest.approx(kc[k])
        assert c.delta(k, "carbon") == pytest.approx(kc[k] - kb[k], rel=1e-9, abs=1e-6)
        assert c.pct(k, "carbon") == pytest.approx((kc[k] - kb[k]) / abs(kb[k]), rel=1e-9, abs=1e-12)
    # a carbon price makes emissions fall and cost rise, and the carbon cost goes from 0 to > 0
    assert c.delta("emissions_tco2_per_yr", "carbon") < 0 < c.delta("total_cost_cny_per_yr", "carbon")
    assert c.value("cost_carbon_cny_per_yr", "base") == 0 and math.isnan(c.pct("cost_carbon_cny_per_yr", "carbon"))
    assert not c.missing and not c.extra


def test_site_and_assignment_changes(results):
    (base, a), (carbon, b) = results["base"], results["carbon"]
    c = compare_results([a, b], threshold=0.0)
    bs, cs = base.sites.set_index("site_id"), carbon.sites.set_index("site_id")
    expected = {(s, item) for s in bs.index for item in ("pv_mw", "wind_mw", "battery_mw", "grid_mw")
                if abs(bs.at[s, item] - cs.at[s, item]) > 1e-6 * max(1.0, abs(bs.at[s, item]))}
    got = set(zip(c.site_changes["site_id"], c.site_changes["item"]))
    assert expected and expected <= got
    row = c.site_changes[(c.site_changes["item"] == "wind_mw")].iloc[0]
    assert row["delta"] == pytest.approx(row["value"] - row["base"])
    assert set(c.assignment_changes.columns) >= {"demand_id", "site_id", "base_it_mw", "it_mw", "delta_mw"}


def test_a_result_compared_with_itself_has_all_zero_deltas(results):
    _, a = results["base"]
    c = compare_results([a, a])
    assert c.labels == ["base", "base (2)"]
    assert (c.deltas["base (2)"].fillna(0.0) == 0.0).all()
    assert (c.pcts["base (2)"].dropna() == 0.0).all()
    assert c.site_changes.empty and c.assignment_changes.empty
    assert not c.notes


def test_three_results_compare_against_the_first(results, tmp_path):
    (_, a), (_, b) = results["base"], results["carbon"]
    c = compare_results([a, b, a])
    assert c.others == ["carbon", "base (2)"]
    assert c.delta("total_cost_cny_per_yr", "base (2)") == 0.0
    assert c.delta("total_cost_cny_per_yr", "carbon") > 0
    table = c.kpi_table()
    assert {"base", "carbon", "carbon delta", "carbon delta %", "base (2) delta"} <= set(table.columns)


def test_comparison_workbook(results, tmp_path):
    (_, a), (_, b) = results["base"], results["carbon"]
    out = write_comparison_workbook(compare_results([a, b]), tmp_path / "cmp" / "comparison.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["KPIs", "Site changes", "Assignment changes", "Cost waterfall", "Chart", "Input differences", "Files"]
    ws = wb["KPIs"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "kpi" in r)
    cols = rows[header]
    assert {"base", "carbon", "carbon Δ", "carbon Δ%", "unit", "description"} <= set(cols)
    kpi_rows = {r[cols.index("kpi")]: r for r in rows[header + 1:]}
    total = kpi_rows["total_cost_cny_per_yr"]
    assert total[cols.index("carbon Δ")] == pytest.approx(total[cols.index("carbon")] - total[cols.index("base")])
    assert ws.freeze_panes
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert [c.value for c in wb["Site changes"][1]][:4] == ["site_id", "name", "scenario", "change"]


def test_older_result_compares_on_the_kpis_both_have(results, tmp_path):
    (_, a), (_, b) = results["base"], results["carbon"]
    old = tmp_path / "old-result.xlsx"
    wb = openpyxl.load_workbook(b)
    ws = wb["Summary"]
    kpi_col = [c.value for c in ws[next(r for r in range(1, 10) if "kpi" in [c.value for c in ws[r]])]].index("kpi")
    dropped = {"cue_kgco2_per_kwh_it", "curtailment_share"}
    for row in range(ws.max_row, 0, -1):
        if ws.cell(row, kpi_col + 1).value in dropped:
            ws.delete_rows(row)
    for name in ("Run", "Assignments"):
        del wb[name]
    wb.save(old)
    c = compare_results([a, old])
    assert set(c.missing["old"]) == dropped
    assert any("old lacks 2 KPI(s)" in n for n in c.notes)
    assert any("no 'Assignments' sheet" in n for n in c.notes)
    assert math.isnan(c.value("cue_kgco2_per_kwh_it", "old"))
    assert c.delta("total_cost_cny_per_yr", "old") > 0
    assert c.assignment_changes.empty


def test_anything_else_is_refused_naming_the_file(results, tmp_path):
    _, a = results["base"]
    inputs = write_tiny_workbook(tmp_path / "tiny.xlsx")
    with pytest.raises(ResultWorkbookError) as err:
        compare_results([a, inputs])
    assert "tiny.xlsx" in str(err.value) and "Summary" in str(err.value)


def test_reader_labels_and_provenance(results):
    _, a = results["base"]
    back = read_result_workbook(a)
    assert back.label == "base" and back.format_version == FORMAT_VERSION and back.planner_version


def test_console_formatting():
    assert fmt_value(957_089_885.0, "CNY/yr", "total_cost_cny_per_yr") == "957.1"
    assert fmt_value(0.6805, "%", "green_share") == "68.0"
    assert fmt_delta(0.1936, "%", "green_share") == "+19.4 pp"
    assert fmt_delta(-110_986.0, "tCO2/yr", "emissions_tco2_per_yr") == "-110,986"
    assert fmt_delta(0.0, "MW", "it_capacity_mw") == "0"
    assert fmt_pct(0.0444) == "+4.4%" and fmt_pct(float("nan")) == "n/a" and fmt_pct(0.0) == "0.0%"


# ----------------------------------------------------------------------------------------------------------
# A comparison that explains itself: materiality, solver rows apart, percentage points, names, cost waterfall
def test_changes_below_the_materiality_threshold_are_not_listed(results):
    (_, a), (_, b) = results["base"], results["carbon"]
    every = compare_results([a, b], threshold=0.0)
    default = compare_results([a, b])
    assert default.threshold == pytest.approx(max(MATERIALITY, 0.01))  # the tiny case's mip_gap setting: 1 %
    numeric = every.site_changes[~every.site_changes["item"].isin(["opened", "candidate", "modules",
                                                                    "cooling_id"])]
    small = [(r["site_id"], r["item"]) for _, r in numeric.iterrows()
             if abs(r["delta"]) <= default.threshold * max(abs(r["base"]), abs(r["value"]))]
    listed = set(zip(default.site_changes["site_id"], default.site_changes["item"]))
    assert not set(small) & listed
    assert listed == set(zip(every.site_changes["site_id"], every.site_changes["item"])) - set(small)
    huge = compare_results([a, b], threshold=0.99)  # only changes from or to nothing remain
    assert all(r["base"] == 0 or r["value"] == 0 or not isinstance(r["base"], float)
               for _, r in huge.site_changes.iterrows())


def test_a_case_compared_with_itself_lists_no_change_and_no_nan(results):
    from rich.console import Console

    from planner.report import console as rc

    _, a = results["base"]
    c = compare_results([a, a])
    assert c.site_changes.empty and c.assignment_changes.empty
    assert rc.waterfall_table(c, c.others[0]) is None
    con = Console(width=200, record=True, file=open("/dev/null", "w"))
    for table in (rc.comparison_table(c), rc.solver_table(c)):
        con.print(table)
    assert "nan" not in con.export_text().lower()


def test_solver_rows_apart_and_shares_in_percentage_points(results, tmp_path):
    from rich.console import Console

    from planner.report import console as rc

    (_, a), (_, b) = results["base"], results["carbon"]
    c = compare_results([a, b])
    assert set(c.solver_kpis) == {"mip_gap", "solve_time_s"} and not set(c.solver_kpis) & set(c.business_kpis)
    con = Console(width=250, record=True, file=open("/dev/null", "w"))
    con.print(rc.comparison_table(c))
    kpis = con.export_text()
    assert "MIP gap" not in kpis and "Solve time" not in kpis and "Solver status" not in kpis
    share_line = next(line for line in kpis.splitlines() if "Green-power share" in line)
    assert share_line.rstrip(" │").endswith("pp")  # a delta in percentage points, no relative % delta
    con.print(rc.solver_table(c))
    solver = con.export_text()
    assert "MIP gap" in solver and "Method" in solver and ("within gap" in solver or "optimal" in solver)
    out = write_comparison_workbook(c, tmp_path / "pp.xlsx")
    ws = openpyxl.load_workbook(out)["KPIs"]
    rows = list(ws.iter_rows())
    header = next(i for i, r in enumerate(rows) if "kpi" in [x.value for x in r])
    cols = [x.value for x in rows[header]]
    by_kpi = {r[cols.index("kpi")].value: r for r in rows[header + 1:] if r[cols.index("kpi")].value}
    green = by_kpi["green_share"]
    assert green[cols.index("carbon Δ")].value == pytest.approx(100 * c.delta("green_share", "carbon"))
    assert "pp" in green[cols.index("carbon Δ")].number_format and green[cols.index("carbon Δ%")].value is None
    assert "mip_gap" not in by_kpi  # the solver rows are below, in a block of their own without deltas
    assert any(r[1].value == "MIP gap" for r in rows[header + 1:])


def test_names_not_ids_in_the_changes(results):
    from planner.report import console as rc

    (_, a), (_, b) = results["base"], results["carbon"]
    c = compare_results([a, b], threshold=0.0)
    assert set(c.site_changes["what"]) <= set(SITE_ITEM_LABELS.values()) | {"candidate site"}
    if not c.assignment_changes.empty:
        table = rc.assignment_changes_table(c)
        names = set(c.assignment_changes["site_name"]) | set(c.assignment_changes["demand_name"])
        assert names and list(table.columns[0].cells)[0].plain in names


def test_cost_waterfall_bars_sum_to_the_total_difference(results, tmp_path):
    (_, a), (_, b) = results["base"], results["carbon"]
    c = compare_results([a, b])
    steps = cost_steps(c, "carbon")
    changes = steps[steps["kind"] == "change"]
    assert changes["delta_cny_per_yr"].sum() == pytest.approx(c.delta("total_cost_cny_per_yr", "carbon"), abs=1.0)
    assert steps["end_cny_per_yr"].iloc[-1] == pytest.approx(c.value("total_cost_cny_per_yr", "carbon"))
    assert "carbon" in set(changes["step"])  # a carbon price: the carbon cost is a bar of its own
    # each bar starts where the previous ended
    levels = steps["end_cny_per_yr"].to_numpy()
    assert changes["start_cny_per_yr"].to_numpy() == pytest.approx(levels[changes.index - 1])
    out = write_comparison_workbook(c, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(out)["Cost waterfall"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "step")
    body = [r for r in rows[header + 2:] if r[0]]
    assert sum(r[1] for r in body if r[1] is not None) == pytest.approx(
        c.delta("total_cost_cny_per_yr", "carbon") / 1e6, abs=1e-6)


def test_waterfall_chart_columns_cross_zero():
    """Hand case: total 10, -15 (to -5), +3 (to -2), total -2. Each visible part is the bar's length; a bar crossing
    zero is split at it."""
    steps = pd.DataFrame([("A", "total", np.nan, 0.0, 10e6), ("x", "change", -15e6, 10e6, -5e6),
                          ("y", "change", 3e6, -5e6, -2e6), ("B", "total", np.nan, 0.0, -2e6)],
                         columns=["step", "kind", "delta_cny_per_yr", "start_cny_per_yr", "end_cny_per_yr"])
    cols = chart_columns(steps)
    assert cols.loc[0, "total"] == 10 and cols.loc[3, "total"] == -2
    assert (cols.loc[1, "decrease"], cols.loc[1, "decrease below 0"], cols.loc[1, "base"]) == (10, -5, 0)
    assert (cols.loc[2, "base"], cols.loc[2, "increase below 0"]) == (-2, -3)


def test_comparison_charts_keep_labels_off_negative_bars(results, tmp_path):
    import zipfile

    (_, a), (_, b) = results["base"], results["carbon"]
    out = write_comparison_workbook(compare_results([a, b]), tmp_path / "c.xlsx")
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2 and all('tickLblPos val="low"' in x for x in charts)


def test_comparison_workbook_in_chinese_keeps_the_ids(results, tmp_path):
    """`--lang zh`: Chinese sheet names, headers (the column ids in a hidden row above them), KPI names and chart
    titles, from planner/results/labels.csv; ids (site, KPI ids, scenario labels) as they are."""
    import re
    import zipfile

    from planner.results import labels

    cjk = re.compile(r"[\u4e00-\u9fff]")
    (_, a), (_, b) = results["base"], results["carbon"]
    c = compare_results([a, b], threshold=0.0)
    en = openpyxl.load_workbook(write_comparison_workbook(c, tmp_path / "en.xlsx"))
    out = write_comparison_workbook(c, tmp_path / "zh.xlsx", lang="zh")
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == len(en.sheetnames) and all(cjk.search(name) for name in wb.sheetnames)
    kpis = wb[wb.sheetnames[0]]
    rows = list(kpis.iter_rows(values_only=True))
    ids = next(i for i, r in enumerate(rows) if r and "kpi" in r)
    assert kpis.row_dimensions[ids + 1].hidden and cjk.search(rows[0][0])
    head = rows[ids + 1]
    assert head[:3] == (labels.label("col:section", "zh"), labels.label("col:description", "zh"),
                        labels.label("col:unit", "zh"))
    assert {"base", "carbon", "carbon Δ"} <= set(head)  # scenario labels are ids: never translated
    total = next(r for r in rows if r[-1] == "total_cost_cny_per_yr")
    assert total[1] == "年化总成本" and total[0] == "成本"
    sites = wb[wb.sheetnames[1]]
    assert [x.value for x in sites[1]][:4] == ["site_id", "name", "scenario", "change"]
    assert sites.row_dimensions[1].hidden
    assert all(cjk.search(x.value) for x in sites[2])  # every header Chinese
    body = list(sites.iter_rows(min_row=4, values_only=True))
    assert body and {r[0] for r in body} <= {"qy", "zw", "wh"} and all(cjk.search(r[5]) for r in body)
    assert sites.print_title_rows == "$2:$3"
    with zipfile.ZipFile(out) as z:  # the chart titles too
        charts = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "成本" in charts and "指标变化" in charts


def test_every_comparison_and_report_phrase_has_both_languages():
    from planner.results import labels

    keys = [k for k in labels.table_rows() if k.startswith(("text:compare.", "text:report.", "text:map."))]
    assert len(keys) > 60
    missing = [k for k in keys if not all(labels.table_rows()[k].get(lang) for lang in labels.LANGS)]
    assert missing == []
    for k in keys:  # the same {placeholders} in both languages
        en, zh = (re.findall(r"\{\w+\}", labels.table_rows()[k][lang]) for lang in labels.LANGS)
        assert sorted(en) == sorted(zh), k
