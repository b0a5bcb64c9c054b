"""What makes up each hub's green share, read from the model's expressions (`planner.model.green_share`) into the
columns the result schema declares (`planner.results.schema_green`): the Policy sheet's hub_green_share rows and
the Hubs sheet."""

from __future__ import annotations

import math

import pandas as pd
import pyomo.environ as pyo

from planner.model.data import ModelData
from planner.model.green_share import PARTS, part_expression
from planner.model.policies import ratio
from planner.pyomo_fast.evaluate import value_of
from planner.results.schema_green import part_mwh, part_share

POLICY = "hub_green_share"


def hub_green_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, dict[str, float]]:
    """hub -> {green_<part>_mwh, green_<part>_share} of a model with loaded values."""
    out = {}
    for h in d.hubs:
        consumption = value_of(m.hub_consumption_mwh[h])
        row: dict[str, float] = {}
        for p in PARTS:
            mwh = value_of(getattr(m, part_expression(p))[h])
            row[part_mwh(p)], row[part_share(p)] = mwh, ratio(mwh, consumption)
        out[h] = row
    return out


def with_policy_parts(policy: pd.DataFrame, parts: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The Policy table with each hub_green_share row's parts filled in (the other rows blank)."""
    policy = policy.copy()
    rows = policy["policy"] == POLICY
    for name in next(iter(parts.values()), {}):
        policy.loc[rows, name] = [parts[h][name] for h in policy.loc[rows, "scope"]]
    return policy


def with_hub_parts(hubs: pd.DataFrame, parts: dict[str, dict[str, float]], policy: pd.DataFrame,
                   d: ModelData) -> pd.DataFrame:
    """The Hubs table with each hub's minimum green share, its status (from the Policy table) and its parts; its
    green share is the parts' sum."""
    hubs = hubs.copy()
    minimum = d.case.hubs["min_green_share"].astype(float) if "min_green_share" in d.case.hubs else None
    met = dict(zip(policy.loc[policy["policy"] == POLICY, "scope"], policy.loc[policy["policy"] == POLICY,
                                                                              "satisfied"]))
    ids = hubs["hub_id"].tolist()
    hubs["min_green_share"] = [float(minimum[h]) if minimum is not None else math.nan for h in ids]
    hubs["green_share_met"] = [bool(met.get(h, True)) for h in ids]
    for name in next(iter(parts.values()), {}):
        hubs[name] = [parts[h][name] for h in ids]
    hubs["green_share"] = [sum(parts[h][part_share(p)] for p in PARTS) for h in ids]
    return hubs
