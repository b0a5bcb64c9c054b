"""Site decomposition (planner/decomposition/): a valid bound, a plan within the gap, the model restored.

Every check compares against a real HiGHS solve of the same case: the MILP solved directly to optimality,
or its LP relaxation.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest
from model_tables import synthetic_case, violations

from planner.decomposition.blocks import plan_holds, site_blocks
from planner.decomposition.budget import NO_LIMIT, Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.dives import dive_design, dive_modules, dive_open, swap_open
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.pricing import SiteLps, busy_s, solution_agrees
from planner.decomposition.sites import decompose
from planner.decomposition.tuning import DESIGN_DAYS
from planner.decomposition.year_plan import coarse_case
from planner.decomposition.year_sizing import year_fixings
from planner.examples import example_path
from planner.solver.matrix import compile_to_highs
from planner.solve import PlanningModel
from planner.input.validate import load_case
from planner.solver.outcome import SOLVED

ROOT = Path(__file__).resolve().parents[2]
GAP = 0.01


def assert_feasible(m: pyo.ConcreteModel) -> None:
    """The values loaded into `m` satisfy every active constraint and are whole where the variable is."""
    assert violations(m) == []


@pytest.fixture(scope="module")
def case():
    return synthetic_case(12, 6, 2)


@pytest.fixture(scope="module")
def optimum(case) -> float:
    result = PlanningModel(case).solve(mip_gap=1e-9, time_limit_s=300, strategy="direct")
    assert result.solve.status in SOLVED
    return result.solve.objective_cny


def test_sites_strategy_gives_a_valid_bound_and_a_plan_within_the_gap(case, optimum):
    lines: list[str] = []
    result = PlanningModel(case).solve(mip_gap=GAP, time_limit_s=300, strategy="sites", log=lines.append)
    info = result.solve
    assert any(line.startswith("planner decomposition") for line in lines)
    assert info.status in SOLVED and info.proven_optimal == (info.status == "optimal")
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

    blocks = site_blocks(pm.model, pm.data, mat)
    out = DecompositionOutcome()
    dw = ColumnGeneration(blocks, out, say=lambda _: None)
    dw.run(tolerance=1e-7, budget=Budget.of(120))
    assert out.bound <= lp_value * (1 + 1e-7)
    assert out.bound == pytest.approx(lp_value, rel=1e-4)
    assert dw.z == pytest.approx(lp_value, rel=1e-4)  # the master converges to the same LP value from above
    assert out.rounds > 1


def test_partial_rounds_stop_where_a_full_round_would(case):
    """A dive's rounds price only the sites in play, yet stop only once every site's LP proposes nothing: a full
    round after them adds no proposal and leaves the master's value where it was."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    blocks = site_blocks(pm.model, pm.data, mat)
    dw = ColumnGeneration(blocks, DecompositionOutcome(), say=lambda _: None)
    x = dw.run(tolerance=1e-7, budget=Budget.of(120))
    n = len(blocks.sites)
    fractional = [i for i in range(n) if 1e-6 < x[blocks.open_col[i]] < 1 - 1e-6]
    dw.fix_open(fractional[0] if fractional else int(np.argmax(x[blocks.open_col])), 1.0)  # a dive step
    priced: list[int] = []
    price_all = dw.sites.price_all
    dw.sites.price_all = lambda sites, *a, **kw: (priced.append(len(sites)), price_all(sites, *a, **kw))[1]
    dw.run(tolerance=0.0, budget=Budget.of(120), escalate=False, partial=True)
    assert min(priced) < n and priced[-1] == n  # rounds of the sites in play, the last of every site
    z, columns = dw.z, dw.master.h.getNumCol()
    dw.run(tolerance=0.0, budget=Budget.of(120), escalate=False, max_rounds=1)
    assert dw.master.h.getNumCol() == columns
    assert dw.z == pytest.approx(z, rel=1e-9)


