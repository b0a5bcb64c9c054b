"""Hand-computable cases solved with real HiGHS: each checks the MILP against arithmetic done here."""

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.solvers.highs import Highs

from model_tables import cooling, demand, make_case, profiles, site
from planner.model.data import capital_recovery_factor, prepare
from planner.solve import PlanningModel, emission_level, solve_case
from planner.input.validate import CaseInvalid
from planner.solver.outcome import SOLVED

REL = 1e-6


# wind at 50,000 CNY/kW over 20 years: 2.5 M CNY/MW-yr / (0.4 x 8760 MWh) = 713 CNY/MWh > grid 400
EXPENSIVE_WIND = [{"tech_id": "pv", "capex_cny_per_kw": 3000.0, "lifetime_yr": 25.0},
                  {"tech_id": "wind", "capex_cny_per_kw": 50000.0, "lifetime_yr": 20.0},
                  {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 800.0, "lifetime_yr": 12.0,
                   "round_trip_efficiency": 0.9, "max_hours": 8.0}]


def _site_row(result, site_id):
    return result.sites.set_index("site_id").loc[site_id]


def _policy(result, policy, scope):
    rows = result.policy[(result.policy["policy"] == policy) & (result.policy["scope"] == scope)]
    assert len(rows) == 1, f"expected one {policy} row for {scope}, got {len(rows)}"
    return rows.iloc[0]


def test_crf_matches_annuity_formula():
    # 8 % over 10 years: standard annuity factor 0.149029...
    assert capital_recovery_factor(0.08, 10) == pytest.approx(0.1490294887, rel=1e-9)
    assert capital_recovery_factor(0.0, 4) == 0.25


def test_one_site_flat_load_no_renewables():
    """cost = annualised IT capex + cooling capex + connection + price x load x PUE x 8760."""
    r, pue, load, price, conn = 0.08, 1.3, 25.0, 400.0, 2.0e5
    case = make_case(
        settings={"discount_rate": r, "it_lifetime_yr": 10},
        sites=[site("s1", module_mw=10.0, it_capex_cny_per_mw=3.0e7, grid_price_cny_per_mwh=price,
                    grid_connection_cost_cny_per_mw_yr=conn)],
        coolings=[cooling("cp", pue, capex=5.0e6, lifetime_yr=10)],
        demands=[demand("d1", it_load_mw=load)])
    result = solve_case(case)
    assert result.solve.status in SOLVED
    crf = r * 1.08 ** 10 / (1.08 ** 10 - 1)
    it_mw = 30.0  # three 10 MW modules for 25 MW
    expected = (crf * 3.0e7 * it_mw + crf * 5.0e6 * it_mw + conn * load * pue + price * load * pue * 8760)
    assert result.solve.objective_cny == pytest.approx(expected, rel=REL)
    assert result.kpi("total_cost_cny_per_yr") == pytest.approx(expected, rel=REL)
    row = _site_row(result, "s1")
    assert row["modules"] == 3 and row["it_mw"] == pytest.approx(it_mw)
    assert row["pue_annual"] == pytest.approx(pue)
    assert result.kpi("emissions_tco2_per_yr") == pytest.approx(0.5 * load * pue * 8760, rel=REL)
    assert result.kpi("cue_kgco2_per_kwh_it") == pytest.approx(0.5 * pue, rel=REL)


def test_only_immersion_meets_pue_cap():
    coolings = [cooling("air", 1.40, capex=0.0), cooling("immersion", 1.07, capex=1.2e7)]
    strict = make_case(hubs=[{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 1.2}], coolings=coolings)
    loose = make_case(hubs=[{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 1.5}], coolings=coolings)
    assert _site_row(solve_case(strict), "s1")["cooling_id"] == "immersion"
    # without the cap, air is cheaper: saves 12 M x 30 MW / 10 yr = 36 M/yr of capex for
    # 0.33 x 25 MW x 8760 h x 400 CNY/MWh = 28.9 M/yr more energy
    assert _site_row(solve_case(loose), "s1")["cooling_id"] == "air"
    pol = _policy(solve_case(strict), "hub_pue_cap", "h1")
    assert pol["achieved"] == pytest.approx(1.07) and pol["satisfied"]


