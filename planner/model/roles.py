"""The role of every variable and constraint family of the planning MILP, declared once in `roles.csv`.

Whatever treats families differently reads them from here: the site decomposition (which index position holds
the site, which columns are global, which rows link sites), the full-year path (what a design fixes, in which
order the year frees capacities, which side of a year cut a column is on, which site rules the year may
break), and the infeasibility diagnosis (which rows are relaxable and the natural size of their violation).
`tests/model/test_roles.py` fails when a built model holds a family without a declared role, so a family
added later cannot be forgotten by any of them.

Columns of `roles.csv`:
  kind             variable | constraint
  name             the Pyomo component's name in `planner.model.build` (and `models/formulation.md`)
  stage            design (capacity-level, decided once) | operation (hourly or annual dispatch) | diagnosis
  scope            site (each element belongs to one site) | linking (a row coupling sites or holding a global
                   column) | global (a column of no site)
  site_position    variables: the position of the site in the element's index
  cut_side         variables: design (fixed by a design, the year cuts' x) or operation (the year's own y)
  year_fixed       variables: at which of the full year's fixing levels the design keeps the family fixed:
                   all (every level), pv_wind (all but the last), battery (only the first), blank (never)
  relaxable        constraints: yes when the elastic (diagnosis) model gives it a violation variable
  violation_scale  relaxable constraints: the natural size of a violation (`violation_scale`)
  year_elastic     constraints: yes for a site's annual rule that a design made on days can break over the
                   real year (elastic in the year's feasibility LP)
  unit, description
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

STAGES = frozenset({"design", "operation", "diagnosis"})
SCOPES = frozenset({"site", "linking", "global"})
# the full year's fixing levels, tightest first: each keeps fixed the families whose year_fixed is in its set
YEAR_FIXING_LEVELS = (frozenset({"all", "pv_wind", "battery"}), frozenset({"all", "pv_wind"}), frozenset({"all"}))
VIOLATION_SCALES = frozenset({"demand", "energy", "half_energy", "renewable_potential"})


@dataclass(frozen=True)
class Role:
    kind: str
    name: str
    stage: str
    scope: str
    site_position: int | None
    cut_side: str | None
    year_fixed: str | None
    relaxable: bool
    violation_scale: str | None
    year_elastic: bool
    unit: str
    description: str


def _role(row: dict[str, str]) -> Role:
    def text(key: str) -> str | None:
        return row[key].strip() or None

    role = Role(kind=row["kind"], name=row["name"], stage=row["stage"], scope=row["scope"],
                site_position=None if text("site_position") is None else int(row["site_position"]),
                cut_side=text("cut_side"), year_fixed=text("year_fixed"), relaxable=row["relaxable"] == "yes",
                violation_scale=text("violation_scale"), year_elastic=row["year_elastic"] == "yes",
                unit=row["unit"], description=row["description"])
    if role.stage not in STAGES or role.scope not in SCOPES or role.kind not in ("variable", "constraint"):
        raise ValueError(f"roles.csv: {role.name} has kind/stage/scope {role.kind}/{role.stage}/{role.scope}")
    if role.relaxable != (role.violation_scale in VIOLATION_SCALES):
        raise ValueError(f"roles.csv: {role.name} is relaxable exactly when it has a violation scale")
    return role


@cache
def roles() -> dict[str, Role]:
    """Every declared family by name, in the file's order."""
    with files("planner.model").joinpath("roles.csv").open(encoding="utf-8") as f:
        declared = [_role(row) for row in csv.DictReader(f)]
    by_name = {r.name: r for r in declared}
    if len(by_name) != len(declared):
        raise ValueError("roles.csv declares a family twice")
    return by_name


def role(name: str) -> Role:
    """The declared role of one variable or constraint family; a KeyError names the missing declaration."""
    try:
        return roles()[name]
    except KeyError:
        raise KeyError(f"{name} has no declared role: add it to planner/model/roles.csv") from None


def variables(**where) -> tuple[str, ...]:
    """Names of the variable families whose role fields equal `where` (e.g. stage="design"), in file order."""
    return _select("variable", where)


def constraints(**where) -> tuple[str, ...]:
    """Names of the constraint families whose role fields equal `where`, in file order."""
    return _select("constraint", where)


def _select(kind: str, where: dict) -> tuple[str, ...]:
    return tuple(r.name for r in roles().values()
                 if r.kind == kind and all(getattr(r, k) == v for k, v in where.items()))


def site_position(variable: str) -> int | None:
    """Where the site sits in the index of a site variable; None for a global one."""
    return role(variable).site_position


def year_fixings() -> tuple[tuple[str, ...], ...]:
    """Per full-year fixing level, tightest first, the variable families a design keeps fixed."""
    return tuple(tuple(r.name for r in roles().values() if r.kind == "variable" and r.year_fixed in level)
                 for level in YEAR_FIXING_LEVELS)
