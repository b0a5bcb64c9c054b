"""The window of flexible load: within which hours each moved MWh must still be served.

Each flexible load group has a window class (`window_class`): the day (default), or a rolling window of W hours
(Demand.flexible_window_h). The moved load of a (site, cooling) pair is kept apart per class, `flex_in_mw[s,k,c,t]`
and `flex_out_mw[s,k,c,t]` (`planner.model.flexible_load`), and each class's energy is kept as follows:

- the day (and any class on representative or design days, where each day stands alone): `flex_day_energy`,
  sum_{t in day} (in - out)[s,k,c,t] == 0 for every day;
- a rolling window on the 8760 chronological hours of a full year: with the cumulative moved energies
  I[t] = sum_{tau <= t} in[tau] and O[t] = sum_{tau <= t} out[tau] (`flex_cum_in_mwh`, `flex_cum_out_mwh`,
  defined by `flex_cumulative_in`, `flex_cumulative_out`), every MWh moved out of hour tau is served by tau + W,
  I[t] >= O[t - W] (`flex_window_deadline`), every MWh served early was due within W hours, O[t] >= I[t - W]
  (`flex_window_advance`), and the year's moved energy is kept, I[T-1] == O[T-1] (`flex_window_energy`; the year
  does not wrap). Two terms a row: no window sums, no big-M. These rows are exactly the schedules in which each
  moved MWh can be matched to a served MWh at most W hours away (models/formulation.md);
- a rolling window on average days of a full year (the bound's relaxation): the days are not consecutive, so only
  the year's energy is kept, sum_t w_t (in - out)[s,k,c,t] == 0 (`flex_year_energy`), which every plan of the
  year meets: the relaxation stays a relaxation.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.model.data import ModelData
from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.rows import add_rows

HOURS_PER_DAY = 24
DAY = "day"


def window_class(d: ModelData, p: str) -> str:
    """'day', or '<W>h' for a group with a rolling window of W hours."""
    return DAY if p not in d.flex_window_h else f"{d.flex_window_h[p]:g}h"


def window_steps(d: ModelData, c: str) -> int:
    """The rolling window of class c in time steps (hours of a full year)."""
    return max(1, int(round(float(c[:-1]))))


def mode(d: ModelData, c: str) -> str:
    """How class c's energy is kept in `d`: 'day', 'rolling' (a full year's hours) or 'year' (its average days)."""
    if c == DAY or not d.case.is_full_year:
        return DAY
    return "year" if d.soc_day_shift else "rolling"


def define_windows(m: pyo.ConcreteModel, d: ModelData) -> None:
    """The energy rows of each (site, cooling, class) triple of m.SKF, by its `mode`."""
    into, out = elements(m.flex_in_mw), elements(m.flex_out_mw)
    triples = list(m.SKF)
    by_mode = {x: [(s, k, c) for s, k, c in triples if mode(d, c) == x] for x in (DAY, "rolling", "year")}
    m.FD = pyo.Set(initialize=range(d.n_t // HOURS_PER_DAY), ordered=True, doc="days of flexible load")
    m.SKD = pyo.Set(initialize=by_mode[DAY], dimen=3, ordered=True, doc="flexible triples kept per day")

    def day_energy(s, k, c, day):
        hours = range(day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY)
        return [1.0, -1.0] * HOURS_PER_DAY, [x for t in hours for x in (into[s, k, c, t], out[s, k, c, t])]

    add_rows(m, "flex_day_energy", (m.SKD, m.FD), day_energy, equality=True)
    m.SKY = pyo.Set(initialize=by_mode["year"], dimen=3, ordered=True, doc="rolling windows on average days")
    add_rows(m, "flex_year_energy", (m.SKY,), lambda s, k, c: (
        [x for w in d.weights(s).tolist() for x in (w, -w)],
        [x for t in range(d.n_t) for x in (into[s, k, c, t], out[s, k, c, t])]), equality=True)
    _rolling(m, d, by_mode["rolling"])  # the families exist (empty) in every model, as the others do


def _rolling(m: pyo.ConcreteModel, d: ModelData, triples: list[tuple[str, str, str]]) -> None:
    """The cumulative moved energies and the deadline rows of the rolling windows (the module's text)."""
    into, out = elements(m.flex_in_mw), elements(m.flex_out_mw)
    m.SKR = pyo.Set(initialize=triples, dimen=3, ordered=True, doc="flexible triples with a rolling window")
    m.flex_cum_in_mwh = pyo.Var(m.SKR, m.T, domain=pyo.NonNegativeReals, doc="IT energy moved in up to hour t")
    m.flex_cum_out_mwh = pyo.Var(m.SKR, m.T, domain=pyo.NonNegativeReals, doc="IT energy moved out up to hour t")
    cin, cout = elements(m.flex_cum_in_mwh), elements(m.flex_cum_out_mwh)

    def cumulative(cum, step):
        def row(s, k, c, t):
            if t == 0:
                return [1.0, -1.0], [cum[s, k, c, 0], step[s, k, c, 0]]
            return [1.0, -1.0, -1.0], [cum[s, k, c, t], cum[s, k, c, t - 1], step[s, k, c, t]]
        return row

    add_rows(m, "flex_cumulative_in", (m.SKR, m.T), cumulative(cin, into), equality=True)
    add_rows(m, "flex_cumulative_out", (m.SKR, m.T), cumulative(cout, out), equality=True)
    late = [(s, k, c, t) for s, k, c in triples for t in range(window_steps(d, c), d.n_t)]
    m.FRW = pyo.Set(initialize=late, dimen=4, ordered=True, doc="hours at least a window after the first")

    def gap(s, k, c, t):
        return t - window_steps(d, c)

    add_rows(m, "flex_window_deadline", (m.FRW,), lambda s, k, c, t: (
        [1.0, -1.0], [cout[s, k, c, gap(s, k, c, t)], cin[s, k, c, t]]), equality=False)
    add_rows(m, "flex_window_advance", (m.FRW,), lambda s, k, c, t: (
        [1.0, -1.0], [cin[s, k, c, gap(s, k, c, t)], cout[s, k, c, t]]), equality=False)
    last = d.n_t - 1
    add_rows(m, "flex_window_energy", (m.SKR,), lambda s, k, c: (
        [1.0, -1.0], [cin[s, k, c, last], cout[s, k, c, last]]), equality=True)
