"""The compiled model cut into sites: which column and row belongs to which site, and which rows link sites.

A column's site is where `roles.csv` says its variable's index holds it (`roles.site_position`); a global column
(emissions, violations) belongs to no site. A row belongs to the site all its columns belong to; every other row
links sites, or holds a global column.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.gc_manager import PauseGC

from planner.decomposition.tuning import PLAN_TOL, VALUE_TOL
from planner.model import roles
from planner.model.build import build_model
from planner.model.data import ModelData
from planner.pyomo_fast.elements import elements
from planner.solver.matrix import HighsMatrix, compile_to_highs


@dataclass
class SiteBlocks:
    """Which column and row of the HiGHS model belongs to which site (-1: global / linking)."""

    sites: list[str]
    col_site: np.ndarray
    site_cols: list[np.ndarray]
    site_rows: list[np.ndarray]
    linking_rows: np.ndarray  # rows that are not one site's own: they link sites or hold global columns
    a_csc: sp.csc_matrix
    a_csr: sp.csr_matrix
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integrality: np.ndarray
    open_col: np.ndarray
    modules_col: np.ndarray
    cool_cols: list[dict[str, int]]  # per site: cooling -> column
    it_cols: list[dict[str, int]]  # per site: cooling -> column of it_mw
    cool_by_pue: list[list[str]]  # per site: allowed cooling, lowest annual PUE first
    offset: float = 0.0  # objective constant


def row_owner(a_csr: sp.csr_matrix, col_site: np.ndarray) -> np.ndarray:
    """Each row's site: the one all its columns belong to; -1 for a row that links sites, holds a global column
    (col_site -1) or is empty."""
    n_rows = a_csr.shape[0]
    row_of_nz = np.repeat(np.arange(n_rows), np.diff(a_csr.indptr))
    owner = col_site[a_csr.indices]
    lo = np.full(n_rows, np.iinfo(np.int64).max)
    hi = np.full(n_rows, np.iinfo(np.int64).min)
    np.minimum.at(lo, row_of_nz, owner)
    np.maximum.at(hi, row_of_nz, owner)
    return np.where((lo == hi) & (lo >= 0), lo, -1)


def site_blocks(m: pyo.ConcreteModel, d: ModelData, mat: HighsMatrix) -> SiteBlocks:
    """Partition the compiled model's columns and rows by site."""
    arrays, col = mat.compiled, mat.column
    n = arrays.a.shape[1]
    site_no = {s: i for i, s in enumerate(d.sites)}
    col_site = np.full(n, -1, dtype=np.int64)
    for var in m.component_objects(pyo.Var, active=True):
        pos = roles.site_position(var.local_name)
        if pos is None:  # a global variable
            continue
        of_var = elements(var)
        if not of_var:
            continue
        js = np.array(list(map(mat.index.get, map(id, of_var.values()))), dtype=float)  # nan: in no row
        names = map(itemgetter(pos), of_var) if next(iter(of_var)).__class__ is tuple else iter(of_var)
        owner = np.fromiter(map(site_no.__getitem__, names), dtype=np.int64, count=len(of_var))
        kept = ~np.isnan(js)  # a variable in no row has no column (the matrix hand-off leaves it out)
        col_site[js[kept].astype(np.int64)] = owner[kept]
    a_csc = arrays.a
    a_csr = a_csc.tocsr()
    row_site = row_owner(a_csr, col_site)
    linking = np.flatnonzero((row_site == -1) & (np.diff(a_csr.indptr) > 0))  # incl. rows of global columns
    by_site_cols = [np.flatnonzero(col_site == i) for i in range(len(d.sites))]
    by_site_rows = [np.flatnonzero(row_site == i) for i in range(len(d.sites))]
    cool_cols = [{} for _ in d.sites]
    it_cols = [{} for _ in d.sites]
    for s, k in d.site_tech:
        cool_cols[site_no[s]][k] = col(m.cool[s, k])
        it_cols[site_no[s]][k] = col(m.it_mw[s, k])
    return SiteBlocks(
        sites=list(d.sites), col_site=col_site, site_cols=by_site_cols, site_rows=by_site_rows,
        linking_rows=linking, a_csc=a_csc, a_csr=a_csr, cost=arrays.cost, col_lower=arrays.col_lower,
        col_upper=arrays.col_upper, row_lower=arrays.row_lower, row_upper=arrays.row_upper,
        integrality=arrays.integer.astype(np.int64),
        open_col=np.array([col(m.open[s]) for s in d.sites]),
        modules_col=np.array([col(m.modules[s]) for s in d.sites]),
        cool_cols=cool_cols, it_cols=it_cols, offset=arrays.offset,
        cool_by_pue=[sorted(cool_cols[site_no[s]], key=lambda k, s=s: float(d.pue[s, k].mean())) for s in d.sites])


def built_blocks(d: ModelData) -> tuple[pyo.ConcreteModel, HighsMatrix, SiteBlocks]:
    """The model of `d` (design days, average days, some sites' year), compiled for HiGHS and partitioned by site."""
    m = build_model(d)
    mat = compile_to_highs(m)
    with PauseGC():
        return m, mat, site_blocks(m, d, mat)


def plan_holds(b: SiteBlocks, x: np.ndarray, tol: float = PLAN_TOL) -> bool:
    """Whether column values x meet every row, bound and integrality of the full model (relative tolerance):
    the check before a plan assembled from the master's proposals is returned without HiGHS."""
    activity = b.a_csr @ x
    slack = tol * (1.0 + np.abs(activity))
    whole = b.integrality != 0
    return bool(np.all(activity >= b.row_lower - slack) and np.all(activity <= b.row_upper + slack)
                and np.all(x >= b.col_lower - tol * (1.0 + np.abs(x)))
                and np.all(x <= b.col_upper + tol * (1.0 + np.abs(x)))
                and np.all(np.abs(x[whole] - np.round(x[whole])) <= tol))


def closable(b: SiteBlocks, i: int) -> bool:
    """Whether site i's own rows and bounds admit all zeros, the "closed" proposal the master implies. They do
    not for a must-open site, or one that is the only site within reach of some demand (that demand's
    'served' row is then the site's own row)."""
    rows, cols = b.site_rows[i], b.site_cols[i]
    return bool(np.all(b.row_lower[rows] <= VALUE_TOL) and np.all(b.row_upper[rows] >= -VALUE_TOL)
                and np.all(b.col_lower[cols] <= VALUE_TOL) and np.all(b.col_upper[cols] >= -VALUE_TOL))


def column_position(b: SiteBlocks, i: int, col: int) -> int:
    """Position of a full-model column within site i's columns."""
    return int(np.searchsorted(b.site_cols[i], col))


def linking_duals(b: SiteBlocks, rows, source: SiteBlocks, source_rows, source_duals: np.ndarray | None
                  ) -> np.ndarray:
    """Duals of another model's linking rows (`source`: e.g. the design days'), carried over to the linking rows of
    `b` of the same constraint (both are annual quantities in the same units); 0 where there is none. `rows`,
    `source_rows`: the models' rows ((constraint, index) per row, as `HighsMatrix.rows`)."""
    y = np.zeros(len(b.linking_rows))
    if source_duals is None:
        return y
    by_row = {(source_rows[r][0].name, source_rows[r][1]): k for k, r in enumerate(source.linking_rows)}
    for k, r in enumerate(b.linking_rows):
        j = by_row.get((rows[r][0].name, rows[r][1]))
        if j is not None:
            y[k] = source_duals[j]
    return y
