"""Compute-power coordination (issue 23), hand-computable cases solved with real HiGHS: flexible load, green
certificates and contracts, location vs market emission accounting, embodied carbon."""

import numpy as np
import pytest

from model_tables import cooling, demand, lossless_technologies, make_case, profiles, site
from planner.solve import solve_case

REL = 1e-6
DAYS = 365.0
LOSSLESS = lossless_technologies()
NOON = np.r_[np.zeros(10), np.ones(4), np.zeros(10)]  # PV at full output 10:00-14:00


def _site(result, s="s1"):
    return result.sites.set_index("site_id").loc[s]


def _off_grid(flexible_share=None):
    """10 MW flat IT load at PUE 1 on a 20 MW site without grid: PV at noon and a battery carry it."""
    d = demand("d1", it_load_mw=10.0) | ({} if flexible_share is None else {"flexible_share": flexible_share})
    return make_case(sites=[site("s1", max_it_mw=20.0, module_mw=20.0, max_grid_mw=0.0, max_pv_mw=1000.0,
                                 pv_profile="pv")],
                     demands=[d], coolings=[cooling("c", 1.0)], technologies=LOSSLESS,
                     settings={"green_min_selfuse_share_of_consumption": 0.0},
                     profile_table=profiles(pv=NOON))


def test_flexible_load_moves_into_the_sun_and_needs_less_battery():
    """Half the load may move within the day; the 20 MW site has 10 MW of room in each of the 4 sunny hours, so
    40 MWh/day move there. The battery then carries 200 - 40 = 160 MWh over the night instead of 200 and charges
    60 - 20 = 40 MW instead of 50 MW (PV: 240 MWh/day in 4 h = 60 MW either way)."""
    base, flexible = solve_case(_off_grid()), solve_case(_off_grid(0.5))
    assert _site(base)["battery_mwh"] == pytest.approx(200.0, rel=REL)
    assert _site(flexible)["battery_mwh"] == pytest.approx(160.0, rel=REL)
    assert _site(base)["battery_mw"] == pytest.approx(50.0, rel=REL)
    assert _site(flexible)["battery_mw"] == pytest.approx(40.0, rel=REL)
    assert _site(flexible)["pv_mw"] == pytest.approx(60.0, rel=REL)
    assert flexible.kpi("flexible_moved_mwh_per_yr") == pytest.approx(40.0 * DAYS, rel=REL)
    move_cost = 0.1 * 40.0 * DAYS  # Settings.flexible_move_cost_cny_per_mwh by default
    assert flexible.kpi("cost_flexible_moves_cny_per_yr") == pytest.approx(move_cost, rel=REL)
    # battery annuity at a 0 % rate over 10 years, less the moves' cost
    saving = 1000.0 * (500.0 * 10.0 + 800.0 * 40.0) / 10.0 - move_cost
    assert base.solve.objective_cny - flexible.solve.objective_cny == pytest.approx(saving, rel=REL)
    served = flexible.dispatch.set_index("t")["served_it_load_mw"]
    assert served.loc[10:13].tolist() == pytest.approx([20.0] * 4)
    assert served.sum() == pytest.approx(240.0) and flexible.dispatch["it_load_mw"].max() == pytest.approx(10.0)
    # a flexible share of 0 is today's plan
    zero = solve_case(_off_grid(0.0))
    assert zero.solve.objective_cny == pytest.approx(base.solve.objective_cny, rel=1e-9)
    assert zero.kpi("flexible_moved_mwh_per_yr") == 0.0


