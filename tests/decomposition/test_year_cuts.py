"""Cuts from the full year's dispatch (`planner.decomposition.year_cuts`): each site's year LP with its design fixed,
the supporting planes it gives, and the lower bound they lift.

Checked on the two-site year of `test_aggregated_days` (a site with PV, battery and export; a grid-only site),
solved to optimality by HiGHS directly (fixture `varying_year`, tests/conftest.py): the year LPs against
hand-computed costs and the optimum's own operating cost, the planes against the LP at other designs, and the
bound against the year's optimum.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pyomo.environ as pyo
import pytest

from planner.decomposition.blocks import built_blocks
from planner.decomposition.budget import NO_LIMIT, Budget
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.tuning import BOUND_DAYS, PROGRESS_ROUNDS, SEPARATION_WEIGHT
from planner.decomposition.year_bound import YearBound, may_prove, year_bound
from planner.decomposition.year_cuts import Cut, YearDispatch, cut_value, site_year_data
from planner.decomposition.year_plan import decompose_on_days
from planner.model import roles
from planner.model.build import build_model
from planner.model.data import aggregated_days
from planner.solve import PlanningModel
from planner.solver.persistent import HighsSolver
from planner.solver.outcome import SOLVED

OPERATING = ("energy", "grid_connection", "carbon", "export_revenue")


def design_of(m: pyo.ConcreteModel, site: str) -> dict:
    """The design of `site` in the solved model: {(variable, index): value}."""
    return {(name, idx): float(v.value) for name in sorted(roles.variables(cut_side="design")) if hasattr(m, name)
            for idx, v in getattr(m, name).items() if site in (idx if isinstance(idx, tuple) else (idx,))}


def year_lp(d, site: str) -> YearDispatch:
    _, mat, blocks = built_blocks(site_year_data(d, site))
    return YearDispatch.for_sites(mat, blocks.col_site)[0]


def test_a_grid_only_sites_year_costs_its_load_at_hourly_prices_and_its_peak_connection(varying_year):
    """s2 imports its facility load every hour: Q = sum_t (price_t + carbon price x ef_t) load_t + grid cost x
    the peak load, and the slope in its IT load is that sum per MW plus the grid cost at the peak hour."""
    model, _ = varying_year
    d = model.data
    at = design_of(model.model, "s2")
    q, slope = year_lp(d, "s2").cut(at, NO_LIMIT)
    coef = {idx: d.load_coef(*idx) for name, idx in at if name == "it_load_mw"}
    load = sum(c * at["it_load_mw", idx] for idx, c in coef.items())
    per_mwh = (d.price["s2"] + d.case.settings.carbon_price_cny_per_tco2 * d.ef["s2"]) * d.weights("s2")
    grid_cost = float(d.case.sites.at["s2", "grid_connection_cost_cny_per_mw_yr"])
    assert load.max() > 1.0
    assert q == pytest.approx(per_mwh @ load + grid_cost * load.max(), rel=1e-7)
    peak = int(np.argmax(load))
    for idx, c in coef.items():
        assert slope["it_load_mw", idx] == pytest.approx(per_mwh @ c + grid_cost * c[peak], rel=1e-6)


def test_the_year_lps_at_the_optimal_design_cost_what_the_optimum_spends_on_operation(varying_year):
    """With no hub rule binding, the year's optimum dispatches each site as cheaply as its design allows."""
    model, _ = varying_year
    m, d = model.model, model.data
    spent = sum(pyo.value(m.cost[c]) for c in OPERATING)
    q = sum(year_lp(d, s).cut(design_of(m, s), NO_LIMIT)[0] for s in d.sites)
    assert q == pytest.approx(spent, rel=1e-7)


