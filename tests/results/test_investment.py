"""Investment figures of a hand-computable plan: overnight capex by technology (the model's `site_capex`), the
annualised capex components as capex x annuity factor, the NPV of cost, unit costs and the Hubs table."""

from __future__ import annotations

import pytest

from model_tables import cooling, demand, make_case, site
from planner.model.data import capital_recovery_factor
from planner.solve import PlanningModel


@pytest.fixture(scope="module")
def result():
    case = make_case(sites=[site("s1", fixed_cost_cny=5.0e6), site("s2", hub_id="h2", fixed_cost_cny=9.0e9)],
                     demands=[demand("d1", it_load_mw=25.0)], coolings=[cooling("air", 1.4, capex=2.0e6)],
                     hubs=[{"hub_id": "h1", "name": "Hub 1", "region": "west", "pue_cap": 2.0},
                           {"hub_id": "h2", "name": "Hub 2", "region": "west", "pue_cap": 2.0}],
                     settings={"discount_rate": 0.08, "site_lifetime_yr": 20.0, "it_lifetime_yr": 10.0})
    return PlanningModel(case).solve()


def test_overnight_capex_is_capex_times_built_capacity(result):
    kpi = result.kpi
    s1 = result.sites.set_index("site_id").loc["s1"]
    assert s1["opened"] and s1["modules"] == 3
    assert kpi("capex_site_opening_cny") == pytest.approx(5.0e6)
    assert kpi("capex_it_cny") == pytest.approx(3 * 10 * 1.0e6)
    assert kpi("capex_cooling_cny") == pytest.approx(2.0e6 * s1["it_mw"])
    assert kpi("capex_pv_cny") == kpi("capex_wind_cny") == kpi("capex_battery_cny") == 0.0
    total = 5.0e6 + 30.0e6 + 2.0e6 * s1["it_mw"]
    assert kpi("capex_total_cny") == pytest.approx(total)
    assert s1["capex_cny"] == pytest.approx(total)
    # the annualised capex components are the same capex times the annuity factor of its lifetime
    assert kpi("cost_it_cny_per_yr") == pytest.approx(30.0e6 * capital_recovery_factor(0.08, 10.0))
    assert kpi("cost_site_opening_cny_per_yr") == pytest.approx(5.0e6 * capital_recovery_factor(0.08, 20.0))
    inv = result.investment.set_index("site_id")
    assert list(inv.index) == ["s1"]
    assert inv.at["s1", "capex_total_cny"] == pytest.approx(total)
    assert inv.at["s1", "capex_it_cny"] == pytest.approx(30.0e6)


def test_npv_and_unit_costs(result):
    kpi = result.kpi
    annual = kpi("total_cost_cny_per_yr")
    r, years = 0.08, 20
    assert kpi("npv_cost_cny") == pytest.approx(sum(annual / (1 + r) ** t for t in range(1, years + 1)))
    assert kpi("unit_cost_cny_per_kw_it_yr") == pytest.approx(annual / (kpi("it_capacity_mw") * 1000))
    assert kpi("unit_cost_cny_per_mwh_it") == pytest.approx(annual / kpi("it_energy_mwh_per_yr"))


def test_hubs_sum_their_open_sites(result):
    hubs = result.hubs.set_index("hub_id")
    assert list(hubs.index) == ["h1"]  # h2's only site stays closed
    s1 = result.sites.set_index("site_id").loc["s1"]
    assert hubs.at["h1", "sites_opened"] == 1
    assert hubs.at["h1", "it_mw"] == pytest.approx(s1["it_mw"])
    assert hubs.at["h1", "cost_cny"] == pytest.approx(result.kpi("total_cost_cny_per_yr"))
    assert hubs.at["h1", "capex_cny"] == pytest.approx(result.kpi("capex_total_cny"))
    assert hubs.at["h1", "pue"] == pytest.approx(1.4)
    assert hubs.at["h1", "emissions_tco2"] == pytest.approx(result.kpi("emissions_tco2_per_yr"))
