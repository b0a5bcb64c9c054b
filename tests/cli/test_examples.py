"""The built-in example cases: they validate, the generators are deterministic and calibrated, the committed
workbooks equal a fresh generation, and the package-data copies equal the examples/ workbooks.

Generator tests need the examples extra (pvlib, tsam) and are skipped without it.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.examples import EXAMPLES, example_path
from planner.input.schema import INFO_SHEETS, README_SHEET, SHEETS_BY_NAME
from planner.input.validate import case_from_tables, load_case
from planner.solver.outcome import SOLVED

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples"
EDW_DIR = EXAMPLES_DIR / "east_data_west"
QS_DIR = EXAMPLES_DIR / "quickstart"
COMMITTED = {"east-data-west": EDW_DIR / "case.xlsx", "quickstart": QS_DIR / "case.xlsx"}
FULL_YEAR = EDW_DIR / "profiles_8760.xlsx"
SEED = 20240601


def _load_script(path: Path, name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _generators():
    pytest.importorskip("pvlib")
    pytest.importorskip("tsam")
    edw = _load_script(EDW_DIR / "build_case.py", "_test_edw_build_case")
    qs = _load_script(QS_DIR / "build_case.py", "_test_qs_build_case")
    return edw, qs


def _sheet_values(path: Path, sheets: list[str] | None = None) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        names = [s for s in wb.sheetnames if s != README_SHEET] if sheets is None else sheets
        return {s: [tuple(r) for r in wb[s].iter_rows(values_only=True)] for s in names}
    finally:
        wb.close()


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=2e-6)
    return a == b


def _assert_same_values(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]], what: str) -> None:
    assert list(expected) == list(actual), f"{what}: sheets differ"
    for sheet, rows in expected.items():
        other = actual[sheet]
        assert len(rows) == len(other), f"{what}: {sheet} has {len(other)} rows, expected {len(rows)}"
        for i, (r1, r2) in enumerate(zip(rows, other), start=1):
            r1, r2 = list(r1), list(r2)
            width = max(len(r1), len(r2))
            r1 += [None] * (width - len(r1))
            r2 += [None] * (width - len(r2))
            bad = [j for j in range(width) if not _same(r1[j], r2[j])]
            assert not bad, (f"{what}: {sheet} row {i} column {bad[0] + 1}: {r2[bad[0]]!r} != {r1[bad[0]]!r} "
                             f"(regenerate with python examples/<name>/build_case.py)")


# ---------------------------------------------------------------------------------------------------------
# The shipped workbooks validate
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_packaged_example_validates(name):
    case = load_case(example_path(name))
    assert not [w for w in case.warnings if w.severity == "error"]
    assert math.isclose(float(case.hour_weights.sum()), 8760.0, rel_tol=1e-9)
    assert not case.is_full_year


def test_east_data_west_content():
    case = load_case(COMMITTED["east-data-west"])
    assert case.warnings == []
    assert len(case.sites) == 29 and case.timesteps["day"].nunique() == 12
    hubs = case.hubs
    assert set(hubs.index) >= {"jjj", "yrd", "gba", "cy", "nmg", "gz", "gs", "nx"}
    assert (hubs.loc[hubs["region"] == "east", "pue_cap"] == 1.25).all()
    assert (hubs.loc[hubs["region"] == "west", "pue_cap"] == 1.2).all()
    national = ["jjj", "yrd", "gba", "cy", "nmg", "gz", "gs", "nx"]
    assert (hubs.loc[national, "min_green_share"] == 0.8).all()
    assert hubs.loc["cy", "region"] == "east"
    # every site 2-3 per cluster-ish: each hub has >= 2 candidate sites
    assert case.sites.groupby("hub_id").size().min() >= 2
    total = case.demand["it_load_mw"].sum()
    assert 1500 <= total <= 2500
    st = case.settings
    assert st.discount_rate == 0.08 and st.latency_ms_per_km == 0.005
    assert (st.green_min_selfuse_share_of_generation, st.green_min_selfuse_share_of_consumption,
            st.green_max_export_share_of_generation) == (0.6, 0.3, 0.2)
    # Gui'an latencies of the calibrated proxy are near the reported 10 / 15 / 20 ms
    from planner.input.latency import great_circle_km
    f = st.latency_route_factor * st.latency_ms_per_km
    for (lat, lon), ms in (((23.13, 113.26), 10.0), ((31.23, 121.47), 15.0), ((39.90, 116.40), 20.0)):
        assert abs(float(great_circle_km(26.40, 106.40, lat, lon)) * f - ms) < 2.0


def test_full_year_workbook_validates():
    case = load_case(FULL_YEAR)
    assert case.is_full_year and case.n_hours == 8760
    rep = load_case(COMMITTED["east-data-west"])
    assert list(case.profiles.columns) == list(rep.profiles.columns)
    pd.testing.assert_frame_equal(case.sites, rep.sites)
    # representative days preserve full-load hours and mean temperature of the full year
    w_rep, w_full = rep.hour_weights, case.hour_weights
    for col in case.profiles.columns:
        full = float((case.profiles[col] * w_full).sum())
        short = float((rep.profiles[col] * w_rep).sum())
        assert abs(short - full) <= 1e-3 * max(1.0, abs(full)), col


def test_unknown_example_name():
    with pytest.raises(ValueError) as err:
        example_path("no-such-case")
    assert "east-data-west" in str(err.value) and "quickstart" in str(err.value)
    assert example_path("east_data_west") == example_path("east-data-west")


# ---------------------------------------------------------------------------------------------------------
# Package data equals the examples/ workbooks
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_package_copy_equals_example(name):
    packaged, committed = example_path(name), COMMITTED[name]
    if packaged.read_bytes() != committed.read_bytes():
        _assert_same_values(_sheet_values(committed), _sheet_values(packaged), f"planner/data copy of {name}")


def test_example_sheets_are_known():
    for path in [*COMMITTED.values(), FULL_YEAR]:
        wb = load_workbook(path, read_only=True)
        try:
            unknown = [s for s in wb.sheetnames if s not in SHEETS_BY_NAME and s not in INFO_SHEETS]
        finally:
            wb.close()
        assert not unknown, f"{path.name}: unexpected sheets {unknown}"


# ---------------------------------------------------------------------------------------------------------
# Generators: deterministic, calibrated, equal to the committed workbooks
# ---------------------------------------------------------------------------------------------------------
def test_location_year_is_deterministic_and_calibrated():
    edw, _ = _generators()
    import _common as X
    import _profiles as P

    climate = X.CLIMATES["zhongwei"]
    a, b = P.location_year(climate, SEED), P.location_year(climate, SEED)
    for x, y in ((a.temp, b.temp), (a.pv.cf, b.pv.cf), (a.wind.cf, b.wind.cf)):
        assert np.array_equal(x, y)
    c = P.location_year(climate, SEED + 1)
    assert not np.array_equal(a.wind.cf, c.wind.cf) and not np.array_equal(a.pv.cf, c.pv.cf)
    # a location's series do not depend on the other locations generated with it
    assert np.array_equal(P.location_year(X.CLIMATES["guian"], SEED).pv.cf,
                          P.location_year(X.CLIMATES["guian"], SEED).pv.cf)
    for y in (a, c):
        assert abs(y.pv.flh - climate.pv_flh) < 0.5
        assert abs(y.wind.flh - climate.wind_flh) < 0.5
        assert abs(float(y.temp.mean()) - climate.temp_mean_c) < 1e-9
        assert 0.0 <= y.pv.cf.min() and y.pv.cf.max() <= 1.0
        assert 0.0 <= y.wind.cf.min() and y.wind.cf.max() <= 1.0 + 1e-9
        assert 4.0 < y.wind.mean_speed < 9.0
    # PV is zero at night (Beijing time) and peaks around solar noon (~13:00 at 105 E)
    day = a.pv.cf.reshape(365, 24).mean(axis=0)
    assert day[0] == 0.0 and day[23] == 0.0 and 11 <= int(np.argmax(day)) <= 14
    # temperature: colder January than July
    t = a.temp.reshape(365, 24)
    assert t[:31].mean() < t[181:212].mean() - 20


def test_quickstart_generator_is_deterministic_and_matches_committed(tmp_path):
    _, qs = _generators()
    first, second = qs.build(SEED), qs.build(SEED)
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(frame, second.tables[name], obj=name)
    for name, frame in first.extra.items():
        pd.testing.assert_frame_equal(frame, second.extra[name], obj=name)
    other = qs.build(SEED + 1)
    assert not first.tables["Profiles"].equals(other.tables["Profiles"])
    # the tables validate without writing, and the written workbook equals the committed one
    case = case_from_tables(first.tables)
    assert case.warnings == [] and case.timesteps["day"].nunique() == 4
    path = qs.write(first, tmp_path)
    _assert_same_values(_sheet_values(COMMITTED["quickstart"]), _sheet_values(path), "examples/quickstart/case.xlsx")


def test_east_data_west_generator_matches_committed(tmp_path):
    edw, _ = _generators()
    built = edw.build(SEED)
    # calibration: representative days keep every profile's full-year mean; FLH on target
    rep, full = built.tables["Profiles"], built.full_year_profiles
    assert len(full) == 8760 and rep["day"].nunique() == 12
    assert math.isclose(float(rep.groupby("day")["weight_days"].first().sum()), 365.0)
    cal = built.profiles.calibration_table()
    assert (abs(cal["pv_full_year_flh_h"] - cal["pv_target_flh_h"]) < 0.5).all()
    assert (abs(cal["wind_full_year_flh_h"] - cal["wind_target_flh_h"]) < 0.5).all()
    assert (abs(cal["pv_rep_days_flh_h"] - cal["pv_full_year_flh_h"]) < 1.0).all()
    assert (abs(cal["wind_rep_days_flh_h"] - cal["wind_full_year_flh_h"]) < 1.0).all()
    assert (abs(cal["temp_rep_days_mean_c"] - cal["temp_target_mean_c"]) < 0.05).all()
    # the workbook written now equals the committed one (values)
    path = edw.write(built, tmp_path, full_year=False)[0]
    _assert_same_values(_sheet_values(COMMITTED["east-data-west"]), _sheet_values(path),
                        "examples/east_data_west/case.xlsx")
    # the committed full-year profiles equal the generated 8760 series
    committed = _sheet_values(FULL_YEAR, ["Profiles"])["Profiles"]
    header = list(committed[0])
    assert header == list(full.columns)
    values = np.array([[np.nan if v is None else v for v in r] for r in committed[2:]], dtype=float)
    assert values.shape == full.shape
    assert np.allclose(values, full.to_numpy(dtype=float), rtol=0, atol=2e-6)


def test_quickstart_solves_and_meets_every_policy():
    """The quickstart solves with real HiGHS, and every row of its Policy table is satisfied."""
    from planner.solve import solve_case

    result = solve_case(load_case(example_path("quickstart")))
    assert result.solve.status in SOLVED, result.messages
    policy = result.policy
    assert set(policy["policy"]) >= {"hub_pue_cap", "hub_green_share", "green_selfuse_of_generation",
                                     "green_selfuse_of_consumption", "green_export_limit", "latency_cap",
                                     "demand_served"}
    unmet = policy[~policy["satisfied"]]
    assert unmet.empty, unmet.to_string()
    # satisfied means within tolerance of the requirement, checked here independently of the flag
    le, ge = policy["sense"] == "<=", policy["sense"] == ">="
    tol = 1e-5 * policy["required"].abs().clip(lower=1.0)
    assert (policy.loc[le, "achieved"] <= policy.loc[le, "required"] + tol[le]).all()
    assert (policy.loc[ge, "achieved"] >= policy.loc[ge, "required"] - tol[ge]).all()
