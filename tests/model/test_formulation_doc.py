"""models/formulation.md names exactly the model's sets, variables, constraints and objectives."""

import dataclasses
import re
from pathlib import Path

import pyomo.environ as pyo

from model_tables import make_case, profiles, site
from planner.model.build import build_model
from planner.model.data import peak_hours_of, prepare

DOC = Path(__file__).resolve().parents[2] / "models" / "formulation.md"


def _section_names(title: str) -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"formulation.md has no '## {title}' section"
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)(?:\[[^`]*\])?`", match.group(1)))


def _full_models() -> list[pyo.ConcreteModel]:
    """Models with every optional family present: storage share, carbon cap, export, elastic; and the
    state-of-charge shift and kept peak hours of a full year's average days."""
    case = make_case(sites=[site("s1", max_pv_mw=50.0, pv_profile="pv", max_wind_mw=10.0, wind_profile="wind")],
                     settings={"carbon_cap_tco2_per_yr": 1e9, "green_min_storage_power_share": 0.1},
                     profile_table=profiles(pv=0.2, wind=0.3))
    d = prepare(case)
    return [build_model(d, elastic=True), build_model(dataclasses.replace(
        d, soc_day_shift=True, peak_hours={s: peak_hours_of(d, s) for s in d.sites}))]


def _model_names(ctype) -> set[str]:
    return {c.local_name for m in _full_models() for c in m.component_objects(ctype, descend_into=True)}


def test_variables_match():
    doc = _section_names("Variables")
    assert doc == _model_names(pyo.Var)


def test_constraints_match():
    doc = {n for n in _section_names("Constraints") if not n.startswith("define_")} - {"violation"}
    assert doc - _model_names(pyo.Expression) == _model_names(pyo.Constraint)


def test_objectives_and_cost_expressions_match():
    doc = _section_names("Objectives")
    expressions = _model_names(pyo.Expression)
    assert doc - expressions - {"emissions_lexicographic"} == _model_names(pyo.Objective)
    assert {"cost", "site_cost", "site_emissions_tco2"} <= expressions
    assert {"cost", "site_cost"} <= doc


def test_sets_match():
    assert _section_names("Sets") == _model_names(pyo.Set) - {n for n in _model_names(pyo.Set) if "_index" in n}


def test_parameters_documented():
    doc = _section_names("Parameters")
    assert _model_names(pyo.Param) <= doc
