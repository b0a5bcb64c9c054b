"""The LP relaxation of the heat and water rows (issue 24): a site open by a fraction sells that fraction of its heat
demand and gets that fraction of its water limit (`heat_within_demand`, `site_water_limit` times the binaries),
checked by hand on the relaxed model with the site held half open."""

import pyomo.environ as pyo
import pytest

from model_tables import cooling, make_case, site
from model_tables import profiles
from planner.results.verify import as_lp
from planner.solve import PlanningModel
from planner.solver.persistent import HighsSolver

HEAT_MW, H = 5.0, 8760.0


def _half_open(s2_grid_price: float = 400.0, **s1):
    """'s1' (liquid cooling, 80 % of its heat recoverable, a flat 5 MW heat demand at 200 CNY/MWh) held half open
    in the LP relaxation; 's2' (no heat, grid price `s2_grid_price`) serves the rest of the 25 MW demand."""
    case = make_case(
        sites=[site("s1", heat_demand_profile="heat", heat_price_cny_per_mwh=200.0, **s1), site("s2", grid_price_cny_per_mwh=s2_grid_price)],
        coolings=[cooling("liquid", 1.1, heat_recoverable_share=0.8, heat_pump_mwh_per_mwh=0.1,
                          heat_recovery_capex_cny_per_mw=1.0e6, lifetime_yr=10, wue_l_per_kwh=1.0)],
        profile_table=profiles(heat=HEAT_MW))
    m = as_lp(PlanningModel(case).model)
    m.open["s1"].fix(0.5)
    m.cool["s1", "liquid"].fix(0.5)
    outcome = HighsSolver(m).solve(mip_gap=1e-9, time_limit_s=60.0)
    assert outcome.status == "optimal"
    return m


def test_a_half_open_site_sells_half_its_heat_demand_in_the_relaxation():
    m = _half_open()
    # up to 12.5 MW of IT load there (assignments within the open share) could recover 10 MW: the demand row
    # times the cooling binary holds it to 0.5 x 5 MW every hour
    assert pyo.value(m.site_heat_mwh["s1"]) == pytest.approx(0.5 * HEAT_MW * H, rel=1e-6)


def test_a_half_open_site_gets_half_its_water_limit_in_the_relaxation():
    limit = 10.0 * H * 1.0  # 10 MW of IT load at WUE 1 L/kWh, below the 12.5 MW the half-open s1 could take
    m = _half_open(s2_grid_price=500.0, max_water_m3_per_yr=limit)  # s1 is cheaper: it uses all the water it may
    assert pyo.value(m.site_water_m3["s1"]) == pytest.approx(0.5 * limit, rel=1e-6)
