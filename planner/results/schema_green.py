"""The result schema's columns of what makes up a hub's green share, declared once: the Policy sheet's
hub_green_share rows and the Hubs sheet both carry them (`planner.results.schema` POLICY, HUBS).

Each part (`planner.model.green_share.PARTS`) in MWh/yr and as a share of the hub's consumption (self-use + grid
import, the green share's denominator), so the four shares add up to the hub's green share.
"""

from __future__ import annotations

from planner.model.green_share import PARTS
from planner.results.schema_types import Column, column, mwh_yr_column, share_column

PART_TEXT = {
    "selfuse": "Direct-connected PV and wind used on site (self-use)",
    "grid": "Green power in the grid mix: grid_green_share x grid import",
    "certificate": "Green certificates bought (绿证)",
    "contract": "Green-power contracts (绿电交易)",
}


def part_mwh(part: str) -> str:
    """The column of a part's energy: green_<part>_mwh."""
    return f"green_{part}_mwh"


def part_share(part: str) -> str:
    """The column of a part's share of the hub's consumption: green_<part>_share."""
    return f"green_{part}_share"


GREEN_PART_COLUMNS: tuple[Column, ...] = tuple(
    c for p in PARTS for c in (
        mwh_yr_column(part_mwh(p), f"Green share of the hub, part: {PART_TEXT[p]} (blank on other policies)"),
        share_column(part_share(p), f"{PART_TEXT[p]}, as a share of the hub's consumption (the parts add up to "
                                    f"its green share)")))

# the Hubs sheet: the hub's minimum and its status beside the parts
HUB_GREEN_COLUMNS: tuple[Column, ...] = (
    share_column("min_green_share", "The hub's minimum green share (Hubs.min_green_share; blank: none)"),
    column("green_share_met", "bool", "yes/no", "The hub's green share reaches its minimum (yes where it has none)"),
    *GREEN_PART_COLUMNS,
)
