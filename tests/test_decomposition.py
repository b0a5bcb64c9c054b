"""Site decomposition (planner/model/decompose.py): a valid bound, a plan within the gap, the model restored.

Every check compares against a real HiGHS solve of the same case: the MILP solved directly to optimality,
or its LP relaxation.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import highspy
import numpy as np
import pytest

from planner.model.decompose import DecompositionOutcome, _DantzigWolfe, site_blocks
from planner.model.matrix import compile_to_highs
from planner.solve import PlanningModel

ROOT = Path(__file__).resolve().parents[1]
GAP = 0.01


def synthetic_case(n_sites: int, n_demands: int, n_days: int, **settings):
    """The benchmark's synthetic generator (benchmarks/synthetic.py), loaded from its file."""
    spec = importlib.util.spec_from_file_location("planner_synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    case = module.synthetic_case(n_sites, n_demands, n_days)
    if settings:
        case = dataclasses.replace(case, settings=dataclasses.replace(case.settings, **settings))
    return case


@pytest.fixture(scope="module")
def case():
    return synthetic_case(12, 6, 2)


@pytest.fixture(scope="module")
def optimum(case) -> float:
    result = PlanningModel(case).solve(mip_gap=1e-9, time_limit_s=300, strategy="direct")
    assert result.solve.status == "optimal"
    return result.solve.objective_cny


def test_sites_strategy_gives_a_valid_bound_and_a_plan_within_the_gap(case, optimum):
    lines: list[str] = []
    result = PlanningModel(case).solve(mip_gap=GAP, time_limit_s=300, strategy="sites", log=lines.append)
    info = result.solve
    assert any(line.startswith("planner decomposition") for line in lines)
    assert info.status == "optimal" and info.proven_optimal
    assert info.best_bound_cny <= optimum * (1 + 1e-9)  # a lower bound on the true optimum
    assert optimum * (1 - 1e-9) <= info.objective_cny <= info.best_bound_cny / (1 - GAP) * (1 + 1e-9)
    served = result.assignments.groupby("demand_id")["it_mw"].sum()
    np.testing.assert_allclose(served.sort_index().to_numpy(),
                               case.demand["it_load_mw"].sort_index().to_numpy(), rtol=1e-6)


def test_lagrangian_bound_converges_to_the_lp_relaxation(case):
    """Column generation over sites reaches the LP relaxation of the full model, and never exceeds it."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    relaxed = highspy.Highs()
    relaxed.setOptionValue("output_flag", False)
    relaxed.passModel(mat.highs.getLp())
    relaxed.setOptionValue("solve_relaxation", True)
    relaxed.run()
    lp_value = relaxed.getInfo().objective_function_value

    blocks = site_blocks(pm.model, pm.data, mat.highs, mat.column)
    out = DecompositionOutcome()
    dw = _DantzigWolfe(blocks, out, say=lambda _: None)
    dw.run(tolerance=1e-7, time_limit_s=120)
    assert out.bound <= lp_value * (1 + 1e-7)
    assert out.bound == pytest.approx(lp_value, rel=1e-4)
    assert dw.z == pytest.approx(lp_value, rel=1e-4)  # the master converges to the same LP value from above
    assert out.rounds > 1


def test_matrix_hand_off_is_the_model_the_persistent_interface_solves(case, optimum):
    """The compiled matrix (sites strategy) and Pyomo's persistent interface (direct) give HiGHS the same MILP:
    same optimum, and the loaded solution satisfies every Pyomo constraint."""
    import pyomo.environ as pyo

    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    assert mat.highs.getNumCol() == sum(1 for _ in pm.model.component_data_objects(pyo.Var, active=True))
    outcome = mat.solve(mip_gap=1e-9, time_limit_s=300)
    assert outcome.status == "optimal"
    assert outcome.objective == pytest.approx(optimum, rel=1e-7)
    mat.load(pm.model, mat.solution())
    assert pyo.value(pm.model.total_cost) == pytest.approx(optimum, rel=1e-7)
    for con in pm.model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        scale = 1.0 + abs(body)
        assert con.lower is None or body >= pyo.value(con.lower) - 1e-6 * scale, con.name
        assert con.upper is None or body <= pyo.value(con.upper) + 1e-6 * scale, con.name


def test_binding_carbon_cap_and_must_open_site_agree_with_the_direct_solve(case, optimum):
    """The cap is a row on the global emission column (in the master, not in any site); a must-open site is
    an equality convexity row. Both strategies must land within the gap of the same optimum."""
    free = PlanningModel(case).solve(mip_gap=1e-9, strategy="direct")
    cap = 0.8 * free.kpis.set_index("kpi").at["emissions_tco2_per_yr", "value"]
    closed = [s for s in case.sites.index if s not in set(free.sites.loc[free.sites["opened"].astype(bool), "site_id"])]
    sites = case.sites.copy()
    sites.loc[closed[0], "must_open"] = True
    capped = dataclasses.replace(case, sites=sites,
                                 settings=dataclasses.replace(case.settings, carbon_cap_tco2_per_yr=cap))
    direct = PlanningModel(capped).solve(mip_gap=1e-9, strategy="direct").solve
    by_sites = PlanningModel(capped).solve(mip_gap=GAP, strategy="sites")
    assert direct.objective_cny > optimum  # the cap and the forced site both cost something
    assert by_sites.solve.best_bound_cny <= direct.objective_cny * (1 + 1e-9)
    assert by_sites.solve.objective_cny <= direct.objective_cny / (1 - GAP) * (1 + 1e-9)
    emissions = by_sites.kpis.set_index("kpi").at["emissions_tco2_per_yr", "value"]
    assert emissions <= cap * (1 + 1e-6)
    assert bool(by_sites.sites.set_index("site_id").at[closed[0], "opened"])


def test_auto_strategy_decomposes_only_cases_with_many_sites_and_hours():
    small = PlanningModel(synthetic_case(12, 6, 2))
    large = PlanningModel(synthetic_case(32, 8, 2))
    assert small._pick("auto") == "direct"
    assert large._pick("auto") == "sites"
    assert small._pick("sites") == "sites"
    with pytest.raises(ValueError, match="strategy must be one of"):
        small.solve(strategy="fastest")


def test_full_year_case_takes_its_design_from_twelve_days():
    """8760 h: the design comes from 12 evenly spread days (weights still one year), the year's LP with that
    design fixed gives the plan; with flat profiles that plan is the direct optimum."""
    from model_tables import cooling, demand, make_case, profiles, site

    from planner.model.decompose import DESIGN_DAYS, coarse_case

    case = make_case(
        sites=[site("cheap", grid_price_cny_per_mwh=300.0, fixed_cost_cny=2e8, max_it_mw=40.0),
               site("near", grid_price_cny_per_mwh=500.0, fixed_cost_cny=5e7, max_it_mw=40.0),
               site("spare", grid_price_cny_per_mwh=450.0, fixed_cost_cny=1e8, max_it_mw=40.0)],
        demands=[demand("d1", it_load_mw=30.0), demand("d2", it_load_mw=20.0)],
        coolings=[cooling("air", 1.4), cooling("liquid", 1.15, capex=2e6)],
        profile_table=profiles(365))
    assert case.is_full_year
    days = coarse_case(case, DESIGN_DAYS)
    assert days.n_hours == 24 * DESIGN_DAYS and days.hour_weights.sum() == pytest.approx(8760.0)

    direct = PlanningModel(case).solve(mip_gap=1e-7, strategy="direct").solve
    lines: list[str] = []
    by_sites = PlanningModel(case).solve(mip_gap=1e-7, strategy="sites", log=lines.append).solve
    assert any(f"of the {DESIGN_DAYS} days fixed: " in line and "no plan" not in line for line in lines)
    assert by_sites.objective_cny == pytest.approx(direct.objective_cny, rel=1e-6)
    # no bound for the year: the plan is not claimed optimal
    assert by_sites.status == "feasible" and not by_sites.proven_optimal and by_sites.best_bound_cny is None