def test_site_lps_priced_at_once_give_what_each_gives_alone(case):
    """The pricing threads change nothing: with the duals of a converged master, every site's LP priced in a
    batch of parallel runs has the optimum and the proposal it has when priced on its own."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    blocks = site_blocks(pm.model, pm.data, mat)
    dw = ColumnGeneration(blocks, DecompositionOutcome(), say=lambda _: None)
    dw.run(tolerance=1e-6, budget=Budget.of(120))
    sites = list(range(len(blocks.sites)))
    together_out, alone_out = DecompositionOutcome(), DecompositionOutcome()
    together = SiteLps(blocks, together_out, threads=2).price_all(sites, dw.y_link)
    alone_lps = SiteLps(blocks, alone_out)
    alone = [alone_lps.price_all([i], dw.y_link)[0] for i in sites]
    assert any(v < 0 for v, _ in alone)  # some site is worth opening at these prices
    for (v_together, x_together), (v_alone, x_alone) in zip(together, alone, strict=True):
        assert v_together == pytest.approx(v_alone, rel=1e-9, abs=1e-6)
        np.testing.assert_allclose(x_together, x_alone, rtol=1e-9, atol=1e-9)
    # a solution is copied out of HiGHS only where it is wanted
    cut = sorted(v for v, _ in alone)[len(sites) // 2]
    again = alone_lps.price_all(sites, dw.y_link, wanted=lambda i, v: v < cut)
    assert [x is None for _, x in again] == [not v < cut for v, _ in again]
    assert any(x is None for _, x in again) and not all(x is None for _, x in again)
    assert 0 < together_out.highs_s and 0 < alone_out.highs_s


def test_site_lps_get_the_priced_costs_of_every_column(case):
    """Only the columns in linking rows get new costs each round: after pricing with one set of duals and then
    another, every column of every site LP costs c - A_link' y, and a site's optimum is its solution at those
    costs."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    b = site_blocks(pm.model, pm.data, mat)
    dw = ColumnGeneration(b, DecompositionOutcome(), say=lambda _: None)
    dw.run(tolerance=1e-6, budget=Budget.of(120))
    lps = SiteLps(b, DecompositionOutcome())
    a_link = b.a_csr[b.linking_rows].tocsc()
    sites = list(range(len(b.sites)))
    for y in (dw.y_link, 0.5 * dw.y_link):
        priced = lps.price_all(sites, y)
        for i, (v, x) in zip(sites, priced, strict=True):
            cols = b.site_cols[i]
            expected = b.cost[cols] - a_link[:, cols].T @ y
            got = np.asarray(lps.lp(i).getLp().col_cost_)
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
            assert v == pytest.approx(float(expected @ x), rel=1e-7, abs=1e-3)
    assert all(len(lps.costs(i).linked) < len(b.site_cols[i]) for i in sites)


def test_busy_time_counts_overlapping_runs_once():
    assert busy_s([]) == 0
    assert busy_s([(0.0, 2.0), (1.0, 3.0), (5.0, 6.0), (5.5, 5.7)]) == pytest.approx(4.0)