def test_hourly_pue_from_temperature():
    """PUE(t) = max(floor, annual + slope (T - Tref)): facility energy follows the temperature profile."""
    temp = np.r_[np.full(12, 5.0), np.full(12, 35.0)]
    case = make_case(
        sites=[site("s1", temp_profile="temp")],
        coolings=[cooling("evap", 1.15, pue_temp_slope_per_degc=0.01, pue_floor=1.05, pue_ref_temp_c=15.0)],
        profile_table=profiles(temp=temp))
    result = solve_case(case)
    hourly = np.maximum(1.05, 1.15 + 0.01 * (temp - 15.0))  # 12 h at 1.05, 12 h at 1.35
    assert _site_row(result, "s1")["pue_annual"] == pytest.approx(hourly.mean(), rel=REL)
    disp = result.dispatch
    assert disp["facility_load_mw"].to_numpy() == pytest.approx(25.0 * hourly, rel=REL)


def test_demand_outside_every_latency_circle_is_an_input_error():
    with pytest.raises(CaseInvalid) as err:
        make_case(demands=[demand("far", lat=45.0, lon=125.0, latency_cap_ms=5.0)])
    text = "\n".join(str(p) for p in err.value.errors)
    assert "far" in text and "5 ms" in text and "s1" in text
    assert "Demand!F3" in text


def _pv_day() -> np.ndarray:
    cf = np.zeros(24)
    cf[10:14] = 1.0  # four hours of full sun
    return cf


