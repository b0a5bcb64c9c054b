"""Deterministic synthetic hourly profiles for the example cases (dev/example code, not a runtime dependency).

Everything here is seeded: the same seed and the same climate parameters give the same series on every
machine (numpy ``default_rng`` streams, pvlib's deterministic clear-sky model, tsam's deterministic
hierarchical clustering). Each location gets its own random stream derived from ``(seed, crc32(name))``,
so a location's series does not depend on which other locations are generated alongside it.

Building blocks
---------------
* ``temperature_series``  seasonal sinusoid + diurnal cycle (damped on cloudy days) + seeded synoptic
  AR(1) noise, shifted so the annual mean equals the target exactly.
* ``cloud_series``        seeded daily AR(1) cloudiness (latent Gaussian -> logistic) with a
  climate-specific seasonal cycle, plus hourly AR(1) noise; its level ``mu`` is the calibration knob.
* ``pv_series``           pvlib Ineichen clear-sky GHI x cloud factor -> Erbs decomposition -> Hay-Davies
  transposition onto a fixed south-facing plane tilted at ~latitude -> cell-temperature derate and
  system losses -> capacity factor per MWp (DC). The cloudiness level is found by bisection so the
  annual full-load hours hit the target; only if clear sky cannot reach the target is the output scaled.
* ``wind_series``         seeded hourly AR(1) Gaussian -> Weibull(k) speeds via the probability integral
  transform, with seasonal and diurnal modulation, through a generic power curve (cut-in 3, rated 12,
  cut-out 25 m/s); the speed scale is found by bisection so the full-load hours hit the target.
* ``representative_days`` tsam 4.x: hierarchical clustering of the 365 days over all (min-max
  normalised) variable profiles, medoid representation, weights in days summing to 365, column means
  preserved (full-load hours, annual mean temperature).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

YEAR = 2023  # a non-leap year: 365 days x 24 h = 8760 h
TZ = "Asia/Shanghai"  # Beijing time, UTC+8, no DST
HOURS = 8760
DAYS = 365

# generic wind turbine power curve (m/s)
CUT_IN, RATED, CUT_OUT = 3.0, 12.0, 25.0

# PV system assumptions (per MWp DC)
PV_SYSTEM_LOSS = 0.14  # soiling, mismatch, wiring, inverter
PV_TEMP_COEFF = -0.004  # 1/degC of cell temperature above 25 C
PV_NOCT_RISE = 25.0  # cell temperature rise above ambient at 800 W/m2 (NOCT 45 C)
PV_AC_LIMIT = 1.0 / 1.2  # DC/AC ratio 1.2: output per MWp clipped at 0.833

ROUND = 6  # decimals of every profile value written to the workbooks


# --------------------------------------------------------------------------------------------------------
# Climate description of one location (a cluster of candidate sites)
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Climate:
    """Everything needed to synthesise a location's PV, wind and temperature year.

    cloud_regime: 'north'  (temperate monsoon / plateau: clear dry winters, cloudier Jul-Aug),
                  'subtropical' (Yangtze / south China: plum-rain spring-early summer, clearer autumn),
                  'basin'  (Sichuan basin / Guizhou: overcast winters, clearer summers).
    wind_night_peak: True where the hub-height wind peaks at night (low-level jet on the northern
                  plains and plateaus); False where it peaks in the afternoon.
    """

    name: str
    lat: float
    lon: float
    altitude_m: float
    temp_mean_c: float  # annual mean (target, met exactly)
    temp_season_amp_c: float  # half the July-January difference of monthly means
    temp_diurnal_range_c: float  # mean daily max - min on an average day
    pv_flh: float  # target full-load hours per MWp (kWh/kWp/yr)
    wind_flh: float  # target full-load hours of the generic turbine
    cloud_regime: str = "north"
    wind_weibull_k: float = 2.0
    wind_spring_peak: float = 0.12  # relative amplitude of the seasonal wind cycle (spring max)
    wind_night_peak: bool = True
    wind_diurnal_amp: float = 0.10


def rng_for(seed: int, name: str, stream: str) -> np.random.Generator:
    """Independent, platform-stable random stream per (seed, location, variable)."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode()), zlib.crc32(stream.encode())])


