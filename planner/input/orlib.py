"""OR-Library capacitated facility location instances (Beasley) as planning cases.

With energy, cooling and latency switched off, the planning MILP is the capacitated facility location
problem: open a site at a fixed cost, serve each customer from open sites within capacity at a per-unit
cost. The conversion goes through the public table API (`case_from_tables`), so reproducing the published
optima checks the whole pipeline from tables to objective.

Mapping: site capacity -> max_it_mw = module_mw (so a site is one module, open or not); fixed cost ->
fixed_cost_cny annualised with discount 0 over 1 year (factor 1); customer demand -> it_load_mw; the cost of
serving all of customer j from site i, c_ij -> Network service cost c_ij / d_j per MW; one cooling
technology with PUE 1 and no capex; zero energy price and emission factor; latency 0 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.input.case import Case


@dataclass
class CflpInstance:
    name: str
    capacity: np.ndarray  # (m,)
    fixed_cost: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (m, n): cost of serving all of customer j from site i


def read_cflp(path: str | Path, capacity: float | None = None) -> CflpInstance:
    """Parse an OR-Library cap* file. `capacity` replaces the word 'capacity' in the capa/b/c files."""
    path = Path(path)
    tokens = path.read_text().split()
    pos = 0

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    m, n = int(take()), int(take())
    caps, fixed = np.empty(m), np.empty(m)
    for i in range(m):
        word = take()
        if word == "capacity":
            if capacity is None:
                raise ValueError(f"{path.name}: site capacities are the word 'capacity'; pass capacity=")
            caps[i] = capacity
        else:
            caps[i] = float(word)
        fixed[i] = float(take())
    dem, cost = np.empty(n), np.empty((m, n))
    for j in range(n):
        dem[j] = float(take())
        cost[:, j] = [float(take()) for _ in range(m)]
    return CflpInstance(path.stem, caps, fixed, dem, cost)


def cflp_tables(inst: CflpInstance) -> dict[str, pd.DataFrame | dict]:
    """Input tables (sheet name -> table, schema column names) of the planning case equal to the CFLP."""
    m, n = inst.cost.shape
    site_ids = [f"w{i + 1}" for i in range(m)]
    demand_ids = [f"c{j + 1}" for j in range(n)]
    sites = pd.DataFrame({
        "site_id": site_ids, "hub_id": "all", "name": site_ids, "lat": 0.0, "lon": 0.0,
        "max_it_mw": inst.capacity, "module_mw": inst.capacity, "fixed_cost_cny": inst.fixed_cost,
        "it_capex_cny_per_mw": 0.0, "grid_price_cny_per_mwh": 0.0, "grid_ef_tco2_per_mwh": 0.0,
    })
    demand = pd.DataFrame({"demand_id": demand_ids, "name": demand_ids, "lat": 0.0, "lon": 0.0,
                           "it_load_mw": inst.demand, "latency_cap_ms": 1.0})
    per_mw = inst.cost / inst.demand[None, :]
    network = pd.DataFrame({
        "demand_id": np.tile(demand_ids, m), "site_id": np.repeat(site_ids, n), "latency_ms": 0.0,
        "service_cost_cny_per_mw_yr": per_mw.ravel()})
    return {
        "Settings": {"case_name": inst.name, "discount_rate": 0.0, "site_lifetime_yr": 1.0, "mip_gap": 1e-9,
                     "time_limit_s": 3600.0},
        "Hubs": pd.DataFrame({"hub_id": ["all"], "name": ["all sites"], "region": ["east"], "pue_cap": [1.0]}),
        "Sites": sites,
        "Cooling": pd.DataFrame({"cooling_id": ["none"], "name": ["no cooling"], "pue_annual": [1.0],
                                 "capex_cny_per_mw_it": [0.0]}),
        "Demand": demand,
        "Network": network,
        "Technologies": pd.DataFrame({"tech_id": ["pv", "wind", "battery"], "capex_cny_per_kw": [0.0] * 3,
                                      "lifetime_yr": [1.0] * 3}),
        "Profiles": pd.DataFrame({"day": [1] * 24, "hour": list(range(24)), "weight_days": [365.0] * 24}),
    }


def cflp_case(path: str | Path, capacity: float | None = None) -> Case:
    """A validated planning case equal to the OR-Library instance at `path`."""
    from planner.input.validate import case_from_tables

    inst = read_cflp(path, capacity)
    return case_from_tables(cflp_tables(inst), source=str(path))


def read_optima(path: str | Path) -> dict[tuple[str, float | None], float]:
    """capopt.txt: (instance, capacity or None) -> published optimal value."""
    out: dict[tuple[str, float | None], float] = {}
    name = None
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if not parts or parts[0] == "Data" or not any(ch.isdigit() for ch in line):
            continue
        if parts[0].startswith("cap"):
            name, parts = parts[0], parts[1:]
        if name is None or not parts:
            continue
        try:
            value = float(parts[0])
        except ValueError:
            continue
        cap = float(parts[2].rstrip(")")) if len(parts) >= 3 and parts[1] == "(capacity" else None
        out[name, cap] = value
    return out