def test_matrix_hand_off_is_the_model_the_persistent_interface_solves(case, optimum):
    """The compiled matrix (sites strategy) and Pyomo's persistent interface (direct) give HiGHS the same MILP:
    same optimum, and the loaded solution satisfies every Pyomo constraint."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    assert mat.highs.getNumCol() == sum(1 for _ in pm.model.component_data_objects(pyo.Var, active=True))
    outcome = mat.solve(mip_gap=1e-9, time_limit_s=300)
    assert outcome.status in SOLVED
    assert outcome.objective == pytest.approx(optimum, rel=1e-7)
    mat.load(pm.model, mat.solution())
    assert pyo.value(pm.model.total_cost) == pytest.approx(optimum, rel=1e-7)
    assert_feasible(pm.model)


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
    assert small.pick_strategy("auto", "cost") == "direct"
    assert large.pick_strategy("auto", "cost") == "sites"
    assert small.pick_strategy("sites", "cost") == "sites"
    with pytest.raises(ValueError, match="strategy must be one of"):
        small.solve(strategy="fastest")


def three_site_year(**grid_ef):
    """A full year, flat profiles: three sites for two demands; `grid_ef`: emission factor by site."""
    from model_tables import cooling, demand, make_case, profiles, site

    def where(name: str, **kw) -> dict:
        return site(name, **kw, **({"grid_ef_tco2_per_mwh": grid_ef[name]} if name in grid_ef else {}))

    return make_case(
        sites=[where("cheap", grid_price_cny_per_mwh=300.0, fixed_cost_cny=2e8, max_it_mw=40.0),
               where("near", grid_price_cny_per_mwh=500.0, fixed_cost_cny=5e7, max_it_mw=40.0),
               where("spare", grid_price_cny_per_mwh=450.0, fixed_cost_cny=1e8, max_it_mw=40.0)],
        demands=[demand("d1", it_load_mw=30.0), demand("d2", it_load_mw=20.0)],
        coolings=[cooling("air", 1.4), cooling("liquid", 1.15, capex=2e6)],
        profile_table=profiles(365))


def test_full_year_case_takes_its_design_from_twelve_days():
    """8760 h: the design comes from 12 evenly spread days (weights still one year), the year's LP of the open
    sites with that design fixed gives the plan; with flat profiles that plan is the direct optimum. The plan
    comes back as values of the full model: closed sites at zero, every row met."""
    case = three_site_year()
    assert case.is_full_year
    days = coarse_case(case, DESIGN_DAYS)
    assert days.n_hours == 24 * DESIGN_DAYS and days.hour_weights.sum() == pytest.approx(8760.0)

    direct = PlanningModel(case).solve(mip_gap=1e-7, strategy="direct").solve
    lines: list[str] = []
    pm = PlanningModel(case)
    result = pm.solve(mip_gap=1e-7, strategy="sites", log=lines.append)
    by_sites = result.solve
    final = [line for line in lines if "the year's LP of the " in line]
    # the design days' design first; a second, dived from the bound's relaxation, only if that is not proven
    assert f"of the {DESIGN_DAYS} days fixed at every site" in final[0], lines
    assert final[1:] == [] or "average days with the year's cuts" in final[1]
    assert by_sites.objective_cny == pytest.approx(direct.objective_cny, rel=1e-6)
    # the bound from average days is valid; the plan is claimed optimal only if the bound proves it
    assert by_sites.best_bound_cny is not None and by_sites.best_bound_cny <= direct.objective_cny * (1 + 1e-9)
    assert by_sites.proven_optimal == (by_sites.gap <= 1e-7)
    assert by_sites.status == ("optimal" if by_sites.proven_optimal else "feasible")
    # only the open sites' year was modelled; the full model holds the plan
    opened = result.sites.loc[result.sites["opened"], "site_id"].tolist()
    assert 0 < len(opened) < 3
    assert any(f"year: model of the {len(opened)} open sites built" in line for line in lines), lines
    assert_feasible(pm.model)
    assert pyo.value(pm.model.total_cost) == pytest.approx(by_sites.objective_cny, rel=1e-9)
    closed = [s for s in case.sites.index if s not in opened]
    assert all(pm.model.grid_import_mw[s, t].value == 0.0 for s in closed for t in (0, 4000, 8759))


def test_a_full_year_sites_solve_takes_the_carbon_price_and_cap_set_on_the_model():
    """`set_carbon_price` and `set_carbon_cap` change the model, not the case: the design days, the open sites'
    year and the average days of the bound must see them. At 3,000 CNY/t the dirty cheap grid loses to a clean
    site; without a price, a cap of half the emissions has to change the plan too."""
    case = three_site_year(cheap=0.9, near=0.1, spare=0.3)
    plans = {}
    for scenario in ("free", "price", "cap"):
        models = PlanningModel(case), PlanningModel(case)
        for pm in models:
            if scenario == "price":
                pm.set_carbon_price(3000.0)
            if scenario == "cap":
                pm.set_carbon_cap(0.5 * plans["free"][1])
        direct, by_sites = (pm.solve(mip_gap=1e-7, strategy=how) for pm, how in zip(models, ("direct", "sites")))
        assert direct.solve.status in SOLVED, scenario
        opened = set(by_sites.sites.loc[by_sites.sites["opened"], "site_id"])
        assert opened == set(direct.sites.loc[direct.sites["opened"], "site_id"]), scenario
        assert by_sites.solve.objective_cny == pytest.approx(direct.solve.objective_cny, rel=1e-6), scenario
        assert by_sites.solve.best_bound_cny <= direct.solve.objective_cny * (1 + 1e-9), scenario
        plans[scenario] = opened, float(pyo.value(models[1].model.emissions_tco2))
    assert plans["free"][0] != plans["price"][0] and plans["free"][0] != plans["cap"][0]
    assert plans["cap"][1] <= 0.5 * plans["free"][1] * (1 + 1e-9)


# PV: 400,000 CNY/MW/yr against 730 MWh/MW/yr x 400 CNY/MWh of grid power on sunny days: only a rule builds it
DEAR_PV = [{"tech_id": "pv", "capex_cny_per_kw": 10000.0, "lifetime_yr": 25.0},
           {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
           {"tech_id": "battery", "capex_cny_per_kw": 20000.0, "capex_cny_per_kwh": 20000.0, "lifetime_yr": 12.0}]


def sunny_on_design_days() -> np.ndarray:
    """A year of PV capacity factors: 2 noon hours at cf 1 on the 12 design days, at cf 0.25 on the others."""
    from model_tables import make_case, profiles

    design_days = set(coarse_case(make_case(profile_table=profiles(365)), DESIGN_DAYS).timesteps["day"])
    noon = np.zeros(24)
    noon[11:13] = 1.0
    daily = np.where(np.isin(np.arange(1, 366), sorted(design_days)), 1.0, 0.25)
    return np.repeat(daily, 24) * np.tile(noon, 365)


def test_full_year_frees_capacities_the_design_days_cannot_carry():
    """PV is sunny on the 12 design days only (2 noon hours at cf 1; cf 0.25 on every other day) and dearer than
    grid power, so the rule "self-use >= 5 % of consumption" sizes PV just enough for the design days. Over the
    year that PV falls far short: the PV site's year LP has no solution with any fixing that keeps the design
    days' PV, so it moves on to the first that frees PV, alone; that plan meets the rule over the year and is
    the direct optimum. A second open site, far away for a demand of its own, keeps the tightest fixing until
    the year's LP has a plan, and then sizes its capacities for the year as every site does."""
    from model_tables import cooling, demand, make_case, profiles, site

    share = 0.05  # self-use >= share x consumption
    pv_cf = sunny_on_design_days()
    case = make_case(
        # "dear" has no PV (no green rule) but pays 2.5 x for grid power: it stays closed
        sites=[site("solar", max_pv_mw=100.0, pv_profile="pv", max_it_mw=20.0),
               site("dear", grid_price_cny_per_mwh=1000.0, fixed_cost_cny=1e7, max_it_mw=20.0),
               site("plain", lat=40.0, lon=120.0, max_it_mw=20.0)],
        demands=[demand("d1", it_load_mw=10.0), demand("d2", lat=40.0, lon=120.0, it_load_mw=10.0)],
        coolings=[cooling("ideal", 1.0)],
        technologies=DEAR_PV, profile_table=profiles(365, pv=pv_cf),
        settings={"green_min_selfuse_share_of_consumption": share, "green_export_allowed": "no"})
    assert case.is_full_year
    consumption_mwh = 10.0 * 8760.0  # PUE 1

    # the premise: on the design days the rule sizes PV at 5 % x 87,600 MWh / 730 MWh/MW = 6 MW, which yields
    # far less than 5 % of the year's consumption
    days = PlanningModel(coarse_case(case, DESIGN_DAYS)).solve(mip_gap=1e-7, strategy="direct")
    pv_days = float(days.sites.set_index("site_id").at["solar", "pv_mw"])
    assert pv_days == pytest.approx(share * consumption_mwh / 730.0, rel=1e-6)
    assert pv_days * pv_cf.sum() < 0.5 * share * consumption_mwh

    direct = PlanningModel(case).solve(mip_gap=1e-7, strategy="direct")
    assert direct.solve.status in SOLVED
    lines: list[str] = []
    result = PlanningModel(case).solve(mip_gap=1e-7, strategy="sites", log=lines.append)
    fixings = year_fixings()

    # the PV site moves on from every fixing that keeps the design days' PV, to the first that frees it
    first_free = next(k for k, (_, names, _) in enumerate(fixings) if "pv_mw" not in names)
    assert first_free > 0
    for k, (what, _, _) in enumerate(fixings):
        moved = [line for line in lines if f"solar has no dispatch for the year with {what} of the " in line]
        assert len(moved) == (k < first_free), (what, lines)
    assert not any("plain has no dispatch" in line for line in lines), lines
    final = [line for line in lines if "the year's LP of the 2 open sites: " in line]
    assert len(final) == 1 and "no plan" not in final[0], lines
    # plain ran the year at the tightest fixing; once that gave a plan, it sized its capacities too
    assert first_free == len(fixings) - 1
    sized = [line for line in lines if "PV, wind and battery sized for the year" in line]
    assert len(sized) == 1 and "at 1 of 1 sites" in sized[0], lines
    assert final[0].endswith(f"with {fixings[-1][0]} of the {DESIGN_DAYS} days fixed at every site"), final

    info = result.solve
    assert info.objective_cny == pytest.approx(direct.solve.objective_cny, rel=1e-6)
    # the bound from average days: valid, and here (one site per role, PV sized by an annual rule) it proves
    # the plan, which is then optimal
    assert info.best_bound_cny <= direct.solve.objective_cny * (1 + 1e-9)
    assert info.status == ("optimal" if info.gap <= 1e-7 else "feasible")
    plan = result.sites.set_index("site_id")
    assert bool(plan.at["solar", "opened"]) and bool(plan.at["plain", "opened"]) and not bool(plan.at["dear", "opened"])
    assert plan.at["solar", "pv_mw"] > 3 * pv_days  # PV was re-sized for the year

    # the rule holds over the year: in the policy table and recomputed from the hourly dispatch
    policy = result.policy.set_index(["policy", "scope"]).loc[("green_selfuse_of_consumption", "solar")]
    assert policy["satisfied"] and policy["achieved"] >= share * (1 - 1e-6)
    hourly = result.dispatch[result.dispatch["site_id"] == "solar"]
    selfuse = float((hourly["pv_mw"] - hourly["curtailment_mw"] - hourly["export_mw"]).sum())
    assert selfuse >= share * (selfuse + float(hourly["grid_import_mw"].sum())) * (1 - 1e-6)
    served = float(hourly["facility_load_mw"].sum())
    assert served == pytest.approx(consumption_mwh, rel=1e-9)

    # no better than the direct optimum, and (with the same design integers) equal to it
    assert info.objective_cny >= direct.solve.objective_cny * (1 - 1e-6)
    chosen = ["opened", "modules", "cooling_id"]
    if direct.sites.set_index("site_id")[chosen].equals(plan[chosen]):
        assert info.objective_cny == pytest.approx(direct.solve.objective_cny, rel=1e-6)


