"""Representative days from a full year of hourly profiles (`planner aggregate`), and how well they stand for it.

Every profile (PV, wind, temperature, load, price, emission factor) is clustered together, so the days keep
the hours' correlation across profiles: tsam's hierarchical clustering of the days in min-max normalised space,
each cluster represented by its medoid (a real day), weights in days. Profiles identical every day carry no
information for the clustering: they are left out of it and copied from the medoid days. Each clustered profile
is rescaled by tsam so its weighted mean equals its mean over the clustered days (full-load hours, mean
temperature and mean price preserved); tsam rescales in normalised space and clips to the observed range.

Extreme days (`EXTREMES`: the day of the peak IT load, of the lowest renewable potential, the hottest day) are
taken out of the clustering and kept as days of their own with weight 1, so the plan sees them. Nothing is
random: the same year and options give the same days on every machine. With as many days as the year has,
every day is its own representative and the year comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.input.case import DAYS_PER_YEAR, Case

HOURS_PER_DAY = 24
YEAR_START = "2023-01-01"  # a non-leap year: day k of the profiles is shown as this date + k days
DEFAULT_PUE_REF_TEMP_C = 15.0

# name -> what the kept day is (how it is found: `extreme_days`)
EXTREMES: dict[str, str] = {
    "peak-load": "the day with the highest hourly IT load of all demands (load profiles x it_load_mw)",
    "lowest-renewables": "the day with the least renewable potential of all sites (max PV and wind x their "
                         "capacity factors)",
    "hottest": "the day with the highest mean temperature, averaged over the temperature profiles",
}

PROFILE_COLUMNS = ("profile", "year_mean", "days_mean", "mean_error_pct", "duration_curve_error_pct", "year_max",
                   "days_max")
TOTAL_COLUMNS = ("quantity", "scope", "unit", "full_year", "rep_days", "error_pct")
DAY_COLUMNS = ("day", "date", "weight_days", "kept_as")


@dataclass(frozen=True)
class Aggregation:
    """Representative days of a year: the Profiles sheet, which real day each is, and how well they fit."""

    profiles: pd.DataFrame  # day, hour, weight_days + one column per profile
    days: pd.DataFrame  # DAY_COLUMNS: each representative day's real date, weight and why it is kept
    quality: pd.DataFrame  # PROFILE_COLUMNS: per profile, mean and duration-curve error
    totals: pd.DataFrame  # TOTAL_COLUMNS: annual totals, year against days
    method: str
    notes: tuple[str, ...] = ()


def day_date(index: int) -> str:
    return str((pd.Timestamp(YEAR_START) + pd.Timedelta(days=int(index))).date())


def _daily(year: pd.DataFrame) -> np.ndarray:
    """(days, 24, columns) view of an hourly frame of whole days."""
    return year.to_numpy(dtype=float).reshape(-1, HOURS_PER_DAY, year.shape[1])


def it_load_series(case: Case, profiles: pd.DataFrame) -> np.ndarray:
    """Hourly IT load of all demands (MW): it_load_mw x the demand's load profile (1 where it has none)."""
    total = np.zeros(len(profiles))
    for _, d in case.demand.iterrows():
        pid = d.get("load_profile")
        shape = profiles[pid].to_numpy(float) if isinstance(pid, str) and pid in profiles else 1.0
        total = total + float(d["it_load_mw"]) * shape
    return total


def renewable_series(case: Case, profiles: pd.DataFrame) -> np.ndarray:
    """Hourly renewable potential of all sites (MW): max_pv_mw x PV and max_wind_mw x wind capacity factors."""
    total = np.zeros(len(profiles))
    for _, s in case.sites.iterrows():
        for cap, col in (("max_pv_mw", "pv_profile"), ("max_wind_mw", "wind_profile")):
            pid = s.get(col)
            if isinstance(pid, str) and pid in profiles and float(s[cap] or 0.0) > 0:
                total = total + float(s[cap]) * profiles[pid].to_numpy(float)
    return total


def temperature_columns(case: Case) -> list[str]:
    return sorted({p for p in case.sites["temp_profile"] if isinstance(p, str) and p in case.profiles})