def test_a_cut_is_a_plane_below_the_years_cost_at_every_other_design(varying_year):
    """Q_s(x') >= Q_s(x) + g(x) (x' - x) for designs of s1 (PV, battery, export) around the optimum's."""
    model, _ = varying_year
    lp = year_lp(model.data, "s1")
    base = design_of(model.model, "s1")
    rng = np.random.default_rng(3)
    designs = [base, *({k: v * rng.uniform(0.9, 1.1) for k, v in base.items()} for _ in range(3))]
    got = [lp.cut(at, NO_LIMIT) for at in designs]
    assert all(g is not None for g in got)
    assert len({round(q) for q, _ in got}) == len(designs)
    for (q1, slope), at1 in zip(got, designs):
        assert any(abs(g) > 1.0 for g in slope.values())
        for (q2, _), at2 in zip(got, designs):
            plane = q1 + sum(g * (at2[k] - at1[k]) for k, g in slope.items())
            assert q2 >= plane - 1e-7 * abs(q2)


def test_a_design_the_year_cannot_run_gets_a_feasibility_cut_that_every_runnable_design_meets(varying_year):
    """s1 with 30 x the optimum's PV cannot use 60 % of its generation itself over the year: no Q there, but the
    least violation of its green-connection rules (MWh/yr) gives a plane that is > 0 there, rises with PV, and is
    <= 0 at every design the year can run (the optimum's, and its PV scaled)."""
    model, _ = varying_year
    lp = year_lp(model.data, "s1")
    base = design_of(model.model, "s1")
    assert base["pv_mw", "s1"] > 1.0
    flooded = {**base, ("pv_mw", "s1"): 30 * base["pv_mw", "s1"]}
    assert lp.cut(flooded, NO_LIMIT)[0] == math.inf
    violation, slope = lp.feasibility_cut(NO_LIMIT)
    cut = Cut(0, violation, flooded, slope, feasibility=True)
    assert violation > 1.0 and cut_value(cut, flooded) == pytest.approx(violation, rel=1e-6)
    assert slope["pv_mw", "s1"] > 0.0
    runnable = [{**base, ("pv_mw", "s1"): f * base["pv_mw", "s1"]} for f in (0.5, 0.8, 1.0, 1.2)]
    for at in runnable:
        q, _ = lp.cut(at, NO_LIMIT)
        assert math.isfinite(q)
        assert cut_value(cut, at) <= 1e-6 * violation
    # the LP is left as it was: Q at the optimum's design as before the feasibility problem
    assert lp.cut(base, NO_LIMIT)[0] == pytest.approx(year_lp(model.data, "s1").cut(base, NO_LIMIT)[0], rel=1e-9)


def test_a_feasibility_cut_retires_the_proposals_that_break_it_and_the_relaxation_then_meets_it(varying_year):
    """`YearBound.add` with a feasibility cut (here: s1's PV at most half the relaxation's): the row goes into
    the blocks scaled, the master's proposals above it are retired, and after more column generation the
    relaxation's solution meets it."""
    model, _ = varying_year
    d = model.data
    yb = YearBound(d, mip_gap=1e-9, out=DecompositionOutcome(), say=lambda _: None)
    try:
        x = yb.cg.run(tolerance=0.0, budget=Budget.of(120.0))
        i = d.sites.index("s1")
        pv_col = yb.oc.design_cols[i]["pv_mw", "s1"]
        pv = float(x[pv_col])
        assert pv > 1.0
        at = {("pv_mw", "s1"): pv}
        yb.add([Cut(i, 0.5 * pv, at, {("pv_mw", "s1"): 1.0}, feasibility=True)])  # 0 >= pv/2 + (pv' - pv)
        master = yb.cg.master
        assert master.retired and all(master.proposals[k][0] == i for k in master.retired)
        position = int(np.searchsorted(yb.blocks.site_cols[i], pv_col))
        kept = [k for k in master.of_site[i] if k not in master.retired]
        assert all(master.proposals[k][1][position] <= 0.5 * pv * (1 + 1e-6) for k in kept)
        x = yb.cg.run(tolerance=0.0, budget=Budget.of(120.0))
        assert x[pv_col] <= 0.5 * pv * (1 + 1e-6)
        assert yb.oc.n_feasibility == 1
    finally:
        yb.close()