def test_full_year_frees_every_site_when_a_hub_rule_fails_over_the_year():
    """The same sunny design days, but the 5 % green share is the hub's rule, over two PV sites that each serve a
    demand of their own: each site's year LP has a solution with the design fixed, but the hub's row (linking
    the sites) cannot be met. Every site then moves on together until PV is free; the plan is the direct
    optimum."""
    from model_tables import cooling, demand, make_case, profiles, site

    case = make_case(
        hubs=[{"hub_id": "h1", "name": "Hub 1", "region": "west", "pue_cap": 2.0, "min_green_share": 0.05}],
        sites=[site("west", max_pv_mw=100.0, pv_profile="pv", max_it_mw=20.0, grid_green_share=0.0),
               site("east", lat=40.0, lon=120.0, max_pv_mw=100.0, pv_profile="pv", max_it_mw=20.0,
                    grid_green_share=0.0)],
        demands=[demand("d1", it_load_mw=10.0), demand("d2", lat=40.0, lon=120.0, it_load_mw=10.0)],
        coolings=[cooling("ideal", 1.0)], technologies=DEAR_PV, profile_table=profiles(365, pv=sunny_on_design_days()),
        settings={"green_min_selfuse_share_of_consumption": 0.0, "green_export_allowed": "no"})
    direct = PlanningModel(case).solve(mip_gap=1e-7, strategy="direct")
    assert direct.solve.status in SOLVED
    lines: list[str] = []
    result = PlanningModel(case).solve(mip_gap=1e-7, strategy="sites", log=lines.append)
    fixings = year_fixings()

    first_free = next(k for k, (_, names, _) in enumerate(fixings) if "pv_mw" not in names)
    moves = [line for line in lines if "rules cannot be met with the design: west, east keep only " in line]
    assert len(moves) == first_free, lines
    assert not any("has no dispatch for the year" in line for line in lines), lines
    final = [line for line in lines if "the year's LP of the 2 open sites: " in line]
    assert len(final) == 1 and final[0].endswith(
        f"with {fixings[first_free][0]} of the {DESIGN_DAYS} days fixed at every site"), lines
    assert result.solve.objective_cny == pytest.approx(direct.solve.objective_cny, rel=1e-6)
    policy = result.policy.set_index(["policy", "scope"]).loc[("hub_green_share", "h1")]
    assert policy["satisfied"] and policy["achieved"] >= 0.05 * (1 - 1e-6)


