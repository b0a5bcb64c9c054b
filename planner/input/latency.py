"""Demand-site latency and service cost, and the allowed (latency-feasible) pairs.

A pair's latency comes from, in order: the Network sheet; the Links graph (networkx shortest path, when
both ends are in one connected component); the great-circle proxy
    latency_ms = great-circle km x latency_route_factor x latency_ms_per_km.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from planner.input.case import Case
from openpyxl.utils import get_column_letter

from planner.input.schema import DEMAND, FIRST_DATA_ROW, Problem

EARTH_RADIUS_KM = 6371.0088
LATENCY_TOL_MS = 1e-9


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km; broadcasts over numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _graph_latencies(case: Case, demand_ids, site_ids) -> dict[tuple[str, str], float]:
    if case.links.empty:
        return {}
    graph = nx.Graph()
    for a, b, ms in case.links[["node_a", "node_b", "latency_ms"]].itertuples(index=False):
        if graph.has_edge(a, b):
            ms = min(ms, graph[a][b]["latency_ms"])
        graph.add_edge(a, b, latency_ms=float(ms))
    sites = set(site_ids)
    out: dict[tuple[str, str], float] = {}
    for d in demand_ids:
        if d not in graph:
            continue
        dist = nx.single_source_dijkstra_path_length(graph, d, weight="latency_ms")
        out.update({(d, s): float(ms) for s, ms in dist.items() if s in sites})
    return out


def pair_table(case: Case) -> pd.DataFrame:
    """Every demand x site pair: latency_ms, latency_source, service_cost_cny_per_mw_yr, allowed.

    Index (demand_id, site_id). `allowed` = latency within the demand's cap.
    """
    dem, sites, st = case.demand, case.sites, case.settings
    d_ids, s_ids = dem.index.to_numpy(), sites.index.to_numpy()
    km = great_circle_km(dem["lat"].to_numpy()[:, None], dem["lon"].to_numpy()[:, None],
                         sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :])
    proxy = km * st.latency_route_factor * st.latency_ms_per_km
    idx = pd.MultiIndex.from_product([d_ids, s_ids], names=["demand_id", "site_id"])
    table = pd.DataFrame({"distance_km": km.ravel(), "latency_ms": proxy.ravel(), "latency_source": "proxy",
                          "service_cost_cny_per_mw_yr": np.nan}, index=idx)

    graph = _graph_latencies(case, d_ids, s_ids)
    if graph:
        keys = pd.MultiIndex.from_tuples(list(graph), names=idx.names)
        table.loc[keys, "latency_ms"] = list(graph.values())
        table.loc[keys, "latency_source"] = "links"

    if not case.network.empty:
        net = case.network
        table.loc[net.index, "latency_ms"] = net["latency_ms"].to_numpy(dtype=float)
        table.loc[net.index, "latency_source"] = "network"
        table.loc[net.index, "service_cost_cny_per_mw_yr"] = net["service_cost_cny_per_mw_yr"].to_numpy(
            dtype=float)

    default_cost = table["latency_ms"] * st.service_cost_cny_per_mw_ms_yr
    table["service_cost_cny_per_mw_yr"] = table["service_cost_cny_per_mw_yr"].fillna(default_cost)
    cap = dem["latency_cap_ms"].reindex(table.index.get_level_values("demand_id")).to_numpy()
    table["latency_cap_ms"] = cap
    table["allowed"] = table["latency_ms"].to_numpy() <= cap + LATENCY_TOL_MS
    return table


def allowed_pairs(case: Case) -> pd.DataFrame:
    """The sparse set of demand-site pairs the model may use (latency within the demand's cap)."""
    table = pair_table(case)
    return table[table["allowed"]]


def unreachable_demands(case: Case) -> list[Problem]:
    """An input error for each demand with no candidate site inside its latency cap."""
    table = pair_table(case)
    problems = []
    col = get_column_letter(DEMAND.column_names.index("latency_cap_ms") + 1)
    for d, group in table.groupby(level="demand_id", sort=False):
        if group["allowed"].any():
            continue
        nearest = group["latency_ms"].idxmin()[1]
        ms = float(group["latency_ms"].min())
        cap = float(case.demand.at[d, "latency_cap_ms"])
        row = case.demand.index.get_loc(d) + FIRST_DATA_ROW
        problems.append(Problem(
            "error", "Demand", f"{col}{row}",
            f"demand {d!r} has no candidate site within its latency cap of {cap:g} ms; the nearest is site "
            f"{nearest!r} at {ms:.1f} ms ({group.loc[(d, nearest), 'latency_source']})",
            f"raise latency_cap_ms to at least {np.ceil(ms * 10) / 10:g} ms, add a site closer to the demand, "
            f"or give a lower latency for the pair in the Network or Links sheet",
        ))
    return problems