def test_time_of_use_price_moves_load_to_the_valley_up_to_capacity():
    """Valley 0:00-8:00 at 200 CNY/MWh, 600 otherwise. 80 % of a 10 MW load may move, but the 20 MW site has only
    10 MW of room in each of the 8 valley hours: 80 MWh/day move, saving 400 CNY/MWh x 80 MWh x 365."""
    price = np.r_[np.full(8, 200.0), np.full(16, 600.0)]

    def case(share):
        return make_case(sites=[site("s1", max_it_mw=20.0, module_mw=20.0, grid_price_profile="price")],
                         demands=[demand("d1", it_load_mw=10.0, flexible_share=share)], coolings=[cooling("c", 1.0)],
                         profile_table=profiles(price=price))

    base, flexible = solve_case(case(0.0)), solve_case(case(0.8))
    moved = 80.0 * DAYS
    assert flexible.kpi("flexible_moved_mwh_per_yr") == pytest.approx(moved, rel=REL)
    assert flexible.kpi("flexible_saving_cny_per_yr") == pytest.approx(400.0 * moved, rel=REL)
    assert base.kpi("cost_energy_cny_per_yr") - flexible.kpi("cost_energy_cny_per_yr") == pytest.approx(
        400.0 * moved, rel=REL)
    assert base.solve.objective_cny - flexible.solve.objective_cny == pytest.approx((400.0 - 0.1) * moved, rel=REL)
    served = flexible.dispatch.set_index("t")["served_it_load_mw"]
    assert served.loc[0:7].tolist() == pytest.approx([20.0] * 8)
    assert flexible.kpi("flexible_peak_reduction_mw") == pytest.approx(-10.0)  # the valley is now the peak


def _hub(**kw):
    return [{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, "min_green_share": 0.8, **kw}]


def test_certificates_buy_exactly_the_green_shortfall():
    """Grid only, 30 % of the grid green: 80 % needs 0.5 x consumption in certificates at 50 CNY/MWh."""
    consumption = 25.0 * 1.4 * 8760
    case = make_case(hubs=_hub(certificate_price_cny_per_mwh=50.0), sites=[site("s1", grid_green_share=0.3)])
    result = solve_case(case)
    assert result.kpi("certificate_mwh_per_yr") == pytest.approx(0.5 * consumption, rel=REL)
    assert result.kpi("cost_certificates_cny_per_yr") == pytest.approx(50.0 * 0.5 * consumption, rel=REL)
    assert result.kpi("green_share") == pytest.approx(0.8, rel=REL)
    row = result.policy.set_index(["policy", "scope"]).loc[("hub_green_share", "h1")]
    assert row["achieved"] == pytest.approx(0.8, rel=REL) and row["satisfied"]
    # a cap below the shortfall: infeasible, and the explanation names the hub, the share reachable and the cap
    cap = 0.2 * consumption
    capped = solve_case(make_case(hubs=_hub(certificate_price_cny_per_mwh=50.0, max_certificate_mwh_per_yr=cap),
                                  sites=[site("s1", grid_green_share=0.3)]))
    assert capped.solve.status == "infeasible"
    text = " ".join(capped.messages)
    assert "hub h1" in text and "0.50 reachable" in text and f"{cap:,.0f} MWh/yr" in text


