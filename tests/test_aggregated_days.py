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

from model_tables import cooling, demand, make_case, profiles, site, violations
from planner.model.build import build_model
from planner.model.data import _similar_days, _site_series, aggregated_days, prepare
from planner.model.solver import HighsSolver
from planner.solve import PlanningModel

DAYS = 6


def year_case(varying: bool):
    """Site s1 with PV, a battery, hourly PUE from temperature, hourly price and emission factor, a load profile
    and export; site s2 (existing IT, grid only) with a climate and a price of its own; `varying`: sunshine,
    temperatures, prices and load change from day to day (else every day is alike). PV at its limit and a
    battery that also carries energy from day to day."""
    rng = np.random.default_rng(7)
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)

    def per_day(low: float, high: float) -> np.ndarray:
        return np.repeat(rng.uniform(low, high, 365), 24) if varying else np.full(8760, (low + high) / 2)

    sun = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    table = profiles(
        365,
        pv=sun * per_day(0.2, 1.0),
        temp=15 + 10 * np.sin(2 * np.pi * (day - 100) / 365) * varying + 5 * np.sin(np.pi * (hour - 9) / 12),
        price=300 + 150 * (hour >= 8) * (hour < 22) + per_day(-50, 50),
        ef=0.6 + per_day(-0.1, 0.1) - 0.1 * sun,
        load=0.8 + 0.15 * np.sin(np.pi * hour / 24) + per_day(-0.05, 0.05),
        temp2=25 + 8 * np.sin(2 * np.pi * (day - 30) / 365) * varying + per_day(-6, 6),
        price2=350 + 100 * (hour >= 10) * (hour < 20) + per_day(-80, 80))
    return make_case(
        sites=[site("s1", max_pv_mw=150.0, pv_profile="pv", temp_profile="temp", grid_price_profile="price",
                    grid_ef_profile="ef", export_price_cny_per_mwh=150.0),
               site("s2", existing_it_mw=20.0, max_it_mw=20.0, temp_profile="temp2", grid_price_profile="price2")],
        demands=[demand("d1", it_load_mw=30.0, load_profile="load", max_share_per_site=0.7)],
        coolings=[cooling("evaporative", 1.25, capex=1e5, pue_temp_slope_per_degc=0.01, pue_floor=1.1,
                          pue_ref_temp_c=15.0)],
        settings={"carbon_price_cny_per_tco2": 100.0, "green_export_allowed": True},
        profile_table=table)


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
    groups = {s: _similar_days(_site_series(d, s), steps, DAYS) for s in ("s1", "s2")}
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
    assert outcome.status == "optimal"
    assert 0.8 * year_cost <= outcome.objective <= year_cost * (1 + 1e-9)


def test_the_grid_connection_covers_the_years_peak_load_not_the_average_days(varying_year):
    """s2 has only the grid: its connection must carry its facility load at the year's hardest hour, which the
    average days smooth away."""
    d = varying_year[0].data
    ad = aggregated_days(d, DAYS)
    agg = build_model(ad)
    assert HighsSolver(agg).solve(mip_gap=1e-9, time_limit_s=120).status == "optimal"
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
