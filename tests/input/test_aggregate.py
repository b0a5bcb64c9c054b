"""`planner.input.aggregate`: representative days from a full year, deterministic, weights summing to 365, the
year itself back with 365 days, the kept extreme day among the days (real tsam runs on a hand-made year)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model_tables import year_case
from planner.input.aggregate import aggregate_case, extreme_days


@pytest.fixture(scope="module")
def year():
    return year_case(varying=True)


def test_the_same_year_and_options_give_the_same_days(year):
    a = aggregate_case(year, 8, ["hottest"])
    b = aggregate_case(year, 8, ["hottest"])
    pd.testing.assert_frame_equal(a.profiles, b.profiles)
    pd.testing.assert_frame_equal(a.days, b.days)


def test_weights_sum_to_365_and_annual_means_are_kept(year):
    agg = aggregate_case(year, 6, ["lowest-renewables", "hottest"])
    assert agg.days["weight_days"].sum() == pytest.approx(365.0, abs=1e-9)
    assert agg.profiles.groupby("day")["weight_days"].first().sum() == pytest.approx(365.0, abs=1e-9)
    assert len(agg.profiles) == 6 * 24 and list(agg.profiles["hour"][:24]) == list(range(24))
    assert np.abs(agg.quality["mean_error_pct"]).max() < 1e-6  # tsam preserves each profile's mean
    pv = agg.totals.set_index(["quantity", "scope"]).loc[("PV full-load hours", "pv")]
    assert pv["rep_days"] == pytest.approx(year.profiles["pv"].sum(), rel=1e-9)


def test_365_days_give_the_year_itself(year):
    agg = aggregate_case(year, 365, ["hottest", "peak-load"])
    assert (agg.profiles["weight_days"] == 1.0).all()
    for col in year.profiles.columns:
        assert np.array_equal(agg.profiles[col].to_numpy(), year.profiles[col].to_numpy()), col
    assert (agg.quality["duration_curve_error_pct"] == 0).all()
    assert (agg.totals["error_pct"] == 0).all()


@pytest.mark.parametrize("extreme", ["hottest", "lowest-renewables", "peak-load"])
def test_the_kept_extreme_day_is_one_of_the_days_with_weight_1(year, extreme):
    found, _ = extreme_days(year, [extreme])
    k = found[extreme]
    agg = aggregate_case(year, 5, [extreme])
    row = agg.days[agg.days["kept_as"] == extreme]
    assert len(row) == 1 and row["weight_days"].iloc[0] == 1.0
    day = int(row["day"].iloc[0])
    kept = agg.profiles[agg.profiles["day"] == day]
    for col in year.profiles.columns:
        assert np.array_equal(kept[col].to_numpy(), year.profiles[col].to_numpy()[24 * k:24 * k + 24]), col
    assert row["date"].iloc[0] == str((pd.Timestamp("2023-01-01") + pd.Timedelta(days=k)).date())


def test_a_case_of_representative_days_is_refused(year):
    import dataclasses

    days = dataclasses.replace(year, timesteps=year.timesteps.iloc[:48].assign(weight_days=182.5),
                               profiles=year.profiles.iloc[:48])
    with pytest.raises(ValueError, match="full year of 8760 hourly rows"):
        aggregate_case(days, 2)
    with pytest.raises(ValueError, match="cannot hold the 2 kept extreme"):
        aggregate_case(year, 2, ["hottest", "lowest-renewables"])