def test_a_site_that_alone_reaches_a_demand_is_never_closed_in_the_master():
    """With one site in reach, a demand's 'served' row is that site's own row: the closed (all-zero) proposal
    violates it, so the master must keep the site open. It used to close it and fall back to the full MILP."""
    from model_tables import cooling, demand, make_case, profiles, site

    case = make_case(sites=[site("only", max_it_mw=40.0)], demands=[demand("d1", it_load_mw=25.0)],
                     coolings=[cooling("air", 1.3)], profile_table=profiles(2))
    direct = PlanningModel(case).solve(mip_gap=1e-9, strategy="direct").solve
    lines: list[str] = []
    by_sites = PlanningModel(case).solve(mip_gap=GAP, strategy="sites", log=lines.append).solve
    assert any("opening 1 sites" in line for line in lines), lines
    assert by_sites.termination.startswith("site decomposition")  # proven without HiGHS' branch and bound
    assert by_sites.objective_cny == pytest.approx(direct.objective_cny, rel=1e-6)  # 3 modules of 10 MW
    assert by_sites.best_bound_cny <= direct.objective_cny * (1 + 1e-9)


def test_a_changed_carbon_price_reaches_the_next_sites_solve(case):
    """The matrix is compiled afresh at each solve, so a parameter changed between solves counts."""
    pm = PlanningModel(case)
    first = pm.solve(mip_gap=GAP, strategy="sites").solve
    pm.set_carbon_price(2000.0)
    second = pm.solve(mip_gap=GAP, strategy="sites").solve
    reference = PlanningModel(case)
    reference.set_carbon_price(2000.0)
    direct = reference.solve(mip_gap=1e-9, strategy="direct").solve
    assert second.objective_cny > first.objective_cny * 1.01
    assert second.best_bound_cny <= direct.objective_cny * (1 + 1e-9)
    assert direct.objective_cny * (1 - 1e-9) <= second.objective_cny <= second.best_bound_cny / (1 - GAP) * (1 + 1e-9)


