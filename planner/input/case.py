"""The validated case: what the reader/validator produces and the model consumes.

Tables are pandas DataFrames indexed by their id column(s), with the schema's column names, every
optional value filled with its schema default (blank optional values that have no default stay NaN),
booleans as Python bool, ids as trimmed str. Nothing here is read from Excel; see `planner.input.reader`
and `planner.input.validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.input.schema import SETTINGS, Problem

HOURS_PER_YEAR = 8760.0
DAYS_PER_YEAR = 365.0


def with_schema_defaults(cls: type) -> type:
    """Give each annotated field of `cls` the default its setting declares in `SETTINGS` (none if required).

    Applied under `@dataclass`, so the schema is the only place a setting's default is written down. A field
    that is not a setting raises KeyError at import.
    """
    for name in cls.__annotations__:
        col = SETTINGS.column(name)
        if not col.required:
            setattr(cls, name, col.default)
    return cls


@dataclass(frozen=True, kw_only=True)
@with_schema_defaults
class Settings:
    """The Settings sheet, typed. Every field is a setting of `planner.input.schema.SETTINGS`, whose `default=` is
    the field's default (required settings have none): `Settings(case_name="x", discount_rate=0.08)` is complete."""

    case_name: str
    discount_rate: float
    currency: str
    carbon_price_cny_per_tco2: float
    carbon_cap_tco2_per_yr: float | None
    objective: str
    mip_gap: float
    time_limit_s: float
    latency_ms_per_km: float
    latency_route_factor: float
    service_cost_cny_per_mw_ms_yr: float
    site_lifetime_yr: float
    it_lifetime_yr: float
    green_min_selfuse_share_of_generation: float
    green_min_selfuse_share_of_consumption: float
    green_max_export_share_of_generation: float
    green_export_allowed: bool
    green_min_storage_power_share: float | None
    emission_accounting: str
    certificates_zero_emission: bool
    it_embodied_tco2_per_mw: float
    flexible_move_cost_cny_per_mwh: float
    embodied_carbon_priced: bool

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "Settings":
        """Settings from setting name -> value; missing or None values take the schema default."""
        return cls(**{c.name: values[c.name] for c in SETTINGS.columns if values.get(c.name) is not None})


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
    # where each table's records are in the workbook: sheet -> (tab, column positions, Excel rows); for checks on
    # the assembled case to name real cells (empty for tables that came from no workbook)
    cell_positions: dict = field(default_factory=dict, repr=False, compare=False)
    # the overrides applied to the workbook's tables before validation, as written (`planner.input.overrides`)
    overrides: list[str] = field(default_factory=list, repr=False, compare=False)

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
