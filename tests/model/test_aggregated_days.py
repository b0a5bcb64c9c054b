"""`aggregated_days`: a full year on a few average days is a relaxation of the year, exact when the days alike.

The claim behind the full-year lower bound: any plan for the year, each site's hourly values averaged over
each of the site's own groups of days, satisfies every row of the aggregated model (the kept peak hours'
included) at no higher cost. Checked row by row on the year's optimal plan, and on the optima (real HiGHS
solves of both models).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from model_tables import violations, year_case
from planner.model.build import build_model
from planner.model.data import similar_days, site_series, aggregated_days, prepare
from planner.solver.persistent import HighsSolver
from planner.solve import PlanningModel
from planner.solver.outcome import SOLVED

DAYS = 6


def average_onto(agg: pyo.ConcreteModel, year: pyo.ConcreteModel, groups: dict[str, list[np.ndarray]]) -> None:
    """Give the aggregated model the year's plan, each site's hourly values averaged over each of its groups'
    days (`groups`: site -> groups); the state-of-charge shift of an average day is the average of its days'
    shifts (previous day's end minus the day's own end)."""
    for var in agg.component_objects(pyo.Var):
        if var.local_name == "soc_day_shift_mwh":
            continue
        subsets = [s.local_name for s in var.index_set().subsets()] if var.is_indexed() else []
        for idx, v in var.items():
            if "T" not in subsets:
                v.set_value(getattr(year, var.local_name)[idx].value, skip_validation=True)
                continue
            pos = subsets.index("T")
            key = idx if isinstance(idx, tuple) else (idx,)
            g, h = divmod(key[pos], 24)
            values = [getattr(year, var.local_name)[(*key[:pos], 24 * day + h, *key[pos + 1:])].value
                      for day in groups[key[0]][g]]
            v.set_value(float(np.mean(values)), skip_validation=True)
    for (s, t), v in getattr(agg, "soc_day_shift_mwh", {}).items():
        v.set_value(day_shift(year, s, groups[s][t // 24]))


def day_shift(year: pyo.ConcreteModel, s: str, days: np.ndarray) -> float:
    """The average over `days` of the previous day's closing state of charge minus the day's own."""
    return float(np.mean([year.soc_mwh[s, (24 * day - 1) % 8760].value - year.soc_mwh[s, 24 * day + 23].value
                          for day in days]))


def emissions_of(m: pyo.ConcreteModel, d) -> float:
    """Emissions of the plan in `m` at the model's own (hourly) emission factors."""
    return float(sum(d.weights(s)[t] * d.ef[s][t] * v.value for (s, t), v in m.grid_import_mw.items()))


def test_the_years_plan_averaged_holds_every_row_of_the_average_days_at_no_higher_cost(varying_year):
    model, year_cost = varying_year
    d = model.data
    ad = aggregated_days(d, DAYS)
    assert len(ad.times) == 24 * DAYS
    assert all(ad.weights(s).sum() == pytest.approx(8760.0) for s in ("s1", "s2"))
    agg = build_model(ad)
    steps = np.arange(8760).reshape(365, 24)
    groups = {s: similar_days(site_series(d, s), steps, DAYS) for s in ("s1", "s2")}
    for of_site in groups.values():
        assert len(of_site) == DAYS and sorted(np.concatenate(of_site).tolist()) == list(range(365))
    assert [g.tolist() for g in groups["s1"]] != [g.tolist() for g in groups["s2"]]  # each site its own groups
    assert len(agg.SQ) >= 2  # hours of the year kept for the grid connections
    average_onto(agg, model.model, groups)
    # emissions are defined at the groups' lowest emission factors: lower than the year's
    agg.emissions_tco2.set_value(emissions_of(agg, ad))
    assert agg.emissions_tco2.value <= model.model.emissions_tco2.value
    assert max(abs(day_shift(model.model, "s1", g)) for g in groups["s1"]) > 1.0  # the battery links days
    assert violations(agg) == []
    averaged_cost = pyo.value(agg.total_cost)
    assert averaged_cost <= year_cost * (1 + 1e-9)
    assert averaged_cost >= 0.8 * year_cost  # only price and emission factor at their minimum make it cheaper


def test_the_average_days_optimum_bounds_the_year(varying_year):
    _, year_cost = varying_year
    agg = build_model(aggregated_days(varying_year[0].data, DAYS))
    outcome = HighsSolver(agg).solve(mip_gap=1e-9, time_limit_s=120)
    assert outcome.status in SOLVED
    assert 0.8 * year_cost <= outcome.objective <= year_cost * (1 + 1e-9)


def test_the_grid_connection_covers_the_years_peak_load_not_the_average_days(varying_year):
    """s2 has only the grid: its connection must carry its facility load at the year's hardest hour, which the
    average days smooth away."""
    d = varying_year[0].data
    ad = aggregated_days(d, DAYS)
    agg = build_model(ad)
    assert HighsSolver(agg).solve(mip_gap=1e-9, time_limit_s=120).status in SOLVED
    loads = {(k, p): v.value for (s, k, p), v in agg.it_load_mw.items() if s == "s2"}

    def peak(data) -> float:
        return float(max(sum(data.load_coef("s2", k, p) * mw for (k, p), mw in loads.items())))

    assert agg.grid_mw["s2"].value == pytest.approx(peak(d), rel=1e-6)
    assert peak(ad) < peak(d) - 0.1  # without the kept hours, the average days' peak would do


def test_alike_days_aggregate_exactly():
    case = year_case(varying=False)
    year = PlanningModel(case).solve(mip_gap=1e-9, strategy="direct").solve
    agg = build_model(aggregated_days(prepare(case), DAYS))
    outcome = HighsSolver(agg).solve(mip_gap=1e-9, time_limit_s=120)
    assert outcome.objective == pytest.approx(year.objective_cny, rel=1e-6)