def hourly_index() -> pd.DatetimeIndex:
    """8760 hourly time stamps (interval start), Beijing time, naive."""
    return pd.date_range(f"{YEAR}-01-01 00:00", periods=HOURS, freq="h")


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) with unit variance."""
    eps = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = eps[0]
    s = np.sqrt(1.0 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + s * eps[i]
    return x


def _doy_hour() -> tuple[np.ndarray, np.ndarray]:
    idx = np.arange(HOURS)
    return idx // 24 + 1, idx % 24  # day of year 1..365, hour 0..23


# --------------------------------------------------------------------------------------------------------
# Cloudiness
# --------------------------------------------------------------------------------------------------------
_CLOUD_SEASON = {
    # (amplitude in latent units, day of year of the clearest time)
    "north": (0.55, 20),  # clear dry winter, monsoon-cloudy Jul-Aug
    "subtropical": (0.45, 285),  # clear Oct, cloudy Apr-Jun (plum rain)
    "basin": (0.70, 215),  # clearer summer, very overcast winter
}


@dataclass(frozen=True)
class CloudDraw:
    """Seeded random parts of the cloudiness process (independent of the calibrated level mu)."""

    season: np.ndarray  # (365,) latent seasonal term
    daily: np.ndarray  # (365,) latent daily AR(1) noise
    hourly: np.ndarray  # (8760,) hourly multiplicative noise


def cloud_draw(climate: Climate, seed: int) -> CloudDraw:
    rng = rng_for(seed, climate.name, "cloud")
    amp, clear_doy = _CLOUD_SEASON[climate.cloud_regime]
    doy = np.arange(1, DAYS + 1)
    season = amp * np.cos(2 * np.pi * (doy - clear_doy) / DAYS)
    daily = 1.1 * _ar1(rng, DAYS, 0.55)
    hourly = 0.12 * _ar1(rng, HOURS, 0.7)
    return CloudDraw(season=season, daily=daily, hourly=hourly)


def cloud_factor(draw: CloudDraw, mu: float) -> tuple[np.ndarray, np.ndarray]:
    """Hourly all-sky / clear-sky GHI ratio (0.05-1) and the daily clearness (0-1) for level mu."""
    k_day = 1.0 / (1.0 + np.exp(-(mu + draw.season + draw.daily)))
    k_day = 0.08 + 0.92 * k_day
    f = np.repeat(k_day, 24) * (1.0 + draw.hourly * (1.0 - np.repeat(k_day, 24)) * 2.0)
    return np.clip(f, 0.05, 1.0), k_day


# --------------------------------------------------------------------------------------------------------
# Temperature
# --------------------------------------------------------------------------------------------------------
def temperature_series(climate: Climate, seed: int, k_day: np.ndarray | None = None) -> np.ndarray:
    """Hourly outdoor dry-bulb temperature (degC) with the exact target annual mean.

    Seasonal cosine (coldest ~18 Jan), diurnal cosine (min ~06:00, max ~15:00) whose range shrinks on
    cloudy days (k_day = daily clearness, 0-1), synoptic daily AR(1) noise (sd 2.5 C, larger in winter)
    and small hourly AR(1) noise.
    """
    rng = rng_for(seed, climate.name, "temperature")
    doy, hour = _doy_hour()
    season = -climate.temp_season_amp_c * np.cos(2 * np.pi * (doy - 18) / DAYS)
    # asymmetric diurnal shape: two harmonics, min near 06:00, max near 15:00, unit peak-to-peak
    h = hour.astype(float)
    shape = np.cos(2 * np.pi * (h - 15) / 24) + 0.25 * np.cos(4 * np.pi * (h - 15) / 24 + 0.6)
    shape = shape / (shape.max() - shape.min())
    shape -= shape.mean()  # hour-of-day mean 0 (every day has all 24 hours)
    if k_day is None:
        damp = np.ones(HOURS)
    else:
        kd = np.repeat(k_day, 24)
        damp = 0.45 + 0.55 * kd / kd.mean()
    diurnal = climate.temp_diurnal_range_c * shape * damp
    winter = 1.0 + 0.35 * np.cos(2 * np.pi * (doy - 18) / DAYS)  # more synoptic variability in winter
    synoptic = 2.5 * np.repeat(_ar1(rng, DAYS, 0.75), 24) * winter
    noise = 0.6 * _ar1(rng, HOURS, 0.8)
    t = season + diurnal + synoptic + noise
    return t - t.mean() + climate.temp_mean_c


# --------------------------------------------------------------------------------------------------------
# PV
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClearSkyPlane:
    """Clear-sky inputs at a location (computed once, reused during calibration)."""

    ghi: np.ndarray
    zenith: np.ndarray
    azimuth: np.ndarray
    dni_extra: np.ndarray
    doy: np.ndarray
    tilt: float


def clear_sky(climate: Climate) -> ClearSkyPlane:
    import pvlib  # dev/example dependency only

    # mid-hour time stamps: hourly energy of the interval starting at the index
    times = pd.date_range(f"{YEAR}-01-01 00:30", periods=HOURS, freq="h", tz=TZ)
    loc = pvlib.location.Location(climate.lat, climate.lon, tz=TZ, altitude=climate.altitude_m)
    sp = loc.get_solarposition(times)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=sp)
    dni_extra = pvlib.irradiance.get_extra_radiation(times)
    # fixed tilt ~ latitude, slightly flattened (common Chinese practice: tilt a few degrees below latitude)
    tilt = round(max(10.0, climate.lat - 5.0), 1)
    return ClearSkyPlane(
        ghi=cs["ghi"].to_numpy(float),
        zenith=sp["zenith"].to_numpy(float),
        azimuth=sp["azimuth"].to_numpy(float),
        dni_extra=np.asarray(dni_extra, dtype=float),
        doy=np.asarray(times.dayofyear, dtype=float),
        tilt=tilt,
    )


def pv_from_factor(plane: ClearSkyPlane, factor: np.ndarray, temp_c: np.ndarray) -> np.ndarray:
    """Capacity factor per MWp for an hourly all-sky / clear-sky GHI ratio."""
    import pvlib

    ghi = plane.ghi * factor
    dec = pvlib.irradiance.erbs(ghi, plane.zenith, plane.doy)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=plane.tilt, surface_azimuth=180.0, solar_zenith=plane.zenith,
        solar_azimuth=plane.azimuth, dni=np.nan_to_num(np.asarray(dec["dni"], float)), ghi=ghi,
        dhi=np.nan_to_num(np.asarray(dec["dhi"], float)), dni_extra=plane.dni_extra, model="haydavies",
    )["poa_global"]
    poa = np.clip(np.nan_to_num(np.asarray(poa, dtype=float)), 0.0, None)
    t_cell = temp_c + poa / 800.0 * PV_NOCT_RISE
    dc = poa / 1000.0 * (1.0 + PV_TEMP_COEFF * (t_cell - 25.0)) * (1.0 - PV_SYSTEM_LOSS)
    return np.clip(dc, 0.0, PV_AC_LIMIT)


@dataclass(frozen=True)
class PVResult:
    cf: np.ndarray
    k_day: np.ndarray
    mu: float
    clear_sky_flh: float
    scale: float  # output scaling applied after the cloudiness calibration (1.0 = none)

    @property
    def flh(self) -> float:
        return float(self.cf.sum())


def pv_series(climate: Climate, seed: int, temp_c: np.ndarray | None = None) -> PVResult:
    """PV capacity factor calibrated to climate.pv_flh by bisection on the cloudiness level."""
    plane = clear_sky(climate)
    draw = cloud_draw(climate, seed)
    if temp_c is None:
        temp_c = temperature_series(climate, seed)
    cs_flh = float(pv_from_factor(plane, np.ones(HOURS), temp_c).sum())

    def flh(mu: float) -> float:
        f, _ = cloud_factor(draw, mu)
        return float(pv_from_factor(plane, f, temp_c).sum())

    lo, hi = -6.0, 8.0
    target = climate.pv_flh
    if flh(hi) < target:  # clear sky cannot deliver the target: clearest sky, then scale the output
        f, k_day = cloud_factor(draw, hi)
        cf = pv_from_factor(plane, f, temp_c)
        scale = target / cf.sum()
        return PVResult(np.clip(cf * scale, 0.0, 1.0), k_day, hi, cs_flh, scale)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if flh(mid) < target:
            lo = mid
        else:
            hi = mid
    mu = 0.5 * (lo + hi)
    f, k_day = cloud_factor(draw, mu)
    cf = pv_from_factor(plane, f, temp_c)
    scale = target / cf.sum()  # removes the last bisection residual (~1e-12)
    return PVResult(cf * scale, k_day, mu, cs_flh, scale)


# --------------------------------------------------------------------------------------------------------
# Wind
# --------------------------------------------------------------------------------------------------------
def power_curve(v: np.ndarray) -> np.ndarray:
    """Generic turbine: cubic from cut-in to rated, 1 from rated to cut-out, 0 beyond."""
    v = np.asarray(v, dtype=float)
    p = np.where(v < CUT_IN, 0.0, (v ** 3 - CUT_IN ** 3) / (RATED ** 3 - CUT_IN ** 3))
    p = np.where(v >= RATED, 1.0, p)
    return np.where(v >= CUT_OUT, 0.0, p)


@dataclass(frozen=True)
class WindResult:
    cf: np.ndarray
    speed: np.ndarray  # m/s at hub height

    @property
    def flh(self) -> float:
        return float(self.cf.sum())

    @property
    def mean_speed(self) -> float:
        return float(self.speed.mean())


def wind_shape(climate: Climate, seed: int) -> np.ndarray:
    """Unit-scale hourly wind speed shape: Weibull(k) marginals, persistence, season and diurnal cycle."""
    from scipy.stats import norm  # scipy comes with pvlib/tsam

    rng = rng_for(seed, climate.name, "wind")
    # synoptic (slow, phi=0.96 h^-1, ~1 day e-folding) + mesoscale (phi=0.7) components
    z = 0.9 * _ar1(rng, HOURS, 0.96) + np.sqrt(1 - 0.81) * _ar1(rng, HOURS, 0.7)
    u = norm.cdf(z)
    k = climate.wind_weibull_k
    w = (-np.log1p(-np.clip(u, 1e-12, 1 - 1e-12))) ** (1.0 / k)  # Weibull(k, scale 1)
    doy, hour = _doy_hour()
    season = 1.0 + climate.wind_spring_peak * np.cos(2 * np.pi * (doy - 105) / DAYS)  # windiest mid-April
    peak_hour = 2.0 if climate.wind_night_peak else 15.0
    diurnal = 1.0 + climate.wind_diurnal_amp * np.cos(2 * np.pi * (hour - peak_hour) / 24)
    return w * season * diurnal


def wind_series(climate: Climate, seed: int) -> WindResult:
    """Wind capacity factor calibrated to climate.wind_flh by bisection on the speed scale."""
    shape = wind_shape(climate, seed)
    target = climate.wind_flh
    lo, hi = 0.5, 30.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if power_curve(shape * mid).sum() < target:
            lo = mid
        else:
            hi = mid
    # the curve is monotone only below rated/cut-out; take the lower (physical) root found above
    scale = 0.5 * (lo + hi)
    speed = shape * scale
    cf = power_curve(speed)
    return WindResult(cf=cf * (target / cf.sum()), speed=speed)


# --------------------------------------------------------------------------------------------------------
# Load (utilisation) profiles
# --------------------------------------------------------------------------------------------------------
def inference_utilisation(low: float = 0.5, high: float = 0.9) -> np.ndarray:
    """Diurnal utilisation of interactive/inference IT capacity: trough ~04:00-05:00, peak ~21:00."""
    h = np.arange(24, dtype=float)
    shape = np.cos(2 * np.pi * (h - 20.5) / 24) + 0.35 * np.cos(4 * np.pi * (h - 12.0) / 24)
    shape = (shape - shape.min()) / (shape.max() - shape.min())
    return np.tile(low + (high - low) * shape, DAYS)


def training_utilisation(level: float = 0.9) -> np.ndarray:
    """Training / batch: flat high utilisation."""
    return np.full(HOURS, level)


# --------------------------------------------------------------------------------------------------------
# A location's full year
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LocationYear:
    climate: Climate
    temp: np.ndarray
    pv: PVResult
    wind: WindResult


def location_year(climate: Climate, seed: int) -> LocationYear:
    """Temperature, PV and wind for one location. Temperature uses the PV run's daily clearness."""
    t0 = temperature_series(climate, seed)  # first pass: cell temperature for the PV calibration
    pv = pv_series(climate, seed, t0)
    temp = temperature_series(climate, seed, pv.k_day)  # cloudy days get a smaller diurnal range
    return LocationYear(climate=climate, temp=temp, pv=pv, wind=wind_series(climate, seed))


