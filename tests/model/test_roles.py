"""Every variable and constraint family of a built model declares its role once (`planner/model/roles.csv`), and
every policy rule the diagnosis can report is declared in `planner.model.policies`."""

from __future__ import annotations

import dataclasses

import pyomo.environ as pyo
import pytest
from pyomo.core.expr.visitor import identify_variables

from model_tables import make_case, profiles, site
from planner.model import policies, roles
from planner.model.build import build_model, relaxable_scopes
from planner.model.data import peak_hours_of, prepare


@pytest.fixture(scope="module")
def models() -> list[pyo.ConcreteModel]:
    """Models with every optional family: storage share, carbon cap, export, elastic; and the state-of-charge
    shift and kept peak hours of a full year's average days."""
    case = make_case(sites=[site("s1", max_pv_mw=50.0, pv_profile="pv", max_wind_mw=10.0, wind_profile="wind"),
                            site("s2")],
                     settings={"carbon_cap_tco2_per_yr": 1e9, "green_min_storage_power_share": 0.1},
                     profile_table=profiles(pv=0.2, wind=0.3))
    d = prepare(case)
    return [build_model(d), build_model(d, elastic=True), build_model(dataclasses.replace(
        d, soc_day_shift=True, peak_hours={s: peak_hours_of(d, s) for s in d.sites}))]


def _names(models, ctype) -> set[str]:
    return {c.local_name for m in models for c in m.component_objects(ctype, descend_into=True)}


@pytest.mark.parametrize("kind, ctype", [("variable", pyo.Var), ("constraint", pyo.Constraint)])
def test_every_built_family_has_exactly_its_declared_role(models, kind, ctype):
    built = _names(models, ctype)
    declared = {r.name for r in roles.roles().values() if r.kind == kind}
    assert built - declared == set(), "families without a role in planner/model/roles.csv"
    assert declared - built == set(), "roles.csv declares families the build never makes"


def test_a_missing_role_is_named():
    with pytest.raises(KeyError, match="roles.csv"):
        roles.role("a_family_nobody_declared")


def test_site_variables_have_the_site_where_the_role_says(models):
    m = models[0]
    sites = set(m.S)
    for var in m.component_objects(pyo.Var):
        r = roles.role(var.local_name)
        if r.scope == "global":
            assert r.site_position is None
            continue
        for index in var:
            index = index if isinstance(index, tuple) else (index,)
            assert index[r.site_position] in sites, (var.local_name, index)


def test_linking_rows_are_the_rows_that_join_sites_or_hold_a_global_column(models):
    m = models[0]
    sites_of = {}
    for var in m.component_objects(pyo.Var):
        r = roles.role(var.local_name)
        for index, v in var.items():
            index = index if isinstance(index, tuple) else (index,)
            sites_of[id(v)] = None if r.scope == "global" else index[r.site_position]
    seen = set()
    for con in m.component_objects(pyo.Constraint):
        for row in con.values():
            owners = {sites_of[id(v)] for v in identify_variables(row.body)}
            if None in owners or len(owners) > 1:
                assert roles.role(con.local_name).scope == "linking", row.name
                seen.add(con.local_name)
    assert {"demand_served", "hub_pue_cap", "emissions_definition", "carbon_cap"} <= seen


def test_relaxable_families_are_the_declared_ones_and_each_is_a_policy(models):
    d_scopes = relaxable_scopes(prepare(make_case(sites=[site("s1")])))
    assert tuple(d_scopes) == roles.constraints(relaxable=True)
    for family in roles.constraints(relaxable=True):
        assert family in policies.POLICIES, family
    elastic = models[1]
    assert {f for f, _ in elastic.V} == set(roles.constraints(relaxable=True)) - {"green_export_limit"} | (
        {"green_export_limit"} if len(elastic.SX) else set())


def test_year_fixings_are_nested_tightest_first():
    levels = roles.year_fixings()
    assert len(levels) == 3
    assert set(levels[2]) < set(levels[1]) < set(levels[0])
    assert set(levels[0]) <= set(roles.variables(cut_side="design"))