@pytest.fixture(scope="module")
def average_days_optimum(varying_year):
    outcome = HighsSolver(build_model(aggregated_days(varying_year[0].data, BOUND_DAYS))).solve(mip_gap=1e-9,
                                                                                         time_limit_s=120)
    assert outcome.status in SOLVED
    return outcome.objective


def test_cuts_at_the_optimal_design_lift_the_bound_above_the_average_days_optimum(varying_year,
                                                                                  average_days_optimum):
    model, year_cost = varying_year
    d = model.data
    lines: list[str] = []
    out = DecompositionOutcome()
    plan = (year_cost, {s: design_of(model.model, s) for s in d.sites}, {})
    bound = year_bound(d, mip_gap=1e-9, budget=Budget.of(300.0), out=out, say=lines.append, plan=plan)
    assert bound <= year_cost * (1 + 1e-7)
    assert average_days_optimum < year_cost * (1 - 1e-3)  # the average days alone leave a gap
    assert year_cost - bound <= 0.5 * (year_cost - average_days_optimum)
    assert out.year_cuts >= 2 and out.bound_days == BOUND_DAYS
    assert any("cuts from the year's dispatch" in line for line in lines)
    print(f"year {year_cost:,.0f}, average days {average_days_optimum:,.0f}, with cuts {bound:,.0f}")


def test_cuts_at_any_other_design_keep_the_bound_below_the_year(varying_year):
    """The planes hold for every design, so cuts made at a poor plan's design are valid too."""
    model, year_cost = varying_year
    d = model.data
    poor = {s: {k: 0.8 * v for k, v in design_of(model.model, s).items()} for s in d.sites}
    bound = year_bound(d, mip_gap=1e-9, budget=Budget.of(300.0), out=DecompositionOutcome(), say=lambda _: None,
                       plan=(1.2 * year_cost, poor, {}))
    assert math.isfinite(bound) and bound <= year_cost * (1 + 1e-7)


def test_in_out_separation_cuts_the_relaxation_off_between_the_core_and_it(varying_year):
    """`YearBound.separate`: with the optimum's design as the core, each used site's cut is made part of the way
    from the core to the relaxation's design (the core moves there) or, where that does not cut the relaxation
    off, at the relaxation's design; every cut cuts it off and is a plane below the year's cost there."""
    model, _ = varying_year
    d = model.data
    yb = YearBound(d, mip_gap=1e-9, out=DecompositionOutcome(), say=lambda _: None)
    try:
        optimum = {s: design_of(model.model, s) for s in d.sites}
        yb.cut_at(optimum, {}, NO_LIMIT)  # the core; its cuts are left out, so the relaxation is the days' own
        x = yb.cg.run(tolerance=0.0, budget=Budget.of(120.0))
        oc = yb.oc
        used = [i for i in range(len(d.sites)) if x[yb.blocks.open_col[i]] > 1e-6]
        relaxed = {i: {k: float(x[j]) for k, j in oc.design_cols[i].items()} for i in used}
        cuts = yb.separate(x, NO_LIMIT)
        assert cuts and {c[0] for c in cuts} <= set(used)
        for i in used:
            core, at = optimum[d.sites[i]], relaxed[i]
            expected = {k: SEPARATION_WEIGHT * at.get(k, 0.0) + (1 - SEPARATION_WEIGHT) * core.get(k, 0.0)
                        for k in at.keys() | core.keys()}
            assert yb.core[i] == pytest.approx(expected)
        for cut in cuts:
            i, point = cut.site, cut.at
            assert not cut.feasibility
            assert point in (yb.core[i], relaxed[i])
            assert cut_value(cut, relaxed[i]) > float(x[oc.theta_col[i]])
            q_there = year_lp(d, d.sites[i]).cut(relaxed[i], NO_LIMIT)[0]
            assert cut_value(cut, relaxed[i]) <= q_there + 1e-7 * abs(q_there)
    finally:
        yb.close()