def test_export_rule_binding():
    """Exports pay more than PV costs, so PV is built until export hits 20 % of generation."""
    case = make_case(
        sites=[site("s1", max_pv_mw=1000.0, pv_profile="pv", export_price_cny_per_mwh=2000.0)],
        profile_table=profiles(pv=_pv_day()),
        technologies=[{"tech_id": "pv", "capex_cny_per_kw": 1000.0, "lifetime_yr": 25.0},
                      {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
                      {"tech_id": "battery", "capex_cny_per_kw": 1e5, "capex_cny_per_kwh": 1e5,
                       "lifetime_yr": 12.0}])
    result = solve_case(case)
    row = _site_row(result, "s1")
    assert row["pv_mw"] > 0
    assert row["export_share_of_generation"] == pytest.approx(0.20, rel=1e-5)
    pol = _policy(result, "green_export_limit", "s1")
    assert pol["binding"] and pol["satisfied"]
    assert _policy(result, "green_selfuse_of_generation", "s1")["achieved"] >= 0.6 - 1e-6
    # the cost table: export revenue = exported MWh x price, energy = imported MWh x price, all adding up
    costs = result.costs.set_index("component")["cost_cny_per_yr"]
    assert costs["export_revenue"] == pytest.approx(-2000.0 * row["export_mwh"], rel=REL)
    assert costs["energy"] == pytest.approx(400.0 * row["grid_import_mwh"], rel=REL)
    assert costs.sum() == pytest.approx(result.solve.objective_cny, rel=REL)

    no_export = make_case(
        sites=[site("s1", max_pv_mw=1000.0, pv_profile="pv", export_price_cny_per_mwh=2000.0)],
        profile_table=profiles(pv=_pv_day()), settings={"green_export_allowed": "no"})
    assert solve_case(no_export).sites["export_mwh"].sum() == pytest.approx(0.0, abs=1e-6)


def test_storage_shifts_midday_pv_to_the_night():
    """Grid power is very expensive: 4 sun hours of PV + a lossless battery carry a flat 10 MW all day.

    PV = 240 MWh / 4 h = 60 MW; 50 MW charges for 4 h = 200 MWh for the 20 dark hours.
    """
    case = make_case(
        sites=[site("s1", max_pv_mw=1000.0, pv_profile="pv", grid_price_cny_per_mwh=1.0e5)],
        coolings=[cooling("ideal", 1.0)], demands=[demand("d1", it_load_mw=10.0)],
        profile_table=profiles(pv=_pv_day()),
        technologies=[{"tech_id": "pv", "capex_cny_per_kw": 1000.0, "lifetime_yr": 25.0},
                      {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
                      {"tech_id": "battery", "capex_cny_per_kw": 100.0, "capex_cny_per_kwh": 100.0,
                       "lifetime_yr": 12.0, "round_trip_efficiency": 1.0, "max_hours": 8.0}])
    result = solve_case(case)
    row = _site_row(result, "s1")
    assert row["pv_mw"] == pytest.approx(60.0, rel=1e-5)
    assert row["battery_mw"] == pytest.approx(50.0, rel=1e-5)
    assert row["battery_mwh"] == pytest.approx(200.0, rel=1e-5)
    assert row["grid_import_mwh"] == pytest.approx(0.0, abs=1e-3)
    night = result.dispatch[result.dispatch["hour"].isin([0, 1, 2, 22, 23])]
    assert night["battery_discharge_mw"].to_numpy() == pytest.approx(np.full(len(night), 10.0), rel=1e-5)


def test_carbon_cap_forces_renewables():
    base = dict(sites=[site("s1", max_wind_mw=500.0, wind_profile="wind")],
                profile_table=profiles(wind=0.4), coolings=[cooling("ideal", 1.0)],
                technologies=EXPENSIVE_WIND, settings={"green_min_selfuse_share_of_consumption": 0.0})
    free = solve_case(make_case(**base))
    assert _site_row(free, "s1")["wind_mw"] == pytest.approx(0.0, abs=1e-6)
    baseline = free.kpi("emissions_tco2_per_yr")
    assert baseline == pytest.approx(0.5 * 25 * 8760, rel=REL)

    base["settings"] = {**base["settings"], "carbon_cap_tco2_per_yr": 0.5 * baseline}
    capped = solve_case(make_case(**base))
    assert capped.kpi("emissions_tco2_per_yr") == pytest.approx(0.5 * baseline, rel=1e-5)
    # flat 40 % wind must cover half of 25 MW: at least 31.25 MW (battery lossy, so not cheaper to store)
    assert _site_row(capped, "s1")["wind_mw"] == pytest.approx(31.25, rel=1e-4)
    assert _policy(capped, "carbon_cap", "case")["binding"]


def test_carbon_price_resolve_without_rebuild_matches_fresh_build():
    base = dict(sites=[site("s1", max_wind_mw=500.0, wind_profile="wind")],
                profile_table=profiles(wind=0.4), coolings=[cooling("ideal", 1.0)],
                technologies=EXPENSIVE_WIND, settings={"green_min_selfuse_share_of_consumption": 0.0})
    planning = PlanningModel(make_case(**base))
    first = planning.solve()
    planning.set_carbon_price(2000.0)
    again = planning.solve()
    base["settings"] = {**base["settings"], "carbon_price_cny_per_tco2": 2000.0}
    fresh = solve_case(make_case(**base))
    assert again.solve.objective_cny == pytest.approx(fresh.solve.objective_cny, rel=REL)
    assert again.kpi("wind_capacity_mw") > first.kpi("wind_capacity_mw")


def test_redundancy_splits_a_demand():
    case = make_case(sites=[site("cheap", grid_price_cny_per_mwh=300.0), site("dear", grid_price_cny_per_mwh=600.0)],
                     demands=[demand("d1", it_load_mw=40.0, max_share_per_site=0.5)])
    result = solve_case(case)
    served = result.assignments.set_index("site_id")["it_mw"]
    assert served["cheap"] == pytest.approx(20.0) and served["dear"] == pytest.approx(20.0)
    unsplit = solve_case(make_case(sites=[site("cheap", grid_price_cny_per_mwh=300.0),
                                          site("dear", grid_price_cny_per_mwh=600.0)],
                                   demands=[demand("d1", it_load_mw=40.0)]))
    assert list(unsplit.assignments["site_id"]) == ["cheap"]


def test_infeasible_green_share_explained_by_name():
    """No renewables and half-green grid power: 0.50 reachable, 0.80 required at hub 'gansu'."""
    case = make_case(hubs=[{"hub_id": "gansu", "name": "Gansu", "region": "west", "pue_cap": 2.0,
                            "min_green_share": 0.8}],
                     sites=[site("s1", hub_id="gansu", grid_green_share=0.5)])
    result = solve_case(case)
    assert result.solve.status == "infeasible"
    table = result.infeasibility
    row = table[(table["constraint"] == "hub_green_share") & (table["scope"] == "gansu")].iloc[0]
    assert row["reachable"] == pytest.approx(0.5, abs=1e-6) and row["required"] == 0.8
    assert any("hub gansu: green share 0.50 reachable, 0.80 required" in m for m in result.messages)


def test_emissions_objective_is_lexicographic():
    """Minimal emissions first (all demand on the clean site), then the cheapest plan at that level."""
    case = make_case(settings={"objective": "emissions"},
                     sites=[site("clean", grid_ef_tco2_per_mwh=0.1, grid_price_cny_per_mwh=600.0),
                            site("dirty", grid_ef_tco2_per_mwh=0.9, grid_price_cny_per_mwh=300.0)])
    result = solve_case(case)
    assert list(result.assignments["site_id"]) == ["clean"]
    assert result.kpi("emissions_tco2_per_yr") == pytest.approx(0.1 * 25 * 1.4 * 8760, rel=REL)
    assert _site_row(result, "clean")["modules"] == 3  # cost stage: no spare modules


def test_previous_step_is_cyclic_within_each_day():
    case = make_case(profile_table=profiles(n_days=2))
    prev = prepare(case).prev_t
    assert prev[0] == 23 and prev[24] == 47 and prev[25] == 24


def test_previous_step_is_cyclic_over_a_full_year():
    case = make_case(profile_table=profiles(n_days=365))
    assert case.is_full_year
    prev = prepare(case).prev_t
    assert prev[0] == 8759 and prev[24] == 23 and prev[8759] == 8758



def test_renewables_scale_with_the_open_share_in_the_relaxation():
    """In the MILP a closed site has nothing anyway (its energy balance leaves renewables nowhere to go), but
    in the LP relaxation a site open by a share would get its whole PV potential for that share of the fixed
    cost. pv_only_if_open keeps PV within share x potential, which tightens the bound (benchmark M: 0.05 %)."""
    case = make_case(sites=[site("s1", max_pv_mw=40.0, pv_profile="pv"), site("s2")],
                     profile_table=profiles(pv=_pv_day()))
    m = PlanningModel(case).model
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(m)
    m.open["s1"].fix(0.25)
    m.total_cost.deactivate()
    m.most_pv = pyo.Objective(expr=m.pv_mw["s1"], sense=pyo.maximize)
    Highs().solve(m)
    assert pyo.value(m.pv_mw["s1"]) == pytest.approx(0.25 * 40.0, rel=1e-9)


def test_emission_level_is_what_the_gap_counts_as_least():
    """The second stage's level: the most the first stage's bound proves within the gap, never below its plan."""
    assert emission_level(100.0, 99.0, 0.01) == pytest.approx(100.0 * (1 + 1e-6) + 1e-6)  # 99 / 0.99 = 100
    assert emission_level(100.0, 95.0, 0.2) == pytest.approx(118.75 * (1 + 1e-6) + 1e-6)  # 95 / 0.8
    assert emission_level(100.0, 50.0, 0.01) == pytest.approx(100.0 * (1 + 1e-6) + 1e-6)  # an unproven plan
    assert emission_level(100.0, None, 0.01) == pytest.approx(100.0 * (1 + 1e-6) + 1e-6)
    assert emission_level(0.0, 0.0, 0.01) == pytest.approx(1e-6)


def test_emissions_objective_spends_its_gap_on_cost():
    """Both sites must carry at least 40 % of the demand (60 % each at most). Least emissions: 60 % on the clean
    site. With a 10 % gap the second stage may emit up to 1/0.9 of that: the cheaper dirty site takes
    (0.42 / 0.9 - 0.1) / 0.8 = 45.83 % of the demand, no more."""
    load, pue, gap = 25.0, 1.4, 0.1
    case = make_case(settings={"objective": "emissions", "mip_gap": gap},
                     demands=[demand("d1", it_load_mw=load, max_share_per_site=0.6)],
                     sites=[site("clean", grid_ef_tco2_per_mwh=0.1, grid_price_cny_per_mwh=600.0, module_mw=1.0),
                            site("dirty", grid_ef_tco2_per_mwh=0.9, grid_price_cny_per_mwh=300.0, module_mw=1.0)])
    least = (0.6 * 0.1 + 0.4 * 0.9) * load * pue * 8760
    result = solve_case(case, strategy="direct")
    assert result.kpi("emissions_tco2_per_yr") == pytest.approx(least / (1 - gap), rel=1e-5)
    it_mw = result.assignments.set_index("site_id")["it_mw"]
    assert it_mw["dirty"] == pytest.approx(load * (0.42 / 0.9 - 0.1) / 0.8, rel=1e-5)
