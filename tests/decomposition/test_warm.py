"""Warm starts between site decompositions of one built model (planner/decomposition/warm.py): the column pool and
the last plan carried to the next solve when only the carbon cap changes, as along the cost-carbon frontier."""

from __future__ import annotations

import dataclasses

import pyomo.environ as pyo
import pytest
from model_tables import synthetic_case

from planner.decomposition.blocks import plan_holds, site_blocks
from planner.decomposition.budget import Budget
from planner.decomposition.sites import decompose
from planner.decomposition.warm import SitePool, block_key
from planner.solve import PlanningModel
from planner.solver.matrix import compile_to_highs
from planner.solver.outcome import SOLVED

GAP = 0.01


@pytest.fixture(scope="module")
def case():
    return synthetic_case(12, 6, 2)


@pytest.fixture(scope="module")
def caps(case) -> tuple[float, float]:
    """A tight and a looser emissions cap (tCO2/yr) below the least-cost plan's emissions."""
    pm = PlanningModel(case)
    assert pm.solve(mip_gap=GAP, time_limit_s=300, strategy="sites").solve.status in SOLVED
    emissions = float(pyo.value(pm.model.emissions_tco2))
    return 0.6 * emissions, 0.8 * emissions


def capped_blocks(pm: PlanningModel, cap: float):
    pm.set_carbon_cap(cap)
    mat = compile_to_highs(pm.model)
    return mat, site_blocks(pm.model, pm.data, mat)


def test_pool_seeds_the_next_capped_decomposition(case, caps):
    """The tight cap's proposals and plan start the looser cap's decomposition: the same plan cost within the gap
    as a cold decomposition, in fewer column-generation rounds, and both bounds stay below both plans."""
    pm, pool = PlanningModel(case), SitePool()
    tight, loose = caps
    mat, b = capped_blocks(pm, tight)
    pool.bind(b, mat.columns)
    first = decompose(mat.highs, b, mip_gap=GAP, budget=Budget.of(300), pool=pool)
    assert first.plan is not None and pool.proposals
    pool.keep_plan(first.plan)

    mat, b = capped_blocks(pm, loose)
    pool.bind(b, mat.columns)
    assert pool.proposals and pool.plan is not None  # only the cap (a linking row's bound) changed
    warm = decompose(mat.highs, b, mip_gap=GAP, budget=Budget.of(300), pool=pool)
    cold = decompose(mat.highs, b, mip_gap=GAP, budget=Budget.of(300))
    assert warm.plan is not None and cold.plan is not None and plan_holds(b, warm.plan)
    assert warm.gap <= GAP and cold.gap <= GAP
    assert warm.bound <= cold.plan_objective * (1 + 1e-9) and cold.bound <= warm.plan_objective * (1 + 1e-9)
    assert abs(warm.plan_objective - cold.plan_objective) <= GAP * cold.plan_objective
    assert warm.rounds < cold.rounds
    assert any("site proposals of the last solve" in line for line in warm.log)


def test_pool_is_dropped_when_a_site_block_changes(case, caps):
    pm = PlanningModel(case)
    mat, b = capped_blocks(pm, caps[0])
    key = block_key(b, mat.columns)
    pm.set_carbon_price(123.0)  # costs and linking rows only
    mat2, b2 = capped_blocks(pm, caps[1])
    assert block_key(b2, mat2.columns) == key
    pool = SitePool()
    pool.bind(b, mat.columns)
    pool.keep([(0, b.col_upper[b.site_cols[0]].copy())])
    upper = b.col_upper.copy()
    upper[b.modules_col[0]] = 0.0  # one site's own bound
    pool.bind(dataclasses.replace(b, col_upper=upper), mat.columns)
    assert not pool.proposals and pool.plan is None


def test_planning_model_warm_solve_matches_a_cold_one(case, caps):
    """Two capped solves on one PlanningModel: the second starts from the first's pool and plan (its log says so)
    and its cost is that of a cold solve within the gap; warm=False solves cold."""
    tight, loose = caps
    pm = PlanningModel(case)
    pm.set_carbon_cap(tight)
    first = pm.solve(mip_gap=GAP, time_limit_s=300, strategy="sites").solve
    pm.set_carbon_cap(loose)
    lines: list[str] = []
    warm = pm.solve(mip_gap=GAP, time_limit_s=300, strategy="sites", log=lines.append).solve
    assert any("site proposals of the last solve" in line for line in lines)
    cold_lines: list[str] = []
    cold = pm.solve(mip_gap=GAP, time_limit_s=300, strategy="sites", log=cold_lines.append, warm=False).solve
    assert not any("last solve" in line for line in cold_lines)
    assert warm.status in SOLVED and cold.status in SOLVED
    assert abs(warm.objective_cny - cold.objective_cny) <= GAP * cold.objective_cny
    # the tight cap's plan is within the gap here too, yet the looser cap gets its own, cheaper plan: a frontier
    # started from the last point's plan must not repeat it
    assert warm.objective_cny < first.objective_cny * (1 - 1e-4)
    assert cold.objective_cny < first.objective_cny * (1 - 1e-4)
    assert float(pyo.value(pm.model.emissions_tco2)) <= loose * (1 + 1e-6)
