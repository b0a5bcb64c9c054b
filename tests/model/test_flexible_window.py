"""A rolling window for flexible load on a full year's hours (Demand.flexible_window_h), hand-computable with
real HiGHS: the window lets load cross midnight, which the calendar day does not."""

import numpy as np
import pytest

from model_tables import cooling, demand, make_case, profiles, site
from planner.solve import PlanningModel

REL = 1e-6


def _year(window_h=None):
    """A full year of alternating days: even days (0, 2, ..., 364) cost 600 CNY/MWh in every hour, odd days 200.
    A flat 10 MW load at PUE 1, half of it flexible, on a 20 MW site (10 MW of room in every hour)."""
    day = np.repeat(np.arange(365), 24)
    price = np.where(day % 2 == 0, 600.0, 200.0)
    d = demand("d1", it_load_mw=10.0, flexible_share=0.5) | ({} if window_h is None else
                                                              {"flexible_window_h": window_h})
    return make_case(sites=[site("s1", max_it_mw=20.0, module_mw=20.0, grid_price_profile="price")],
                     demands=[d], coolings=[cooling("c", 1.0)], profile_table=profiles(365, price=price))


def test_a_rolling_window_moves_load_across_midnight_and_the_day_does_not():
    """Within a calendar day every hour costs the same, so the day window moves nothing. A 4-hour rolling window
    moves the flexible 5 MW of the last 4 hours of each dear day into the first hours of the cheap day after it
    (deferred 4 h each), and of the first 4 hours of each dear day into the last hours of the cheap day before it
    (served 4 h early): each of the 182 cheap days takes 2 x 4 h x 5 MW = 40 MWh, 7,280 MWh/yr, each 400 CNY/MWh
    cheaper. No dear hour further than 4 h from a cheap one can move."""
    day, rolling = (PlanningModel(_year(w)).solve(mip_gap=1e-9, strategy="direct") for w in (None, 4.0))
    assert day.kpi("flexible_moved_mwh_per_yr") == pytest.approx(0.0, abs=1e-6)
    moved = 182 * 2 * 4 * 5.0
    assert rolling.kpi("flexible_moved_mwh_per_yr") == pytest.approx(moved, rel=REL)
    assert rolling.kpi("flexible_saving_cny_per_yr") == pytest.approx(400.0 * moved, rel=REL)
    assert day.solve.objective_cny - rolling.solve.objective_cny == pytest.approx((400.0 - 0.1) * moved, rel=REL)
    served = rolling.dispatch.set_index("t")["served_it_load_mw"]
    # day 0 (dear) -> day 1 (cheap), day 1 (cheap) <- day 2 (dear): which cheap hour takes which MWh is free
    assert served.loc[20:23].tolist() == pytest.approx([5.0] * 4) and served.loc[24:27].sum() == pytest.approx(60.0)
    assert served.loc[48:51].tolist() == pytest.approx([5.0] * 4) and served.loc[44:47].sum() == pytest.approx(60.0)
    assert served.loc[4:19].tolist() == pytest.approx([10.0] * 16)  # more than 4 h from a cheap hour: stays
    assert served.sum() == pytest.approx(10.0 * 8760)  # the year's IT energy is kept


def test_a_rolling_window_on_representative_days_is_the_day_with_a_warning_naming_the_cell():
    case = make_case(sites=[site("s1", max_it_mw=20.0, module_mw=20.0)],
                     demands=[demand("d1", it_load_mw=10.0, flexible_share=0.5, flexible_window_h=48.0)],
                     coolings=[cooling("c", 1.0)], profile_table=profiles(2))
    warning, = [w for w in case.warnings if "flexible_window_h" in w.message]
    assert warning.sheet == "Demand" and warning.cell and "the window used is the day" in warning.message
    assert "leave flexible_window_h blank" in warning.fix


def test_which_rows_keep_a_rolling_windows_energy_on_each_kind_of_time_steps():
    """The year's hours: the deadline rows (one per hour from the window's end on); its average days (the bound's
    relaxation): only the year's energy; a day window: the days."""
    from planner.model.build import build_model
    from planner.model.data import aggregated_days, prepare

    d = prepare(_year(4.0))
    year = build_model(d)
    assert len(year.flex_window_deadline) == len(year.flex_window_advance) == 8760 - 4
    assert len(year.flex_window_energy) == 1 and len(year.flex_day_energy) == 0
    average = build_model(aggregated_days(d, 2))
    assert len(average.flex_year_energy) == 1 and len(average.flex_window_deadline) == 0
    assert len(average.flex_day_energy) == 0
    day = build_model(prepare(_year()))
    assert len(day.flex_day_energy) == 365 and len(day.flex_window_deadline) == 0
