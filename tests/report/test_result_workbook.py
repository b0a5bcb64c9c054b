"""Result workbook: solve the quickstart once, write it, read it back, check contents and formatting."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.report import styles
from planner.report.read_result import ResultWorkbookError, read_result_workbook
from planner.report.result_workbook import (SHEET_ORDER, NotSolved, write_infeasibility_workbook,
                                            write_result_workbook)
from planner.results import schema
from planner.results.labels import header
from planner.results.result import SITE_COLUMNS
from report_cases import quickstart_workbook, tiny_case


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """(case, result, input path, written result workbook) of the quickstart, solved once."""
    from planner.solve import solve_case
    from planner.input.validate import load_case

    tmp = tmp_path_factory.mktemp("quickstart")
    src = quickstart_workbook(tmp)
    case = load_case(src)
    result = solve_case(case)
    assert result.solve.status in ("optimal", "within_gap", "time_limit")
    out = write_result_workbook(result, case, tmp / "outputs" / "quickstart-result.xlsx", input_path=src,
                                command_line="planner solve quickstart.xlsx")
    return case, result, src, out


@pytest.fixture(scope="module")
def book(solved):
    return openpyxl.load_workbook(solved[3])


def test_write_then_read_back_gives_the_same_kpis(solved):
    _, result, _, out = solved
    back = read_result_workbook(out)
    written = dict(zip(result.kpis["kpi"], result.kpis["value"].astype(float)))
    read = back.kpi_dict()
    assert set(written) <= set(read)
    for k, v in written.items():
        if math.isnan(v):
            assert math.isnan(read[k]), k
        else:
            assert read[k] == pytest.approx(v, rel=1e-12, abs=1e-9), k
    assert back.status["solver_status"] == result.solve.status
    assert back.status["proven_optimal"] == result.solve.proven_optimal
    assert back.case_name == result.case_name
    assert back.label == "quickstart"
    assert not back.notes


def test_sites_and_assignments_read_back(solved):
    _, result, _, out = solved
    back = read_result_workbook(out)
    assert list(back.sites["site_id"]) == list(result.sites["site_id"])
    assert list(back.sites["opened"]) == [bool(o) for o in result.sites["opened"]]
    pd.testing.assert_series_equal(back.sites["it_mw"], result.sites["it_mw"].astype(float), check_names=False)
    assert set(SITE_COLUMNS) <= set(back.sites.columns)
    got = back.assignments.set_index(["demand_id", "site_id"])["it_mw"].sort_index()
    want = result.assignments.set_index(["demand_id", "site_id"])["it_mw"].astype(float).sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False)


def test_every_sheet_is_there_and_formatted(book):
    assert tuple(book.sheetnames) == SHEET_ORDER
    for ws in book.worksheets:
        assert ws.freeze_panes, f"{ws.title} has no frozen panes"
        assert any((ws.column_dimensions[c].width or 0) > 8 for c in "ABC"), f"{ws.title} has default widths"
    for name in ("Sites", "Hubs", "Investment", "Assignments", "Policy", "Dispatch", "Run"):
        ws = book[name]
        assert ws.row_dimensions[1].hidden, f"{name}: row 1 holds the column ids, hidden"
        header = ws.cell(2, 1)
        assert header.font.b and header.fill.fgColor.rgb.endswith("1F4E78"), name
        # an Excel Table (with its autofilter) over the labels and the data; print setup repeats the header
        (table,) = ws.tables.values()
        last = ws.max_row - (2 if name == "Investment" else 0)  # the Investment sheet ends with the NPV note
        assert table.ref.startswith("A2:") and table.ref.endswith(str(max(last, 3))), name
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref, name
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows == "$1:$2", name


def test_units_row_and_number_formats_follow_the_units(book):
    ws = book["Sites"]
    headers = [c.value for c in ws[1]]
    labels = dict(zip(headers, [c.value for c in ws[2]]))
    assert labels["it_mw"] == "IT capacity (MW)" and labels["cost_cny"] == "Annualised cost (M CNY/yr)"
    assert labels["emissions_tco2"] == "Emissions (tCO2/yr)" and labels["site_id"] == "Site id"
    assert labels["green_share"] == "Green share (%)" and labels["battery_mwh"] == "Battery energy (MWh)"
    fmt = {h: ws.cell(3, i + 1).number_format for i, h in enumerate(headers)}
    assert fmt["it_mw"] == "#,##0.0"
    assert fmt["cost_cny"] == "#,##0.0"  # million CNY
    assert fmt["pue_annual"] in ("0.000", "General")  # General only where the site is closed (blank PUE)
    assert fmt["selfuse_share_of_consumption"] == "0.0%"
    latency = book["Assignments"]
    a_headers = [c.value for c in latency[1]]
    assert latency.cell(2, a_headers.index("latency_ms") + 1).value == "Latency (ms)"
    assert latency.cell(3, a_headers.index("latency_ms") + 1).number_format == "0.0"


def test_summary_lists_kpis_with_units_descriptions_and_solver(book, solved):
    _, result, _, _ = solved
    ws = book["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "kpi" in r)
    cols = rows[header]
    table = pd.DataFrame(rows[header + 2:], columns=cols)
    by_kpi = table.set_index("kpi")
    for k in ("total_cost_cny_per_yr", "cost_site_opening_cny_per_yr", "cost_carbon_cny_per_yr",
              "emissions_tco2_per_yr", "green_share", "pue_energy_weighted", "cue_kgco2_per_kwh_it",
              "renewable_selfuse_share", "renewable_export_share", "curtailment_mwh_per_yr", "sites_opened",
              "it_capacity_mw", "solver_status", "mip_gap", "solve_time_s"):
        assert k in by_kpi.index, k
        assert by_kpi.at[k, "description"], k
    assert by_kpi.at["total_cost_cny_per_yr", "unit"] == "M CNY/yr"
    assert by_kpi.at["total_cost_cny_per_yr", "value"] == pytest.approx(result.kpi("total_cost_cny_per_yr") / 1e6)
    assert by_kpi.at["green_share", "unit"] == "%"
    assert by_kpi.at["solver_status", "value"] == result.solve.status
    value_col = cols.index("value") + 1
    row_of = {r[cols.index("kpi")]: header + 3 + i for i, r in enumerate(rows[header + 2:])}
    assert ws.cell(row_of["total_cost_cny_per_yr"], value_col).number_format == "#,##0.0"
    assert ws.cell(row_of["green_share"], value_col).number_format == "0.0%"
    assert ws.cell(row_of["pue_energy_weighted"], value_col).number_format == "0.000"
    assert "optimal" in str(ws["A3"].value).lower() or "time limit" in str(ws["A3"].value).lower()


def test_policy_sheet_has_every_constraint_with_required_achieved_slack_binding(book, solved):
    _, result, _, _ = solved
    ws = book["Policy"]
    headers = [c.value for c in ws[1]]
    for col in ("policy", "scope", "required", "achieved", "slack", "binding", "description"):
        assert col in headers
    data = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(data) == len(result.policy)
    assert {r[headers.index("binding")] for r in data} <= {"yes", "no"}
    kinds = {r[0] for r in data}
    assert {"hub_pue_cap", "latency_cap", "demand_served"} <= kinds
    sense = headers.index("sense") + 1
    assert all(ws.cell(i, sense).data_type == "s" for i in range(3, 3 + len(data)))  # '==' is text, not formula


def test_dispatch_is_long_format_per_open_site(book, solved):
    _, result, _, _ = solved
    ws = book["Dispatch"]
    assert ws.max_row - 2 == len(result.dispatch)
    opened = set(result.sites.loc[result.sites["opened"], "site_id"])
    assert {r[0] for r in ws.iter_rows(min_row=3, max_col=1, values_only=True)} == opened


def test_charts_sheet_has_native_charts_and_the_map(book):
    ws = book["Charts"]
    # openpyxl keeps images but not charts when loading; count the chart parts in the file instead
    assert len(ws._images) == 1


def test_chart_parts_in_the_file(solved):
    import zipfile

    with zipfile.ZipFile(solved[3]) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        images = [n for n in z.namelist() if n.startswith("xl/media/")]
    opened = int(solved[1].sites["opened"].sum())  # cost waterfall, capacity, one dispatch chart per open site
    assert len(charts) == 2 + opened and len(images) == 1


def test_inputs_and_run_provenance(book, solved):
    case, result, src, _ = solved
    inputs = [c for c in book["Inputs"]["A"] if c.value]
    titles = {str(c.value).split(":")[0] for c in inputs}
    assert {"Settings", "Hubs", "Sites", "Cooling", "Demand", "Technologies", "Profiles"} <= titles
    run = {r[0]: r[1] for r in book["Run"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert run["format"] == "planner-result"
    assert run["input_file"] == Path(src).name
    assert run["input_sha256"] == hashlib.sha256(Path(src).read_bytes()).hexdigest()
    assert run["command_line"] == "planner solve quickstart.xlsx"
    for key in ("planner_version", "pyomo_version", "highs_version", "written_at", "mip_gap_setting",
                "time_limit_s_setting"):
        assert run[key] not in (None, ""), key


def test_a_failed_write_leaves_no_file(solved, tmp_path, monkeypatch):
    case, result, src, _ = solved

    def boom(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    target = tmp_path / "out" / "r.xlsx"
    with pytest.raises(OSError):
        write_result_workbook(result, case, target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_an_infeasible_result_has_no_result_workbook(tmp_path):
    from planner.solve import solve_case

    case = tiny_case(pue_cap=1.0)
    result = solve_case(case)
    assert result.solve.status == "infeasible"
    with pytest.raises(NotSolved):
        write_result_workbook(result, case, tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()
    report = write_infeasibility_workbook(result, case, tmp_path / "tiny-infeasibility.xlsx")
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[0] == "Infeasibility"
    text = " ".join(str(c.value) for row in wb["Infeasibility"].iter_rows() for c in row if c.value)
    assert "hub_pue_cap" in text


def test_time_limit_result_is_marked_not_proven_optimal(solved, tmp_path):
    case, result, _, _ = solved
    stopped = dataclasses.replace(result, solve=dataclasses.replace(result.solve, status="time_limit",
                                                                    proven_optimal=False, gap=0.05))
    out = write_result_workbook(stopped, case, tmp_path / "tl.xlsx")
    wb = openpyxl.load_workbook(out)
    assert "NOT PROVEN OPTIMAL" in str(wb["Summary"]["A3"].value)
    back = read_result_workbook(out)
    assert back.status["solver_status"] == "time_limit" and back.status["proven_optimal"] is False


# ---------------------------------------------------------------------------------------------------------
# The sheets follow the result schema (planner.results.schema)
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table", [schema.SITES, schema.HUBS, schema.INVESTMENT, schema.ASSIGNMENTS, schema.POLICY,
                                   schema.DISPATCH, schema.RUN], ids=lambda t: t.name)
def test_table_sheets_have_the_schema_columns_units_formats_and_descriptions(book, table):
    ws = book[table.name]
    assert tuple(c.value for c in ws[1]) == table.column_names
    assert tuple(c.value for c in ws[2]) == tuple(header(table, c) for c in table.columns)
    for j, col in enumerate(table.columns, start=1):
        assert ws.cell(2, j).comment is not None and ws.cell(2, j).comment.text == col.description, col.name
        if col.unit == schema.SEE_UNIT:
            continue  # formatted by the row's own unit
        formats = {ws.cell(r, j).number_format for r in range(3, min(ws.max_row, 200) + 1)
                   if isinstance(ws.cell(r, j).value, (int, float))}
        assert formats <= {col.sheet_format}, f"{table.name}.{col.name}: {formats}"


def test_summary_rows_are_the_schema_rows_with_their_formats(book):
    ws = book["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "kpi" in r)
    assert rows[header] == schema.SUMMARY.column_names
    body = [r for r in rows[header + 2:] if r[-1]]
    assert [r[-1] for r in body] == [k.name for k in schema.SUMMARY_ROWS]
    cols = schema.SUMMARY.column_names
    for i, (r, k) in enumerate(zip(body, schema.SUMMARY_ROWS)):
        assert r[cols.index("unit")] == k.sheet_unit and r[cols.index("description")] == k.sheet_description
        cell = ws.cell(header + 3 + i, cols.index("value") + 1)
        if isinstance(cell.value, (int, float)):
            assert cell.number_format == k.sheet_format, k.name


def test_run_items_are_the_schema_items(book):
    items = [r[0] for r in book["Run"].iter_rows(min_row=3, values_only=True) if r[0]]
    declared = [i for i in schema.RUN.row_names if i not in schema.RUN_REPEATED]
    assert [i for i in items if i not in schema.RUN_REPEATED] == declared


def test_a_result_table_that_is_not_the_declared_one_is_refused(solved, tmp_path):
    case, result, _, _ = solved
    odd = dataclasses.replace(result, sites=result.sites.drop(columns=["pue_annual"]).assign(undeclared_m3=0.0))
    with pytest.raises(ValueError) as err:
        write_result_workbook(odd, case, tmp_path / "odd.xlsx")
    assert "Sites" in str(err.value) and "missing pue_annual" in str(err.value) and "undeclared_m3" in str(err.value)
    assert not (tmp_path / "odd.xlsx").exists()


def test_reader_notes_missing_columns_and_other_units(solved, tmp_path):
    out = solved[3]
    wb = openpyxl.load_workbook(out)
    ws = wb["Sites"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("it_mw") + 1).value = "IT capacity (GW)"
    ws.delete_cols(headers.index("pue_annual") + 1)
    wb.save(tmp_path / "edited.xlsx")
    back = read_result_workbook(tmp_path / "edited.xlsx")
    assert any("lacks the columns pue_annual" in n for n in back.notes)
    assert any("Sites.it_mw is in GW, this planner writes MW" in n for n in back.notes)
    assert back.sites["opened"].dtype == bool and back.sites["lat"].dtype == float


# ---------------------------------------------------------------------------------------------------------
# Reading: anything that is not a result workbook gets a clear error naming the file and what is missing
# ---------------------------------------------------------------------------------------------------------
def test_input_workbook_is_not_a_result(solved):
    src = solved[2]
    with pytest.raises(ResultWorkbookError) as err:
        read_result_workbook(src)
    text = str(err.value)
    assert str(src) in text and "'Summary'" in text and "planner solve" in text


def test_non_excel_and_missing_files(tmp_path):
    junk = tmp_path / "notes.xlsx"
    junk.write_text("not a workbook")
    with pytest.raises(ResultWorkbookError, match="notes.xlsx: not an Excel"):
        read_result_workbook(junk)
    with pytest.raises(ResultWorkbookError, match="no such file"):
        read_result_workbook(tmp_path / "missing.xlsx")


def test_summary_without_kpi_columns(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["name", "amount"])
    wb.active.append(["cost", 3])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ResultWorkbookError) as err:
        read_result_workbook(tmp_path / "other.xlsx")
    assert "other.xlsx" in str(err.value) and "'kpi'" in str(err.value) and "'value'" in str(err.value)


# ---------------------------------------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, annual, unit", [
    ("it_mw", False, "MW"), ("battery_mwh", False, "MWh"), ("selfuse_mwh", True, "MWh/yr"),
    ("cost_cny", True, "CNY/yr"), ("service_cost_cny", False, "CNY"), ("emissions_tco2", True, "tCO2/yr"),
    ("latency_ms", False, "ms"), ("green_share", False, "%"), ("pue_annual", False, "-"),
    ("weight_days", False, "days"), ("cost_cny_per_yr", False, "CNY/yr"),
])
def test_unit_from_column_name(name, annual, unit):
    assert styles.unit_for(name, annual=annual) == unit


@pytest.mark.parametrize("unit, name, fmt", [
    ("MW", "it_mw", "#,##0.0"), ("CNY/yr", "cost", "#,##0"), ("%", "green_share", "0.0%"),
    ("-", "green_share", "0.0%"), ("-", "pue_energy_weighted", "0.000"), ("tCO2/yr", "e", "#,##0"),
    ("MWh/yr", "x_mwh_per_yr", "#,##0"), ("ms", "latency_ms", "0.0"), ("kgCO2/kWh", "cue", "0.000"),
])
def test_number_format_from_unit(unit, name, fmt):
    assert styles.number_format_for(unit, name) == fmt