def extreme_days(case: Case, keep: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """{extreme name: day index 0..364} of the days to keep, and a note for each that does not apply."""
    profiles = case.profiles
    found, notes = {}, []
    for name in keep:
        if name not in EXTREMES:
            raise ValueError(f"unknown extreme day {name!r}: use {', '.join(EXTREMES)}")
        if name == "peak-load":
            series = it_load_series(case, profiles).reshape(-1, HOURS_PER_DAY).max(axis=1)
            pick = np.argmax
        elif name == "lowest-renewables":
            series = renewable_series(case, profiles).reshape(-1, HOURS_PER_DAY).sum(axis=1)
            pick = np.argmin
        else:
            cols = temperature_columns(case)
            series = (profiles[cols].to_numpy(float).mean(axis=1).reshape(-1, HOURS_PER_DAY).mean(axis=1) if cols
                      else np.zeros(len(profiles) // HOURS_PER_DAY))
            pick = np.argmax
        if np.ptp(series) <= 1e-9:
            notes.append(f"no {name} day kept: {EXTREMES[name].split(' (')[0].replace('the day with ', '')} is the "
                         "same every day")
            continue
        found[name] = int(pick(series))  # the first such day if several tie
    return found, notes


def representative_days(year: pd.DataFrame, n_days: int, keep: Mapping[str, int] | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """n_days days standing for the year `year` (hourly rows of whole days, one column per profile): the kept
    days `keep` (name -> day index) with weight 1 each, the rest by tsam. (Profiles frame, days table, method)."""
    n_year = len(year) // HOURS_PER_DAY
    keep = dict(keep or {})
    kept = sorted(set(keep.values()))
    if not 1 <= n_days <= n_year:
        raise ValueError(f"the number of days must be between 1 and {n_year}, not {n_days}")
    if len(kept) >= n_days and n_days < n_year:
        raise ValueError(f"{n_days} day(s) cannot hold the {len(kept)} kept extreme day(s) and typical days: "
                         "ask for more days or keep fewer extremes")
    daily = _daily(year)
    if n_days == n_year:  # every day its own representative: the year itself
        days = list(range(n_year))
        weights = [1.0] * n_year
        method = "every day of the year as its own day (no clustering)"
        chosen = daily
    else:
        rest = [k for k in range(n_year) if k not in kept]
        medoids, counts, chosen_rest, method = _cluster(year, daily, rest, n_days - len(kept))
        order = sorted([(m, c, v, False) for m, c, v in zip(medoids, counts, chosen_rest)]
                       + [(k, 1.0, daily[k], True) for k in kept], key=lambda x: x[0])
        days = [o[0] for o in order]
        weights = [float(o[1]) for o in order]
        chosen = np.stack([o[2] for o in order])
        if kept:
            method += f"; {len(kept)} extreme day(s) kept with weight 1"
    frame = pd.DataFrame({"day": np.repeat(np.arange(1, len(days) + 1), HOURS_PER_DAY),
                          "hour": np.tile(np.arange(HOURS_PER_DAY), len(days)),
                          "weight_days": np.repeat(weights, HOURS_PER_DAY)})
    values = chosen.reshape(-1, year.shape[1])
    for i, col in enumerate(year.columns):
        frame[col] = values[:, i]
    why = {}
    for name, k in keep.items():
        why[k] = f"{why[k]}, {name}" if k in why else name
    table = pd.DataFrame({"day": range(1, len(days) + 1), "date": [day_date(k) for k in days],
                          "weight_days": weights, "kept_as": [why.get(k, "typical") for k in days]},
                         columns=list(DAY_COLUMNS))
    return frame, table, method


def _cluster(year: pd.DataFrame, daily: np.ndarray, rest: list[int], n_clusters: int):
    """tsam on the days `rest` of the year: (medoid day indices, counts, representative days (n, 24, columns),
    method text)."""
    import tsam

    varying = [i for i in range(year.shape[1]) if np.ptp(daily[rest][:, :, i], axis=0).max() > 1e-9]
    medoid_values = daily[rest]
    if not varying or n_clusters >= len(rest):
        # nothing to tell the days apart, or a day per cluster: the days themselves
        if not varying:
            return [rest[0]], [float(len(rest))], [daily[rest[0]]], "every day alike: one day stands for all"
        return rest, [1.0] * len(rest), list(medoid_values), "every remaining day as its own day"
    names = [year.columns[i] for i in varying]
    data = pd.DataFrame(medoid_values[:, :, varying].reshape(-1, len(varying)), columns=names,
                        index=pd.date_range(YEAR_START, periods=len(rest) * HOURS_PER_DAY, freq="h"))
    res = tsam.aggregate(data, n_clusters=n_clusters, period_duration=HOURS_PER_DAY, temporal_resolution=1.0,
                         cluster=tsam.ClusterConfig(method="hierarchical", representation="medoid"),
                         preserve_column_means=True)
    reps, counts, centers = res.cluster_representatives, res.cluster_counts, res.clustering.cluster_centers
    clusters = sorted(reps.index.get_level_values(0).unique(), key=lambda c: centers[c])
    out_days, out_counts, out_values = [], [], []
    for c in clusters:
        local = int(centers[c])
        values = daily[rest[local]].copy()
        values[:, varying] = reps.loc[c][names].to_numpy(float)
        out_days.append(rest[local])
        out_counts.append(float(counts[c]))
        out_values.append(values)
    method = (f"tsam {tsam.__version__} hierarchical clustering of the days, medoid representation, min-max "
              f"normalised over all profiles together, column means preserved")
    return out_days, out_counts, out_values, method


# ----------------------------------------------------------------------------------------------------------
# How well the days stand for the year
# ----------------------------------------------------------------------------------------------------------
def _expanded(values: np.ndarray, weights_h: np.ndarray) -> np.ndarray:
    """The representative hours repeated by their weight (whole days): their duration curve is the year's
    equivalent."""
    return np.repeat(values, np.rint(weights_h).astype(int))


def _pct(days: float, year: float) -> float:
    return 100.0 * (days - year) / abs(year) if abs(year) > 1e-12 else (0.0 if abs(days) <= 1e-12 else float("nan"))


def profile_quality(year: pd.DataFrame, rep: pd.DataFrame) -> pd.DataFrame:
    """Per profile: the annual mean of the year and of the days (error in %), the duration-curve error (RMS
    difference of the sorted hourly values as % of the year's range) and the highest hourly value."""
    w = rep["weight_days"].to_numpy(float)
    rows = []
    for col in year.columns:
        y, r = year[col].to_numpy(float), rep[col].to_numpy(float)
        y_mean, r_mean = float(y.mean()), float((w * r).sum() / w.sum())
        curve_y, curve_r = np.sort(y), np.sort(_expanded(r, w))
        spread = float(np.ptp(y))
        curve = (float(np.sqrt(np.mean((curve_y - curve_r) ** 2)) / spread * 100.0) if spread > 1e-12 else 0.0
                 ) if len(curve_r) == len(curve_y) else float("nan")
        rows.append((col, y_mean, r_mean, _pct(r_mean, y_mean), curve, float(y.max()), float(r.max())))
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS))


def annual_totals(case: Case, year: pd.DataFrame, rep: pd.DataFrame) -> pd.DataFrame:
    """The annual totals a plan depends on, year against days: IT energy and peak IT load, each PV and wind
    profile's full-load hours, each temperature profile's degree hours above the PUE reference temperature(s)."""
    w = rep["weight_days"].to_numpy(float)
    rows = []

    def add(quantity: str, scope: str, unit: str, full: float, days: float) -> None:
        rows.append((quantity, scope, unit, full, days, _pct(days, full)))

    it_y, it_r = it_load_series(case, year), it_load_series(case, rep)
    add("IT energy", "all demands", "MWh/yr", float(it_y.sum()), float((w * it_r).sum()))
    add("peak IT load", "all demands", "MW", float(it_y.max()), float(it_r.max()))
    for kind, column in (("PV", "pv_profile"), ("wind", "wind_profile")):
        for pid in sorted({p for p in case.sites[column] if isinstance(p, str) and p in year}):
            add(f"{kind} full-load hours", pid, "h/yr", float(year[pid].sum()), float((w * rep[pid]).sum()))
    refs = sorted({float(v) for v in case.cooling.get("pue_ref_temp_c", pd.Series(dtype=float)).dropna()}) or [
        DEFAULT_PUE_REF_TEMP_C]
    for pid in temperature_columns(case):
        for ref in refs:
            add(f"degree hours above {ref:g} degC", pid, "degC*h/yr",
                float(np.clip(year[pid].to_numpy(float) - ref, 0, None).sum()),
                float((w * np.clip(rep[pid].to_numpy(float) - ref, 0, None)).sum()))
    return pd.DataFrame(rows, columns=list(TOTAL_COLUMNS))


def aggregate_case(case: Case, n_days: int, keep: Sequence[str] = ()) -> Aggregation:
    """Representative days of a full-year case (8760 hourly rows), the extreme days `keep` kept."""
    if not case.is_full_year:
        n = case.timesteps["day"].nunique()
        raise ValueError(f"{case.source or 'the workbook'} has {n} day(s) of profiles ({case.n_hours} rows): "
                         f"aggregate needs a full year of {int(DAYS_PER_YEAR) * HOURS_PER_DAY} hourly rows with "
                         "weight 1 each")
    year = case.profiles.reset_index(drop=True)
    kept, notes = extreme_days(case, keep)
    frame, days, method = representative_days(year, n_days, kept)
    return Aggregation(profiles=frame, days=days, quality=profile_quality(year, frame),
                       totals=annual_totals(case, year, frame), method=method, notes=tuple(notes))