def test_full_year_designs_are_sized_for_the_year_and_redived_from_the_relaxation_with_the_years_cuts(varying_year):
    """`decompose_on_days` with a gap no bound can prove: the design days' design, run over the year with its
    PV, wind and battery fixed, then sized for the year (`year_sizing.size_for_the_year`); designs dived from the
    relaxation with the year's cuts take turns with rounds of cuts, each design run over the year once. The
    cheapest plan is kept: it costs what the year's LP with its integers and assignments fixed costs (solved
    whole by HiGHS), it is feasible every hour, and the bound stays below the year's optimum. Here every dive
    opens both sites, as the design days do: the year's plan is found once, and the turns end when the rounds
    find no violated cut and the dive gives that design again."""
    from model_tables import violations

    _, year_cost = varying_year
    fresh = PlanningModel(varying_year[0].case)
    lines: list[str] = []
    out, plan = decompose_on_days(fresh.model, fresh.data, mip_gap=1e-9, budget=Budget.of(300.0), log=lines.append)

    def amounts(pattern: str) -> list[float]:
        return [float(found.group(1).replace(",", "")) for line in lines if (found := re.search(pattern, line))]

    year_lps = amounts(r"the year's LP of the \d+ open sites: ([-\d,]+), with")
    fixed = amounts(r"year: master ([-\d,]+) after")
    sized = amounts(r"sized for the year at \d+ of \d+ sites: master ([-\d,]+)")
    redived = sum("opening 2 sites" in line for line in lines[lines.index(next(
        line for line in lines if "the year's LP of the" in line)):])
    tried_before = sum("the design dived from the relaxation was tried before" in line for line in lines)
    assert redived >= 2 and redived == len(year_lps) - 1 + tried_before, lines  # dived again after each turn
    assert len(set(year_lps)) == len(year_lps)  # no design run over the year twice
    assert lines[-1].endswith("the design dived from the relaxation was tried before")  # nothing left to change
    assert sized == year_lps and all(s <= f + 1.0 for s, f in zip(sized, fixed, strict=True))
    assert min(s / f - 1 for s, f in zip(sized, fixed, strict=True)) < -1e-4  # sizing for the year pays here
    assert out.plan_objective == pytest.approx(min(year_lps), abs=1.0)  # the log rounds to 1 CNY
    assert year_cost * (1 - 1e-7) <= out.plan_objective
    assert out.bound <= year_cost * (1 + 1e-7) and out.year_cuts >= 2
    plan.load_into(fresh.model)
    assert violations(fresh.model) == []
    assert pyo.value(fresh.model.total_cost) == pytest.approx(out.plan_objective, rel=1e-7)
    for name in roles.year_fixings()[-1]:
        if hasattr(fresh.model, name):
            getattr(fresh.model, name).fix()
    best_sizes = HighsSolver(fresh.model).solve(mip_gap=1e-9, time_limit_s=300)
    assert best_sizes.status in SOLVED
    assert out.plan_objective == pytest.approx(best_sizes.objective, rel=1e-6)


def test_the_rounds_stop_when_the_bound_at_its_pace_cannot_prove_the_plan_in_time():
    """`may_prove`: the bound's rise over the last PROGRESS_ROUNDS rounds, carried on to the deadline."""
    rising = [(float(t), 100.0 + t) for t in range(PROGRESS_ROUNDS + 1)]  # 1 CNY more per second
    now = rising[-1][0]
    assert may_prove(rising[:PROGRESS_ROUNDS], 1e9, now)  # too few rounds to judge
    assert may_prove(rising, 100.0 + now + 10.0, now + 10.0)
    assert not may_prove(rising, 100.0 + now + 10.5, now + 10.0)
    flat = [(float(t), 100.0) for t in range(PROGRESS_ROUNDS + 1)]
    assert not may_prove(flat, 100.5, 1e6) and may_prove(flat, 100.0, 1e6)