def full_year_frame(years: list[LocationYear], extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """8760 x profiles DataFrame (DatetimeIndex), columns pv_<name>, wind_<name>, temp_<name>, extras."""
    cols: dict[str, np.ndarray] = {}
    for y in years:
        n = y.climate.name
        cols[f"pv_{n}"] = y.pv.cf
        cols[f"wind_{n}"] = y.wind.cf
        cols[f"temp_{n}"] = y.temp
    for k, v in (extra or {}).items():
        cols[k] = v
    return pd.DataFrame(cols, index=hourly_index()).round(ROUND)


def profile_unit(column: str) -> str:
    if column.startswith("temp_"):
        return "degC"
    if column.startswith(("pv_", "wind_")):
        return "cf"
    if column.startswith("load_"):
        return "share"
    return "-"


# --------------------------------------------------------------------------------------------------------
# Profiles sheet frames
# --------------------------------------------------------------------------------------------------------
def full_year_profiles_sheet(year: pd.DataFrame) -> pd.DataFrame:
    """Profiles sheet for the 8760 series: day 1..365, hour 0..23, weight 1."""
    n = len(year)
    out = pd.DataFrame({
        "day": np.arange(n) // 24 + 1,
        "hour": np.arange(n) % 24,
        "weight_days": np.ones(n),
    })
    for c in year.columns:
        out[c] = year[c].to_numpy()
    return out


@dataclass(frozen=True)
class RepresentativeDays:
    profiles: pd.DataFrame  # Profiles sheet: day, hour, weight_days + one column per profile
    medoid_dates: list[str]  # date of the real day behind each representative day
    method: str


def representative_days(year: pd.DataFrame, n_days: int) -> RepresentativeDays:
    """Pick n_days typical days with the planner's own aggregation (`planner.input.aggregate`, also behind
    `planner aggregate`): tsam hierarchical clustering, medoid days, weights in days, column means preserved.

    Columns that are identical every day (e.g. a fixed diurnal utilisation) carry no information for the
    clustering; they are left out of it and copied from the medoid days. Every clustered column is
    rescaled by tsam so its weighted mean equals the full-year mean (full-load hours and annual mean
    temperature preserved). No extreme days are kept here: the example's days are the typical days alone.
    """
    import tsam

    from planner.input.aggregate import representative_days as aggregate_days

    prof, days, _ = aggregate_days(year.reset_index(drop=True), n_days)
    prof[list(year.columns)] = prof[list(year.columns)].round(ROUND)
    return RepresentativeDays(
        profiles=prof, medoid_dates=list(days["date"]),
        method=f"tsam {tsam.__version__} hierarchical clustering of 365 days, medoid representation, "
               f"{n_days} typical days, min-max normalised multi-column, weights in days (sum 365), "
               f"column means preserved",
    )


def weighted_flh(profiles: pd.DataFrame, column: str) -> float:
    """Full-load hours of a capacity-factor column of a Profiles sheet frame."""
    return float((profiles[column] * profiles["weight_days"]).sum())
