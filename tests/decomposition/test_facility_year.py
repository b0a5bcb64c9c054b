"""Water, waste heat and rack density on the full-year path (site decomposition on design days, the year's LP
of the open sites): the roles of their families (`roles.csv`) carry them through; the plan meets every row of
the full model and agrees with the direct solve."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from model_tables import cooling, demand, make_case, profiles, site, violations

from planner.solve import PlanningModel


def _year_case():
    """Two sites; 'cheap' sells heat in the heating season (Nov-Mar, 8 MW) and has a water permit too small for
    evaporative cooling; the 'ai' demand's 60 kW racks need liquid cooling."""
    day = np.repeat(np.arange(365), 24)
    heat = np.where((day < 90) | (day >= 305), 8.0, 0.0)
    hubs = [{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, "min_heat_reuse_share": 0.02}]
    return make_case(
        hubs=hubs,
        sites=[site("cheap", grid_price_cny_per_mwh=300.0, fixed_cost_cny=2e8, max_it_mw=60.0,
                    heat_demand_profile="heat", heat_price_cny_per_mwh=150.0, water_price_cny_per_m3=4.0,
                    max_water_m3_per_yr=50_000.0),
               site("near", grid_price_cny_per_mwh=500.0, fixed_cost_cny=5e7, max_it_mw=60.0)],
        demands=[demand("ai", it_load_mw=30.0, rack_kw=60.0), demand("web", it_load_mw=20.0, rack_kw=12.0)],
        coolings=[cooling("evap", 1.15, wue_l_per_kwh=1.8, max_rack_kw=25.0),
                  cooling("liquid", 1.12, capex=2e6, wue_l_per_kwh=0.1, max_rack_kw=130.0,
                          heat_recoverable_share=0.7, heat_pump_mwh_per_mwh=0.2,
                          heat_recovery_capex_cny_per_mw=5e5)],
        profile_table=profiles(365, heat=heat))


def test_full_year_sites_path_carries_water_heat_and_density():
    case = _year_case()
    direct = PlanningModel(case).solve(mip_gap=1e-7, strategy="direct")
    pm = PlanningModel(case)
    result = pm.solve(mip_gap=1e-7, strategy="sites")
    assert result.solve.objective_cny == pytest.approx(direct.solve.objective_cny, rel=1e-6)
    assert violations(pm.model) == []
    assert pyo.value(pm.model.total_cost) == pytest.approx(result.solve.objective_cny, rel=1e-9)
    sites = result.sites.set_index("site_id")
    assert sites.at["cheap", "cooling_id"] == "liquid"  # evaporative would need 50 MW x 8760 x 1.8 m3
    assert sites.at["cheap", "heat_recovered_mwh"] == pytest.approx(8.0 * 24 * 150, rel=1e-6)  # every heating hour
    assert sites.at["cheap", "water_m3"] <= 50_000.0 * (1 + 1e-9)
    ai = result.assignments[result.assignments["demand_id"] == "ai"]
    assert set(sites.loc[ai["site_id"], "cooling_id"]) == {"liquid"}