def test_diving_keeps_open_the_sites_the_lp_opens_whole():
    """The dive fixes every site the master opens whole before it rounds anything; left unfixed, later steps
    pushed one out of the plan on the benchmark case M (40 sites, 12 days), which cost 0.3 % of the
    objective. The dived plan is the master's solution with every integer fixed: it satisfies the MILP."""
    pm = PlanningModel(synthetic_case(40, 20, 12))
    mat = compile_to_highs(pm.model)
    b = site_blocks(pm.model, pm.data, mat)
    dw = ColumnGeneration(b, DecompositionOutcome(), say=lambda _: None)
    x = dw.run(tolerance=5e-4, budget=Budget.of(300))
    whole = {i for i in range(len(b.sites)) if x[b.open_col[i]] >= 1 - 1e-6}
    opened = dive_open(dw, Budget.of(300))
    assert whole and whole <= opened
    design = dive_design(dw, opened, Budget.of(300))
    assert design is not None and dw.master.violation() <= 1e-6
    mat.load(pm.model, dw.x)
    assert_feasible(pm.model)


def test_a_swap_undoes_a_cascade_of_the_open_dive():
    """Benchmark case M with seed 3: the LP opens s027-guangdong by a share of 0.47; the dive closes it, its
    load moves from one Guangdong site to the next, and s003-guangdong (not used by the LP) ends up open,
    0.46 % above the LP. Swapping the two back brings the master within 0.1 %; the swap is kept only because
    the master gets cheaper, and every demand stays served (no artificials)."""
    pm = PlanningModel(synthetic_case(40, 20, 12, seed=3))
    mat = compile_to_highs(pm.model)
    b = site_blocks(pm.model, pm.data, mat)
    dw = ColumnGeneration(b, DecompositionOutcome(), say=lambda _: None)
    x = dw.run(tolerance=5e-4, budget=Budget.of(300))
    lp = dw.z
    opened = dive_open(dw, Budget.of(300))
    dived = dw.z
    swapped = swap_open(dw, opened, x, Budget.of(300))
    assert swapped != opened and len(swapped) == len(opened)
    assert dw.master.violation() <= 1e-6
    assert lp * (1 - 1e-9) <= dw.z < dived
    closed = opened - swapped
    assert all(x[b.open_col[i]] < 1 - 1e-6 for i in closed)  # only sites the LP did not open whole go

    # a swap that does not pay is undone: a far eastern site the LP never used, made to look like a candidate
    z = dw.z
    unused = max((j for j in range(len(b.sites)) if j not in swapped and x[b.open_col[j]] <= 1e-6
                  and "guangdong" in b.sites[j]), key=lambda j: b.cost[b.open_col[j]])
    lure = x.copy()
    lure[b.open_col[unused]] = 0.5
    assert swap_open(dw, swapped, lure, Budget.of(300)) == swapped
    assert dw.z <= z * (1 + 1e-9) and dw.master.violation() <= 1e-6
    assert dw.x[b.open_col[unused]] == 0.0
    design = dive_design(dw, swapped, Budget.of(300))
    assert design is not None and plan_holds(b, dw.x)


