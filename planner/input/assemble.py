"""Assembling the `Case` from parsed sheets: DataFrames with every schema column, defaults filled.

Only called on tables that passed every check (`build_case`), except `table_frame` and `site_cooling_frame`,
which the cross-sheet checks also use on whatever rows are usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from planner.input.case import Case, Settings
from planner.input.profiles import ProfileData
from planner.input.schema import SHEETS_BY_NAME, Column, Sheet
from planner.input.tables import Table


def _fill(value: Any, col: Column) -> Any:
    if value is not None:
        return value
    return col.default if col.default is not None else np.nan


def table_frame(table: Table | None, sheet: Sheet, *, index: bool = True) -> pd.DataFrame:
    """A table as a DataFrame with every schema column, defaults filled, indexed by the sheet's key."""
    records = table.records if table is not None else []
    data = {}
    for col in sheet.columns:
        values = [_fill(r.get(col.name), col) for r in records]
        dtype = {"float": float, "int": "int64", "bool": bool}.get(col.dtype, object)
        data[col.name] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(data, columns=sheet.column_names)
    return frame.set_index(list(sheet.key)) if index and sheet.key else frame


def site_cooling_frame(sites: pd.DataFrame, cooling: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Every site x cooling pair: allowed, pue_annual, capex_cny_per_mw_it, wue_l_per_kwh with the overrides
    applied."""
    index = pd.MultiIndex.from_product([sites.index, cooling.index], names=["site_id", "cooling_id"])
    cooling_ids = index.get_level_values("cooling_id")
    frame = pd.DataFrame({
        "allowed": True,
        "pue_annual": cooling["pue_annual"].reindex(cooling_ids).to_numpy(dtype=float),
        "capex_cny_per_mw_it": cooling["capex_cny_per_mw_it"].reindex(cooling_ids).to_numpy(dtype=float),
        "wue_l_per_kwh": cooling["wue_l_per_kwh"].reindex(cooling_ids).to_numpy(dtype=float),
    }, index=index)
    for key, row in overrides.iterrows():
        if key not in frame.index:
            continue
        frame.loc[key, "allowed"] = bool(row["allowed"])
        for name in ("pue_annual", "capex_cny_per_mw_it", "wue_l_per_kwh"):
            if pd.notna(row[name]):
                frame.loc[key, name] = float(row[name])
    frame["allowed"] = frame["allowed"].astype(bool)
    return frame


def timesteps_frame(profiles: ProfileData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(timesteps, profiles) with RangeIndex t."""
    table = profiles.table
    index = pd.RangeIndex(len(table.records), name="t")
    steps = pd.DataFrame({"day": pd.Series(table.values("day"), dtype="int64").to_numpy(),
                          "hour": pd.Series(table.values("hour"), dtype="int64").to_numpy(),
                          "weight_days": pd.Series(table.values("weight_days"), dtype=float).to_numpy()},
                         index=index)
    series = pd.DataFrame({pid: values for pid, values in profiles.values.items()}, index=index, dtype=float)
    return steps, series


def build_case(settings: Mapping[str, Any], tables: Mapping[str, Table], profiles: ProfileData,
               source: str) -> Case:
    """Assemble the Case from tables that passed every check."""
    frames = {name: table_frame(tables.get(name), SHEETS_BY_NAME[name])
              for name in ("Hubs", "Sites", "Cooling", "SiteCooling", "Demand", "Network", "Technologies")}
    steps, series = timesteps_frame(profiles)
    case = Case(
        settings=Settings.from_values(settings),
        hubs=frames["Hubs"], sites=frames["Sites"], cooling=frames["Cooling"],
        site_cooling=site_cooling_frame(frames["Sites"], frames["Cooling"], frames["SiteCooling"]),
        demand=frames["Demand"], network=frames["Network"],
        links=table_frame(tables.get("Links"), SHEETS_BY_NAME["Links"], index=False),
        technologies=frames["Technologies"], timesteps=steps, profiles=series, source=source,
    )
    case.cell_positions = {name: (t.tab, dict(t.positions), list(t.rows)) for name, t in tables.items()}
    return case
