"""Water, waste-heat reuse and rack density (issue 24): hand-computable cases solved with real HiGHS."""

import numpy as np
import pytest

from model_tables import cooling, demand, make_case, profiles, site
from planner.input.validate import CaseInvalid
from planner.solve import solve_case

REL = 1e-6
H = 8760.0


def _row(table, key, value):
    rows = table[table[key] == value]
    assert len(rows) == 1
    return rows.iloc[0]


def _policy(result, policy, scope):
    return _row(result.policy[result.policy["policy"] == policy], "scope", scope)


def _water_case(limit_m3):
    """Site 'a' (grid 400) may use evaporative cooling (WUE 2.0) or air (WUE 0.2); site 'b' (grid 1000) only air,
    whose WUE a SiteCooling override sets to 0 there."""
    return make_case(
        sites=[site("a", water_price_cny_per_m3=5.0, max_water_m3_per_yr=limit_m3),
               site("b", grid_price_cny_per_mwh=1000.0)],
        coolings=[cooling("evap", 1.15, wue_l_per_kwh=2.0), cooling("air", 1.30, capex=1.0e6, wue_l_per_kwh=0.2)],
        SiteCooling=[{"site_id": "b", "cooling_id": "evap", "allowed": "no"},
                     {"site_id": "b", "cooling_id": "air", "wue_l_per_kwh": 0.0}])


def test_water_limit_rules_out_evaporative_cooling():
    free = solve_case(_water_case(None))
    a = _row(free.sites, "site_id", "a")
    assert a["cooling_id"] == "evap" and a["water_m3"] == pytest.approx(25.0 * H * 2.0, rel=REL)
    assert free.costs.set_index("component").at["water", "cost_cny_per_yr"] == pytest.approx(5.0 * 25 * H * 2.0,
                                                                                                rel=REL)
    # 35,040 m3/yr: air at 'a' serves 35,040 / (0.2 x 8760) = 20 MW, the rest goes to the dear site 'b'
    limit = 20.0 * H * 0.2
    result = solve_case(_water_case(limit))
    a = _row(result.sites, "site_id", "a")
    assert a["cooling_id"] == "air" and a["water_m3"] == pytest.approx(limit, rel=REL)
    assert _row(result.assignments, "site_id", "a")["it_mw"] == pytest.approx(20.0, rel=REL)
    pol = _policy(result, "site_water_limit", "a")
    assert pol["binding"] and pol["satisfied"] and pol["required"] == pytest.approx(limit)
    assert result.kpi("water_m3_per_yr") == pytest.approx(limit, rel=REL)
    assert result.kpi("wue_l_per_kwh") == pytest.approx(limit / (25.0 * H), rel=REL)  # 0.16 L/kWh
    assert result.costs["cost_cny_per_yr"].sum() == pytest.approx(result.solve.objective_cny, rel=REL)


def test_hub_wue_cap_picks_the_dry_technology():
    hubs = [{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, "wue_cap_l_per_kwh": 0.5}]
    result = solve_case(make_case(hubs=hubs, coolings=[cooling("evap", 1.15, wue_l_per_kwh=2.0),
                                                       cooling("air", 1.30, capex=1.0e6, wue_l_per_kwh=0.2)]))
    assert _row(result.sites, "site_id", "s1")["cooling_id"] == "air"
    assert _policy(result, "hub_wue_cap", "h1")["achieved"] == pytest.approx(0.2, rel=REL)


def _heat_case(**hub):
    """25 MW flat IT load under liquid cooling (PUE 1.1, 80 % of the heat recoverable, 0.1 MWh of electricity per
    MWh of heat, plant 1 M CNY/MW over 10 years at 0 %); a flat 5 MW heat demand at 200 CNY/MWh."""
    return make_case(
        hubs=[{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, **hub}],
        sites=[site("s1", heat_demand_profile="heat", heat_price_cny_per_mwh=200.0)],
        coolings=[cooling("liquid", 1.1, heat_recoverable_share=0.8, heat_pump_mwh_per_mwh=0.1,
                          heat_recovery_capex_cny_per_mw=1.0e6, lifetime_yr=10)],
        profile_table=profiles(heat=5.0))



