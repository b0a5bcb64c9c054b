"""The validated case: what the reader/validator produces and the model consumes.

Tables are pandas DataFrames indexed by their id column(s), with the schema's column names, every
optional value filled with its schema default (blank optional values that have no default stay NaN),
booleans as Python bool, ids as trimmed str. Nothing here is read from Excel; see `planner.io`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.input.schema import Problem

HOURS_PER_YEAR = 8760.0
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Settings:
    case_name: str
    discount_rate: float
    currency: str = "CNY"
    carbon_price_cny_per_tco2: float = 0.0
    carbon_cap_tco2_per_yr: float | None = None
    objective: str = "cost"
    mip_gap: float = 0.01
    time_limit_s: float = 600.0
    latency_ms_per_km: float = 0.005
    latency_route_factor: float = 2.2
    service_cost_cny_per_mw_ms_yr: float = 0.0
    site_lifetime_yr: float = 20.0
    it_lifetime_yr: float = 10.0
    green_min_selfuse_share_of_generation: float = 0.60
    green_min_selfuse_share_of_consumption: float = 0.30
    green_max_export_share_of_generation: float = 0.20
    green_export_allowed: bool = True
    green_min_storage_power_share: float | None = None


@dataclass
class Case:
    """A validated planning case.

    Tables (index -> columns, as declared in `planner.input.schema`):
      hubs          hub_id -> name, region, pue_cap, min_green_share (NaN = none)
      sites         site_id -> every Sites column except site_id
      cooling       cooling_id -> every Cooling column except cooling_id
      site_cooling  (site_id, cooling_id) -> allowed, pue_annual, capex_cny_per_mw_it, for EVERY site x cooling
                    pair, overrides already applied (allowed=False where forbidden)
      demand        demand_id -> every Demand column except demand_id
      network       (demand_id, site_id) -> latency_ms, service_cost_cny_per_mw_yr (may be NaN); may be empty
      links         RangeIndex -> node_a, node_b, latency_ms; may be empty
      technologies  tech_id ('pv', 'wind', 'battery') -> every Technologies column except tech_id
      timesteps     RangeIndex t = 0..T-1 -> day (int), hour (int), weight_days (float)
      profiles      RangeIndex t = 0..T-1 -> one float column per profile id
    """

    settings: Settings
    hubs: pd.DataFrame
    sites: pd.DataFrame
    cooling: pd.DataFrame
    site_cooling: pd.DataFrame
    demand: pd.DataFrame
    network: pd.DataFrame
    links: pd.DataFrame
    technologies: pd.DataFrame
    timesteps: pd.DataFrame
    profiles: pd.DataFrame
    source: str = ""  # workbook path or a description of where the tables came from
    warnings: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.case_name

    @property
    def n_hours(self) -> int:
        return len(self.timesteps)

    @property
    def is_full_year(self) -> bool:
        """8760 chronological hours: storage is cyclic over the year instead of within each day."""
        return len(self.timesteps) == int(HOURS_PER_YEAR) and bool((self.timesteps["weight_days"] == 1.0).all())

    @property
    def hour_weights(self) -> np.ndarray:
        """Hours of the year each time step stands for (sums to 8760)."""
        return self.timesteps["weight_days"].to_numpy(dtype=float)

    def summary(self) -> str:
        days = self.timesteps["day"].nunique()
        span = f"{self.n_hours} h of profiles" if self.is_full_year else (
            f"{days} representative day{'s' if days != 1 else ''} ({self.n_hours} h) of profiles")
        def count(n: int, noun: str, plural: str | None = None) -> str:
            return f"{n} {noun if n == 1 else (plural or noun + 's')}"

        return (f"{count(len(self.sites), 'site')} in {count(self.sites['hub_id'].nunique(), 'hub')}, "
                f"{count(len(self.demand), 'demand region')}, {count(len(self.cooling), 'cooling technology', 'cooling technologies')}, "
                f"{span}")