def module_dive(x: list[float], objective: float, cost_of: dict[float, float | None]):
    """`dive_modules` over sites whose module counts are columns 0, 1, ...; fixing site 0 at a count costs
    `cost_of[count]` (None: infeasible). Returns (its result, the (site, count) fixes made in turn)."""
    calls = []

    def fix(i: int, count: float):
        calls.append((i, count))
        cost = cost_of[count]
        return None if cost is None else (np.array([count, *x[1:]]), cost)

    b = SimpleNamespace(modules_col=np.arange(len(x)))
    return dive_modules(b, set(range(len(x))), np.array(x), objective, fix, NO_LIMIT), calls


def test_module_dive_keeps_the_cheaper_rounding():
    """On the built-in example one module less at guian-1 stayed feasible, but the load it moved had only
    expensive sites within reach (+97 M CNY/yr, against +6 M for one module more): rounding down whenever
    feasible left the plan 1.9 % above the bound. The dive tries the nearer count, then the other, and keeps
    the cheaper; site 1, already whole, keeps its count."""
    (counts, x), calls = module_dive([2.4, 1.0], 100.0, {2.0: 197.0, 3.0: 106.0})
    assert counts == {0: 3.0, 1: 1.0} and x.tolist() == [3.0, 1.0]
    assert calls == [(0, 2.0), (0, 3.0)]
    (counts, _), calls = module_dive([2.7, 1.0], 100.0, {2.0: 197.0, 3.0: 106.0})  # the cheaper was fixed first
    assert counts[0] == 3.0 and calls == [(0, 3.0), (0, 2.0), (0, 3.0)]
    (counts, _), calls = module_dive([2.4, 1.0], 100.0, {2.0: None, 3.0: 106.0})  # the nearer is infeasible
    assert counts[0] == 3.0 and calls == [(0, 2.0), (0, 3.0)]


