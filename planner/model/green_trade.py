"""Green certificates (绿证) and green-power contracts (绿电交易): green energy a site buys instead of building.

Per site whose hub (or, where the hub row gives none, the site itself) has a certificate price or a contract
premium, an annual column each: `certificate_mwh[s]`, `contract_mwh[s]` (MWh/yr). Both are attributes of grid
energy the site imports, so together with the grid's own green share they cover at most its import
(`green_purchase_within_import`); both count toward the hub's minimum green share (`purchased_mwh`, added to
`hub_green_share`), never toward the direct-connection self-use rules (those are physical). Optional hub caps
(`hub_certificate_cap`, `hub_contract_cap`) are linking rows. Their costs are the `certificates` and
`green_contracts` components (`cost_parts`); under `market` emission accounting contracted MWh (and certificates,
if `certificates_zero_emission`) carry no emissions (`market_credit_tco2`).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from planner.model.data import ModelData
from planner.model.green_share import define_green_share_parts


def prices(d: ModelData, column: str) -> dict[str, float]:
    """site -> the hub's price in `column`, or the site's where the hub row gives none; sites with neither left out."""
    hubs, sites = d.case.hubs, d.case.sites
    out = {}
    for s in d.sites:
        value = float(hubs.at[d.site_hub[s], column]) if column in hubs else np.nan
        if np.isnan(value) and column in sites:
            value = float(sites.at[s, column])
        if not np.isnan(value):
            out[s] = value
    return out


def define_green_trade(m: pyo.ConcreteModel, d: ModelData) -> None:
    """certificate_mwh, contract_mwh; purchases within the import; the hubs' optional caps."""
    cert, contract = prices(d, "certificate_price_cny_per_mwh"), prices(d, "contract_premium_cny_per_mwh")
    m.SGC = pyo.Set(initialize=list(cert), ordered=True, doc="sites that may buy green certificates")
    m.SGP = pyo.Set(initialize=list(contract), ordered=True, doc="sites that may sign green-power contracts")
    m.certificate_mwh = pyo.Var(m.SGC, domain=pyo.NonNegativeReals, doc="green certificates bought (MWh/yr)")
    m.contract_mwh = pyo.Var(m.SGP, domain=pyo.NonNegativeReals, doc="green-power contracts (MWh/yr)")
    green = d.case.sites["grid_green_share"].astype(float).to_dict()
    buyers = [s for s in d.sites if s in cert or s in contract]
    m.green_purchase_within_import = pyo.Constraint(buyers, rule=lambda m, s: (
        purchased_mwh(m, [s]) <= (1.0 - green[s]) * m.import_mwh[s]))

    def cap(column: str, var: pyo.Var):
        def rule(m, h):
            limit = float(d.case.hubs.at[h, column]) if column in d.case.hubs else np.nan
            members = [s for s in d.sites if d.site_hub[s] == h and s in var]
            return pyo.Constraint.Skip if np.isnan(limit) or not members else sum(var[s] for s in members) <= limit
        return rule

    m.hub_certificate_cap = pyo.Constraint(m.H, rule=cap("max_certificate_mwh_per_yr", m.certificate_mwh))
    m.hub_contract_cap = pyo.Constraint(m.H, rule=cap("max_contract_mwh_per_yr", m.contract_mwh))
    define_green_share_parts(m, d)  # what makes up each hub's green share (`planner.model.green_share`)


def purchased_mwh(m: pyo.ConcreteModel, sites) -> object:
    """Certificates plus contracts of `sites` (MWh/yr): what they add to a green share."""
    return sum([m.certificate_mwh[s] for s in sites if s in m.certificate_mwh]
               + [m.contract_mwh[s] for s in sites if s in m.contract_mwh])


def cost_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, dict[str, object]]:
    """The cost components' site parts: price x certificates, premium x contracts (CNY/yr)."""
    cert, contract = prices(d, "certificate_price_cny_per_mwh"), prices(d, "contract_premium_cny_per_mwh")
    return {"certificates": {s: cert[s] * m.certificate_mwh[s] for s in m.SGC if cert[s] != 0},
            "green_contracts": {s: contract[s] * m.contract_mwh[s] for s in m.SGP if contract[s] != 0}}


def mean_ef(d: ModelData, s: str) -> float:
    """The site's hour-weighted mean grid emission factor (tCO2/MWh): what a purchased MWh displaces."""
    w = d.weights(s)
    return float(w @ d.ef[s] / w.sum())


def market_credit_tco2(m: pyo.ConcreteModel, d: ModelData, s: str) -> object:
    """Under `market` accounting, the emissions that site s's contracts (and certificates, if they count) take off
    its grid emissions: mean grid factor x MWh; 0 under `location` accounting."""
    st = d.case.settings
    if st.emission_accounting != "market":
        return 0.0
    mwh = [m.contract_mwh[s]] if s in m.contract_mwh else []
    if st.certificates_zero_emission and s in m.certificate_mwh:
        mwh.append(m.certificate_mwh[s])
    return -mean_ef(d, s) * sum(mwh) if mwh else 0.0
