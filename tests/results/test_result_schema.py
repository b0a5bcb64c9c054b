"""The result schema (`planner.results.schema`) is the one declaration of the result tables and KPIs: the
column tuples come from it, `kpi_rows` builds the KPI table from it, and a real solve produces exactly the
declared KPIs (same names, order, units and descriptions) and table columns."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from model_tables import make_case, site
from planner.results import result as result_module
from planner.results import schema
from planner.solver.outcome import SOLVED


@pytest.fixture(scope="module")
def solved():
    """A tiny case (one site, one demand, one day), solved."""
    from planner.solve import solve_case

    result = solve_case(make_case(sites=[site("s1", max_pv_mw=50.0, pv_profile="pv")],
                                  profile_table=_profiles_with_pv()))
    assert result.solve.status in SOLVED
    return result


def _profiles_with_pv() -> pd.DataFrame:
    from model_tables import profiles

    hours = pd.Series(range(24), dtype=float)
    return profiles(1, pv=((hours - 6) / 12 * math.pi).map(math.sin).clip(lower=0).to_numpy())


# ---------------------------------------------------------------------------------------------------------
# A real solve against the schema
# ---------------------------------------------------------------------------------------------------------
def test_every_kpi_of_a_solve_is_declared_with_its_unit_and_description(solved):
    kpis = solved.kpis
    assert tuple(kpis.columns) == schema.KPI_COLUMNS
    for name, unit, description in zip(kpis["kpi"], kpis["unit"], kpis["description"]):
        assert name in schema.KPIS_BY_NAME, f"KPI {name} is not declared in planner.results.schema"
        declared = schema.KPIS_BY_NAME[name]
        assert declared.in_result, name
        assert unit == declared.unit, f"{name}: the result says {unit}, the schema {declared.unit}"
        assert description == declared.description, name
    assert tuple(kpis["kpi"]) == tuple(k.name for k in schema.KPIS)  # all of them, in schema order


def test_kpi_rows_rebuilds_the_kpi_table_of_a_solve(solved):
    values = dict(zip(solved.kpis["kpi"], solved.kpis["value"]))
    pd.testing.assert_frame_equal(schema.kpi_rows(values), solved.kpis)


def test_result_tables_have_the_declared_columns(solved):
    assert tuple(solved.sites.columns) == schema.SITE_COLUMNS
    assert tuple(solved.assignments.columns) == schema.ASSIGNMENT_COLUMNS
    assert tuple(solved.policy.columns) == schema.POLICY_COLUMNS
    assert tuple(solved.dispatch.columns) == schema.DISPATCH_COLUMNS
    assert tuple(solved.costs.columns) == schema.COST_COLUMNS
    assert tuple(solved.costs["component"]) == schema.COST_COMPONENTS
    assert set(solved.policy["policy"]) <= set(schema.POLICY_DESCRIPTIONS)


# ---------------------------------------------------------------------------------------------------------
# kpi_rows
# ---------------------------------------------------------------------------------------------------------
def _values() -> dict[str, float]:
    return {k.name: float(i) for i, k in enumerate(schema.KPIS)}


def test_kpi_rows_are_in_schema_order_with_units_and_descriptions():
    values = dict(reversed(list(_values().items())))  # the dict's order does not matter
    table = schema.kpi_rows(values)
    assert tuple(table.columns) == schema.KPI_COLUMNS == ("kpi", "value", "unit", "description")
    assert list(table["kpi"]) == [k.name for k in schema.KPIS]
    assert list(table["value"]) == [float(i) for i in range(len(schema.KPIS))]
    row = table.set_index("kpi").loc["green_share"]
    assert row["unit"] == "-" and row["description"].startswith("Green share of consumption")
    assert table.set_index("kpi").at["cost_carbon_cny_per_yr", "description"] == "Annualised cost: carbon"


def test_kpi_rows_refuses_a_missing_or_an_undeclared_kpi():
    values = _values()
    del values["green_share"]
    with pytest.raises(ValueError, match="missing green_share"):
        schema.kpi_rows(values)
    with pytest.raises(ValueError, match="not declared in planner.results.schema: water_use_m3"):
        schema.kpi_rows({**_values(), "water_use_m3": 1.0})


def test_kpi_rows_of_the_solver_rows():
    values = {k.name: None for k in schema.SOLVER_ROWS}
    table = schema.kpi_rows(values, schema.SOLVER_ROWS)
    assert list(table["kpi"]) == [k.name for k in schema.SOLVER_ROWS]


# ---------------------------------------------------------------------------------------------------------
# The declaration itself
# ---------------------------------------------------------------------------------------------------------
def test_result_module_re_exports_the_schema_columns():
    for name in ("KPI_COLUMNS", "SITE_COLUMNS", "ASSIGNMENT_COLUMNS", "POLICY_COLUMNS", "DISPATCH_COLUMNS",
                 "COST_COMPONENTS"):
        assert getattr(result_module, name) is getattr(schema, name), name
    assert schema.SITE_COLUMNS == tuple(c.name for c in schema.SITES.columns if c.name not in ("lat", "lon"))
    assert "description" in schema.POLICY.column_names and "description" not in schema.POLICY_COLUMNS


def test_cost_kpis_follow_the_model_cost_components():
    from planner.model.cost_components import COST_COMPONENTS

    assert schema.COST_COMPONENTS is COST_COMPONENTS
    assert set(schema.COST_TEXT) == set(COST_COMPONENTS), "every cost component needs a label and a text"
    cost_kpis = [k.name for k in schema.KPIS if k.name.startswith("cost_")]
    assert cost_kpis == [schema.cost_kpi(c) for c in COST_COMPONENTS]


def test_policies_are_the_model_rules_and_infeasibility_columns_the_diagnosis_ones():
    from planner.model.policies import POLICIES
    from planner.results.diagnose import INFEASIBILITY_COLUMNS

    assert [name for name, _ in schema.POLICIES] == list(POLICIES)
    assert schema.INFEASIBILITY_COLUMNS == tuple(INFEASIBILITY_COLUMNS)


@pytest.mark.parametrize("table", [schema.SUMMARY, schema.SITES, schema.ASSIGNMENTS, schema.POLICY, schema.DISPATCH,
                                   schema.CHART_COSTS, schema.CHART_CAPACITY, schema.CHART_DAY, schema.RUN,
                                   schema.INPUT_SETTINGS, schema.INFEASIBILITY], ids=lambda t: t.name)
def test_tables_are_well_formed(table):
    names = table.column_names
    assert len(set(names)) == len(names), f"{table.name}: a column is declared twice"
    assert set(table.key) <= set(names)
    for col in table.columns:
        assert col.description and col.unit, f"{table.name}.{col.name}"
        if col.numeric and col.unit != schema.SEE_UNIT:
            assert col.number_format != schema.FMT_GENERAL, f"{table.name}.{col.name} has no number format"
        if col.unit == "%":
            assert col.number_format.endswith("%"), f"{table.name}.{col.name} is a share"
    rows = table.row_names
    assert len(set(rows)) == len(rows), f"{table.name}: a row is declared twice"


def test_kpis_are_well_formed():
    for k in schema.SUMMARY_ROWS:
        assert k.section in schema.SECTIONS, k.name
        assert k.description and k.unit, k.name
        if k.numeric:
            assert k.number_format != schema.FMT_GENERAL, k.name
        # a KPI shown as a percentage is a fraction without a unit (or already '%')
        assert (k.sheet_unit == "%") == k.number_format.endswith("%"), k.name
        if k.sheet_unit == "%":
            assert k.unit in ("-", "%"), k.name
    sections = [k.section for k in schema.SUMMARY_ROWS]
    assert sections == sorted(sections, key=schema.SECTIONS.index), "KPIs are grouped by section, in order"
    assert schema.TEXT_ROWS == ("solver_status", "proven_optimal", "termination", "solver")


def test_workbook_sheets():
    assert schema.SHEET_ORDER == ("Summary", "Sites", "Hubs", "Investment", "Assignments", "Policy", "Dispatch",
                                  "Charts", "Inputs", "Run")
    assert [s.name for s in schema.INFEASIBILITY_SHEETS] == ["Infeasibility", "Inputs", "Run"]
    for sheet in schema.RESULT_SHEETS + schema.INFEASIBILITY_SHEETS:
        assert sheet.description and sheet.tables, sheet.name