def test_module_dive_stops_at_a_rounding_that_keeps_the_objective():
    """A rounding that costs nothing more cannot be beaten: the other is not tried."""
    (counts, _), calls = module_dive([2.4, 1.0], 100.0, {2.0: 100.0, 3.0: 90.0})
    assert counts[0] == 2.0 and calls == [(0, 2.0)]
    assert module_dive([2.4, 1.0], 100.0, {2.0: None, 3.0: None})[0] is None


def test_the_built_in_example_decomposes_to_a_feasible_plan_within_the_gap():
    """The built-in example (29 sites, 12 days), by column generation, dives and local moves only."""
    pm = PlanningModel(load_case(example_path("east-data-west")))
    mat = compile_to_highs(pm.model)
    b = site_blocks(pm.model, pm.data, mat)
    out = decompose(mat.highs, b, mip_gap=0.01, budget=Budget.of(300))
    assert out.plan is not None and out.gap is not None and out.gap <= 0.01
    mat.load(pm.model, out.plan)
    assert_feasible(pm.model)


def test_a_site_lp_that_has_run_long_still_gets_the_time_left(case):
    """HiGHS compares its time_limit with the object's run clock, which adds up over run() calls: a site LP
    re-solved for 2 s in all must still get the 1 s left until the deadline, not stop at once (on the full
    year's 48 average days every site LP then failed and the bound was lost)."""
    pm = PlanningModel(case)
    mat = compile_to_highs(pm.model)
    b = site_blocks(pm.model, pm.data, mat)
    lps = SiteLps(b, DecompositionOutcome())
    i = max(range(len(b.sites)), key=lambda i: len(b.site_cols[i]))
    h = lps.lp(i)
    while h.getRunTime() < 2.0:
        h.clearSolver()
        h.run()
    [(v, x)] = lps.price_all([i], np.zeros(len(b.linking_rows)), Budget.of(1.0))
    assert x is not None and h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def test_a_site_lps_optimum_is_checked_against_its_solution_to_the_size_of_the_terms():
    """`solution_agrees`: a priced cost that is a difference of large sums may be off by HiGHS' tolerance on the
    terms (here 2e4 CNY of 3e10, 2e-6 of the priced cost itself) and is trusted; 1e5 CNY or a gross disagreement
    (4.6e9 CNY, as once seen after many cut rows) is not."""
    import scipy.sparse as sp

    cost = np.array([1e4, -1e4])
    a_link, y_link = sp.csr_matrix(np.array([[1.0, 1.0]])), np.array([5e3])
    x = np.array([1e6, 1e6])  # cost terms 1e10 - 1e10; the linking price 5e3 x 2e6 = 1e10
    priced = float(cost @ x - y_link @ (a_link @ x))
    assert priced == -1e10
    assert solution_agrees(priced, x, cost, a_link, y_link)
    assert solution_agrees(priced + 2e4, x, cost, a_link, y_link)
    assert not solution_agrees(priced + 1e5, x, cost, a_link, y_link)
    assert not solution_agrees(priced - 4.6e9, x, cost, a_link, y_link)