def test_location_and_market_accounting_and_contracts_under_a_cap():
    """Grid only, 25 MW x 1.4 PUE, 0.5 tCO2/MWh. Contracts at a 10 CNY/MWh premium: under market accounting a
    contracted MWh is zero-emission; location accounting counts every imported MWh. Wind at 50,000 CNY/kW costs
    2.5 M CNY/MW-yr / (0.5 x 8760 MWh) = 571 CNY/MWh, more than grid (400) plus premium (10)."""
    tech = [LOSSLESS[0], dict(LOSSLESS[1], capex_cny_per_kw=50000.0), LOSSLESS[2]]
    consumption = 25.0 * 1.4 * 8760

    def case(accounting, cap=None, wind=0.0):
        return make_case(hubs=_hub(min_green_share=None, contract_premium_cny_per_mwh=10.0),
                         sites=[site("s1", max_wind_mw=wind, wind_profile="wind" if wind else None)],
                         settings={"emission_accounting": accounting, "carbon_cap_tco2_per_yr": cap,
                                   "green_min_selfuse_share_of_consumption": 0.0}, technologies=tech,
                         profile_table=profiles(wind=0.5))

    # no reason to buy contracts without a cap: both accountings report grid x factor
    assert solve_case(case("location")).kpi("emissions_tco2_per_yr") == pytest.approx(0.5 * consumption, rel=REL)
    # a hub green share of 60 % met by contracts: the same plan, 0.5 x consumption tCO2 by location,
    # 0.5 x (1 - 0.6) x consumption by market
    for accounting, expected in (("location", 0.5 * consumption), ("market", 0.5 * 0.4 * consumption)):
        shared = make_case(hubs=_hub(min_green_share=0.6, contract_premium_cny_per_mwh=10.0),
                           settings={"emission_accounting": accounting})
        result = solve_case(shared)
        assert result.kpi("contract_mwh_per_yr") == pytest.approx(0.6 * consumption, rel=REL)
        assert result.kpi("emissions_tco2_per_yr") == pytest.approx(expected, rel=REL)
    # under a cap of half the emissions, market accounting buys exactly half the consumption in contracts,
    # cheaper (10 CNY/MWh above the grid price) than wind (171 above)
    cap = 0.25 * consumption
    market = solve_case(case("market", cap=cap, wind=1000.0))
    assert market.kpi("contract_mwh_per_yr") == pytest.approx(0.5 * consumption, rel=REL)
    assert market.kpi("wind_capacity_mw") == pytest.approx(0.0, abs=1e-6)
    assert market.kpi("emissions_tco2_per_yr") == pytest.approx(cap, rel=REL)
    # location accounting cannot count contracts: it builds wind instead
    location = solve_case(case("location", cap=cap, wind=1000.0))
    assert location.kpi("contract_mwh_per_yr") == pytest.approx(0.0, abs=1e-6)
    assert location.kpi("wind_capacity_mw") > 1.0


def test_embodied_carbon_reported_and_under_a_cap():
    """PV at 0.5 cf 12 h a day (2,190 MWh/MW-yr) saves 0.5 x 2190 = 1095 tCO2/MW-yr of grid emissions and is
    cheaper than the 1000 CNY/MWh grid. Embodied: IT 30 MW x 500 / 10 yr + cooling 30 MW x 300 / 10 yr = 2400
    t/yr, PV 1000 t/MW over 25 yr = 40 t/MW-yr (or 40,000 t/MW = 1600 t/MW-yr: more than it saves)."""
    sun = np.r_[np.zeros(6), np.full(12, 0.5), np.zeros(6)]

    def case(pv_embodied, **settings):
        tech = [dict(LOSSLESS[0], embodied_tco2_per_mw=pv_embodied), LOSSLESS[1], LOSSLESS[2]]
        return make_case(sites=[site("s1", max_pv_mw=5.0, pv_profile="pv", grid_price_cny_per_mwh=1000.0)],
                         coolings=[cooling("c", 1.0, embodied_tco2_per_mw_it=300.0, lifetime_yr=10.0)],
                         technologies=tech, settings={"green_min_selfuse_share_of_consumption": 0.0,
                                                      "it_embodied_tco2_per_mw": 500.0, **settings},
                         profile_table=profiles(pv=sun))

    grid_only = 0.5 * 25.0 * 8760
    plain = solve_case(case(1000.0))
    assert _site(plain)["pv_mw"] == pytest.approx(5.0)
    assert plain.kpi("embodied_emissions_tco2_per_yr") == pytest.approx(1500 + 900 + 200, rel=REL)
    assert _site(plain)["embodied_tco2"] == pytest.approx(2600, rel=REL)
    assert plain.kpi("emissions_tco2_per_yr") == pytest.approx(grid_only - 1095 * 5, rel=REL)  # not priced
    # priced, with PV dirtier to build than the grid energy it saves (1600 > 1095 t/MW-yr) and a cap of the
    # grid-only plan's emissions + 2400 + 2 x 505: the cap allows exactly 2 MW of PV, cheap as it is
    cap = grid_only + 2400 + 2 * (1600 - 1095)
    capped = solve_case(case(40000.0, embodied_carbon_priced=True, carbon_cap_tco2_per_yr=cap))
    assert _site(capped)["pv_mw"] == pytest.approx(2.0, rel=REL)
    assert capped.kpi("emissions_tco2_per_yr") == pytest.approx(cap, rel=REL)