def test_heat_demand_below_the_recoverable_heat_is_met():
    result = solve_case(_heat_case())
    s = _row(result.sites, "site_id", "s1")
    heat_mwh = 5.0 * H  # demand 5 MW < 0.8 x 25 MW recoverable, every hour
    assert s["heat_recovered_mwh"] == pytest.approx(heat_mwh, rel=REL)
    assert s["heat_pump_mwh"] == pytest.approx(0.1 * heat_mwh, rel=REL)
    assert s["heat_revenue_cny"] == pytest.approx(200.0 * heat_mwh, rel=REL)
    assert s["heat_reuse_share"] == pytest.approx(heat_mwh / (25.0 * H), rel=REL)  # 0.2
    # the heat pumps' electricity is facility energy: PUE (25 x 1.1 + 0.5) / 25 = 1.12
    assert s["facility_energy_mwh"] == pytest.approx(25.0 * 1.1 * H + 0.1 * heat_mwh, rel=REL)
    assert result.kpi("pue_energy_weighted") == pytest.approx(1.12, rel=REL)
    costs = result.costs.set_index("component")["cost_cny_per_yr"]
    assert costs["heat_revenue"] == pytest.approx(-200.0 * heat_mwh, rel=REL)
    assert costs["heat_recovery"] == pytest.approx(0.1 * 1.0e6 * 5.0, rel=REL)
    assert costs["energy"] == pytest.approx(400.0 * (25.0 * 1.1 * H + 0.1 * heat_mwh), rel=REL)
    disp = result.dispatch
    assert disp["facility_load_mw"].to_numpy() == pytest.approx(np.full(24, 25.0 * 1.1 + 0.5), rel=REL)
    assert result.kpi("heat_reuse_share") == pytest.approx(0.2, rel=REL)


def test_unreachable_minimum_heat_reuse_is_explained():
    result = solve_case(_heat_case(min_heat_reuse_share=0.5))
    assert result.solve.status == "infeasible"
    table = result.infeasibility
    row = table[(table["constraint"] == "hub_min_heat_reuse") & (table["scope"] == "h1")].iloc[0]
    assert row["reachable"] == pytest.approx(0.2, abs=1e-6) and row["required"] == 0.5
    assert any("hub h1: waste-heat reuse rate 0.200 reachable, 0.500 required" in m for m in result.messages)


def _density_case(rack_kw):
    """Site 'cheap' (grid 300) forbids liquid cooling; site 'dear' (grid 500) allows it."""
    return make_case(
        sites=[site("cheap", grid_price_cny_per_mwh=300.0), site("dear", grid_price_cny_per_mwh=500.0)],
        coolings=[cooling("air", 1.3, max_rack_kw=25.0), cooling("liquid", 1.1, capex=2.0e7, max_rack_kw=130.0)],
        demands=[demand("ai", rack_kw=rack_kw), demand("web", it_load_mw=5.0, rack_kw=12.0)],
        SiteCooling=[{"site_id": "cheap", "cooling_id": "liquid", "allowed": "no"}])


def test_rack_density_decides_the_cooling():
    free = solve_case(_density_case(None))
    assert set(free.assignments["site_id"]) == {"cheap"}
    result = solve_case(_density_case(60.0))
    served = result.assignments.set_index("demand_id")
    assert served.at["ai", "site_id"] == "dear" and served.at["ai", "it_mw"] == pytest.approx(25.0, rel=REL)
    assert served.at["web", "site_id"] == "cheap"
    assert _row(result.sites, "site_id", "dear")["cooling_id"] == "liquid"


def test_a_density_no_reachable_site_can_cool_is_an_input_error():
    with pytest.raises(CaseInvalid) as err:
        _density_case(200.0)
    text = "\n".join(str(p) for p in err.value.errors)
    assert "'ai'" in text and "200 kW" in text and "Demand!G3" in text
    assert "cheap" in text and "dear" in text and "liquid <= 130 kW" in text and "air <= 25 kW" in text
