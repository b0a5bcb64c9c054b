"""What makes up each hub's green share, as named model expressions (MWh/yr), so results read them:

- `hub_green_selfuse_mwh[h]`: direct-connected PV and wind used on site, sum_{s in h, SR} selfuse_mwh[s];
- `hub_green_grid_mwh[h]`: green power in the grid mix, sum_{s in h} g_s import_mwh[s];
- `hub_green_certificate_mwh[h]`, `hub_green_contract_mwh[h]`: green certificates and green-power contracts
  bought by the hub's sites (`planner.model.green_trade`);
- `hub_consumption_mwh[h]`: the hub's consumption, sum_{s in h} (selfuse_mwh[s] + import_mwh[s]).

The hub's green share is (the four parts) / consumption: the quantity `hub_green_share` holds at least at the
hub's minimum.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.model.data import ModelData

PARTS = ("selfuse", "grid", "certificate", "contract")  # the parts, in the order the results show them


def part_expression(part: str) -> str:
    """The name of the model expression of a part: hub_green_<part>_mwh."""
    return f"hub_green_{part}_mwh"


def define_green_share_parts(m: pyo.ConcreteModel, d: ModelData) -> None:
    """The expressions above, one per hub in m.H."""
    green = d.case.sites["grid_green_share"].astype(float).to_dict()
    members = {h: [s for s in d.sites if d.site_hub[s] == h] for h in d.hubs}

    def total(terms) -> object:
        terms = list(terms)
        return sum(terms) if terms else 0.0

    def of(var, h):
        return total(var[s] for s in members[h] if s in var)

    m.hub_green_selfuse_mwh = pyo.Expression(m.H, rule=lambda m, h: of(m.selfuse_mwh, h),
                                             doc="hub's self-used direct-connected renewables (MWh/yr)")
    m.hub_green_grid_mwh = pyo.Expression(m.H, rule=lambda m, h: total(
        green[s] * m.import_mwh[s] for s in members[h] if green[s] != 0), doc="hub's green grid power (MWh/yr)")
    m.hub_green_certificate_mwh = pyo.Expression(m.H, rule=lambda m, h: of(m.certificate_mwh, h),
                                                 doc="hub's green certificates (MWh/yr)")
    m.hub_green_contract_mwh = pyo.Expression(m.H, rule=lambda m, h: of(m.contract_mwh, h),
                                              doc="hub's green-power contracts (MWh/yr)")
    m.hub_consumption_mwh = pyo.Expression(m.H, rule=lambda m, h: of(m.selfuse_mwh, h) + of(m.import_mwh, h),
                                           doc="hub's consumption: self-use + grid import (MWh/yr)")
