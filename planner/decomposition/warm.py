"""Warm starts between site decompositions of the same built model (e.g. the points of a cost-carbon frontier).

A site proposal is a point of its site's own rows and bounds (`blocks`); it does not depend on the linking rows
(demand served, hub rules, the emission total and its cap) nor on the objective: the master recomputes its cost
and linking-row coefficients from the blocks it is added to. So the proposals of one decomposition are valid
columns of the next, as long as every site's own block is the same: `SitePool` keeps them under a key of the
sites' blocks (their rows, bounds, integrality and the Pyomo variable of every column) and drops them when the key
changes. It also keeps the last plan, handed to the next decomposition as its incumbent when it meets the new
model's rows (`plan_holds`): a frontier solved from the least-emissions end meets each looser cap.
"""

from __future__ import annotations

import hashlib

import numpy as np

from planner.decomposition.blocks import SiteBlocks, plan_holds

# proposals kept per site between solves (the latest): enough to start column generation near its end, few enough
# that the pool does not grow with every solve
KEPT_PER_SITE = 40


def block_key(b: SiteBlocks, columns: list) -> str:
    """A digest of every site's own rows and bounds, and of which Pyomo variable each column is: equal keys mean
    the proposals of one are site-feasible proposals of the other, in the same column order."""
    digest = hashlib.blake2b(digest_size=16)
    rows = np.concatenate([*b.site_rows, np.zeros(0, dtype=np.int64)])
    own = b.a_csr[rows]
    for part in (own.indptr, own.indices, own.data, b.row_lower[rows], b.row_upper[rows], b.col_lower, b.col_upper,
                 b.integrality, b.col_site, np.array([len(r) for r in b.site_rows], dtype=np.int64),
                 np.fromiter(map(id, columns), dtype=np.int64, count=len(columns))):
        digest.update(np.ascontiguousarray(part).tobytes())
    digest.update("\0".join(b.sites).encode())
    return digest.hexdigest()


class SitePool:
    """The site proposals and the plan of the last decomposition of one model, for the next one on it."""

    def __init__(self):
        self.key: str | None = None
        self.proposals: list[tuple[int, np.ndarray]] = []  # (site, its columns' values)
        self.plan: np.ndarray | None = None

    def bind(self, b: SiteBlocks, columns: list) -> None:
        """Start a decomposition of blocks `b` (`columns`: the Pyomo variable of each column): what was kept for
        other blocks is dropped."""
        key = block_key(b, columns)
        if key != self.key:
            self.key, self.proposals, self.plan = key, [], None

    def forget(self) -> None:
        """Drop what was kept: the next decomposition starts cold (it is still kept for the one after)."""
        self.proposals, self.plan = [], None

    @property
    def warm(self) -> bool:
        return bool(self.proposals) or self.plan is not None

    def incumbent(self, b: SiteBlocks) -> tuple[np.ndarray, float] | None:
        """The kept plan and its objective in `b`, if it meets every row, bound and integrality of `b`."""
        if self.plan is None or len(self.plan) != len(b.cost) or not plan_holds(b, self.plan):
            return None
        return self.plan, float(b.cost @ self.plan) + b.offset

    def keep(self, proposals: list[tuple[int, np.ndarray]], retired: set[int] = frozenset()) -> None:
        """A decomposition's proposals (positions in `retired` left out), the latest KEPT_PER_SITE of each site."""
        by_site: dict[int, list[np.ndarray]] = {}
        for k, (i, x) in enumerate(proposals):
            if k not in retired:
                by_site.setdefault(i, []).append(x)
        self.proposals = [(i, x) for i, xs in sorted(by_site.items()) for x in xs[-KEPT_PER_SITE:]]

    def keep_plan(self, plan: np.ndarray | None) -> None:
        self.plan = None if plan is None else np.array(plan, dtype=float)
