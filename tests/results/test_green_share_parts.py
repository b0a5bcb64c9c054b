"""What makes up a hub's green share (self-use, grid mix, certificates, contracts): read from the model's
expressions into the Policy and Hubs sheets, on a hand-computable hub solved with real HiGHS."""

import pytest
from openpyxl import load_workbook

from model_tables import cooling, demand, lossless_technologies, make_case, profiles, site
from planner.report.result_workbook import write_result_workbook
from planner.solve import solve_case

REL = 1e-6
H = 8760.0
FREE_PV = lossless_technologies(pv_capex_cny_per_kw=0.0, battery_max_hours=8.0)


def _case():
    """10 MW flat IT load at PUE 1: 87,600 MWh/yr. Free PV up to 10 MW at a flat 0.2 capacity factor: 2 MW of
    self-use, 17,520 MWh/yr; grid import 70,080 MWh/yr, a quarter of it green, 17,520. The hub needs 80 % green,
    70,080 MWh/yr: the 35,040 short come first from certificates (50 CNY/MWh, capped at 10,000 MWh/yr), the rest,
    25,040, from green-power contracts (80 CNY/MWh premium)."""
    return make_case(hubs=[{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, "min_green_share": 0.8,
                            "certificate_price_cny_per_mwh": 50.0, "max_certificate_mwh_per_yr": 10000.0,
                            "contract_premium_cny_per_mwh": 80.0}],
                     sites=[site("s1", max_it_mw=20.0, module_mw=20.0, max_pv_mw=10.0, pv_profile="pv",
                                 grid_green_share=0.25)],
                     demands=[demand("d1", it_load_mw=10.0)], coolings=[cooling("c", 1.0)], technologies=FREE_PV,
                     settings={"green_min_selfuse_share_of_consumption": 0.0}, profile_table=profiles(pv=0.2))


EXPECTED_MWH = {"selfuse": 2.0 * H, "grid": 0.25 * 8.0 * H, "certificate": 10000.0, "contract": 0.8 * 10.0 * H
                - 2.0 * H - 0.25 * 8.0 * H - 10000.0}


def test_the_four_parts_of_a_hubs_green_share_add_up_to_it(tmp_path):
    result = solve_case(_case())
    consumption = 10.0 * H
    policy = result.policy.set_index(["policy", "scope"]).loc[("hub_green_share", "h1")]
    hub = result.hubs.set_index("hub_id").loc["h1"]
    for part, mwh in EXPECTED_MWH.items():
        for row in (policy, hub):
            assert row[f"green_{part}_mwh"] == pytest.approx(mwh, rel=REL)
            assert row[f"green_{part}_share"] == pytest.approx(mwh / consumption, rel=REL)
    shares = sum(policy[f"green_{part}_share"] for part in EXPECTED_MWH)
    assert shares == pytest.approx(policy["achieved"], rel=REL) and shares == pytest.approx(0.8, rel=REL)
    assert policy["required"] == pytest.approx(0.8) and policy["satisfied"] and policy["binding"]
    assert hub["green_share"] == pytest.approx(0.8, rel=REL) and hub["min_green_share"] == pytest.approx(0.8)
    assert hub["green_share_met"]
    # other policies carry no parts
    assert result.policy.loc[result.policy["policy"] != "hub_green_share", "green_grid_mwh"].isna().all()
    # the sheets carry them, under their ids (the hidden first row)
    path = tmp_path / "result.xlsx"
    write_result_workbook(result, _case(), path)
    wb = load_workbook(path, read_only=True)
    for sheet, key in (("Policy", "hub_green_share"), ("Hubs", "h1")):
        rows = list(wb[sheet].iter_rows(values_only=True))
        ids = list(rows[0])
        row = next(r for r in rows[2:] if key in r)
        assert row[ids.index("green_contract_mwh")] == pytest.approx(EXPECTED_MWH["contract"], rel=REL)
