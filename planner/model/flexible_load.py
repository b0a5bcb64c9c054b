"""Flexible compute load (算电协同, 荷侧优化): the part of a demand's IT energy that may move in time within a day.

Demands with a flexible share phi > 0 form load groups of their own (`planner.model.data.flexible_group`), so
every group p has one share phi_p, and one window class c (`planner.model.flexible_window`: the day, or a rolling
window of W hours). Per (site, cooling, class) triple with a flexible group, two non-negative columns per time
step, `flex_in_mw[s,k,c,t]` and `flex_out_mw[s,k,c,t]`: IT load moved into and out of hour t. Sparse row
families, no big-M:

- `flex_within_flexible`: load moved out of an hour is at most the flexible part of the class's load there,
  out[s,k,c,t] <= sum_{p of class c} phi_p u_p(t) it_load_mw[s,k,p];
- `flex_within_capacity`: the served load stays within the IT capacity serving it,
  sum_p u_p(t) it_load_mw[s,k,p] + sum_c (in - out)[s,k,c,t] <= it_mw[s,k];
- the energy of each window is kept (`planner.model.flexible_window`): per day, sum_{t in day} (in - out) == 0
  (`flex_day_energy`: a representative day, an average day, or a calendar day of a full year), or each moved
  MWh served within W hours on a full year's hours.

The facility load follows the hour's PUE: the energy balance gains -PUE[s,k,t] x (in - out)[s,k,c,t]
(`balance_terms`), the annual facility energy sum_t w_t PUE[s,k,t] (in - out)[s,k,c,t] (`facility_energy`). Annual
IT energy is unchanged: every hour of a day stands for the same number of hours of the year. Each MWh moved costs
Settings.flexible_move_cost_cny_per_mwh (the `flexible_moves` cost component; small by default), so a plan moves
only load whose move pays: without it, moves between hours of equal price and PUE would be free and arbitrary.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from planner.model.data import ModelData
from planner.model.flexible_window import define_windows, window_class
from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.rows import add_rows, weighted_sum


def flexible_pairs(d: ModelData) -> list[tuple[str, str]]:
    """(site, cooling) pairs that may serve a flexible load group (one whose racks the cooling can cool)."""
    return [(s, k) for s, k in d.site_tech if any(d.flex_share.get(p, 0.0) > 0 for p in d.groups_of(s, k))]


def flexible_triples(d: ModelData) -> list[tuple[str, str, str]]:
    """(site, cooling, window class) of each flexible pair and each class of the flexible groups it may serve."""
    return [(s, k, c) for s, k in flexible_pairs(d)
            for c in sorted({window_class(d, p) for p in d.groups_of(s, k) if d.flex_share.get(p, 0.0) > 0})]


def utilisation(d: ModelData, s: str, p: str) -> np.ndarray:
    """u_p(t) as seen at site s (averaged over the site's own groups of days in aggregated days)."""
    return d.utilisation[p] if d.flex_utilisation is None else d.flex_utilisation[s, p]


def define_flexible_load(m: pyo.ConcreteModel, d: ModelData) -> None:
    """flex_in_mw, flex_out_mw on the flexible (site, cooling, class) triples; the row families above."""
    pairs, triples = flexible_pairs(d), flexible_triples(d)
    m.SKFP = pyo.Set(initialize=pairs, dimen=2, ordered=True, doc="(site, cooling) pairs serving a flexible load")
    m.SKF = pyo.Set(initialize=triples, dimen=3, ordered=True, doc="(site, cooling, window class) of flexible load")
    m.flex_in_mw = pyo.Var(m.SKF, m.T, domain=pyo.NonNegativeReals, doc="IT load moved into hour t (MW)")
    m.flex_out_mw = pyo.Var(m.SKF, m.T, domain=pyo.NonNegativeReals, doc="IT load moved out of hour t (MW)")
    into, out, load, cap = elements(m.flex_in_mw), elements(m.flex_out_mw), elements(m.it_load_mw), elements(m.it_mw)
    groups = {(s, k): d.groups_of(s, k) for s, k in pairs}  # the load groups it_load_mw[s, k, p] exists for
    classes = {(s, k): [c for s2, k2, c in triples if (s2, k2) == (s, k)] for s, k in pairs}
    u = {(s, p): utilisation(d, s, p).tolist() for (s, k) in pairs for p in groups[s, k]}

    def within_flexible(s, k, c, t):
        flex = [p for p in groups[s, k] if d.flex_share.get(p, 0.0) > 0 and window_class(d, p) == c]
        return ([1.0, *(-d.flex_share[p] * u[s, p][t] for p in flex)],
                [out[s, k, c, t], *(load[s, k, p] for p in flex)])

    def within_capacity(s, k, t):
        moved = [x for c in classes[s, k] for x in (into[s, k, c, t], out[s, k, c, t])]
        return ([*([1.0, -1.0] * len(classes[s, k])), -1.0, *(u[s, p][t] for p in groups[s, k])],
                [*moved, cap[s, k], *(load[s, k, p] for p in groups[s, k])])

    add_rows(m, "flex_within_flexible", (m.SKF, m.T), within_flexible, equality=False)
    add_rows(m, "flex_within_capacity", (m.SKFP, m.T), within_capacity, equality=False)
    define_windows(m, d)
    # what moving saved: the moved facility energy at each hour's grid price, sign turned (CNY/yr; a result only)
    m.flexible_saving_cny = pyo.Expression(expr=_net_moved(m, d, triples, lambda s, k: -d.weights(s) * d.price[s]
                                                           * d.pue[s, k]) if triples else 0.0)


def _net_moved(m: pyo.ConcreteModel, d: ModelData, triples, coef):
    """sum over `triples` and t of coef(s, k)[t] x (flex_in_mw - flex_out_mw)[s, k, c, t]."""
    into, out = elements(m.flex_in_mw), elements(m.flex_out_mw)
    cs = [x for s, k, _ in triples for x in coef(s, k).tolist()]
    return weighted_sum(cs + [-x for x in cs], [into[s, k, c, t] for s, k, c in triples for t in range(d.n_t)]
                        + [out[s, k, c, t] for s, k, c in triples for t in range(d.n_t)])


def balance_terms(m: pyo.ConcreteModel, d: ModelData) -> dict[str, tuple[list[list[float]], list[list]]]:
    """Per site with flexible load, per time step, the energy balance's extra (coefficients, columns):
    -PUE[s,k,t] x (flex_in_mw - flex_out_mw)[s,k,c,t]."""
    into, out = elements(m.flex_in_mw), elements(m.flex_out_mw)
    result: dict[str, tuple[list, list]] = {}
    for s, k, c in m.SKF:
        coefs, cols = result.setdefault(s, ([[] for _ in range(d.n_t)], [[] for _ in range(d.n_t)]))
        for t, pue in enumerate(d.pue[s, k].tolist()):
            coefs[t] += (-pue, pue)
            cols[t] += (into[s, k, c, t], out[s, k, c, t])
    return result


def facility_energy(m: pyo.ConcreteModel, d: ModelData, s: str):
    """The annual facility energy of the load moved at site s: sum_k,c sum_t w_t PUE[s,k,t] (in - out)[s,k,c,t]."""
    triples = [(site, k, c) for site, k, c in m.SKF if site == s]
    return _net_moved(m, d, triples, lambda s, k: d.weights(s) * d.pue[s, k]) if triples else 0.0


def cost_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, dict[str, object]]:
    """The `flexible_moves` cost component's site parts: Settings.flexible_move_cost_cny_per_mwh x the IT energy
    moved, sum_k,c sum_t w_t flex_in_mw[s,k,c,t] (CNY/yr)."""
    price = float(d.case.settings.flexible_move_cost_cny_per_mwh)
    into = elements(m.flex_in_mw)
    parts: dict[str, list] = {}
    for s, k, c in m.SKF:
        parts.setdefault(s, []).extend(zip((price * d.weights(s)).tolist(), (into[s, k, c, t] for t in range(d.n_t))))
    return {"flexible_moves": {s: weighted_sum(*zip(*terms)) for s, terms in parts.items() if price != 0}}
