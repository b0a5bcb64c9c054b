"""`planner sensitivity`: one-at-a-time variations of named inputs, and the tornado table.

Each `--vary` target (a setting, `Sheet[id].column` or `Sheet.column`) becomes two scenarios, `*= 1 - by` and
`*= 1 + by`, solved like any sweep (serial or on Dask) next to the unchanged base.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from planner.input.overrides import BASE, Scenario, parse_override
from planner.study.workbook import COST, EMISSIONS


VARY = "--vary"


def _factor(x: float) -> str:
    return f"{x:.6g}"


def scenarios(targets: Sequence[str], by: float) -> list[Scenario]:
    """The base and, per target, its low and high scenario (CaseInvalid naming a bad target)."""
    out = [Scenario(BASE, "The workbook as it is")]
    for target in targets:
        for sign, factor in (("-", 1 - by), ("+", 1 + by)):
            text = f"{target.strip()}*={_factor(factor)}"
            out.append(Scenario(f"{target.strip()} {sign}{by:.0%}", f"{target} x {_factor(factor)}",
                                [parse_override(text, VARY)]))
    return out


def tornado(study, targets: Sequence[str], by: float) -> pd.DataFrame:
    """Per target: its low and high change of total cost and emissions against the base; largest swing first."""
    records = study.records
    base = records.get(BASE)
    rows = []
    for target in targets:
        low, high = records.get(f"{target.strip()} -{by:.0%}"), records.get(f"{target.strip()} +{by:.0%}")
        if base is None or not base.solved:
            break

        def delta(r, kpi):
            return r.kpis.get(kpi) - base.kpis.get(kpi) if r is not None and r.solved else None

        c_low, c_high = delta(low, COST), delta(high, COST)
        rows.append({"input": target.strip(), "variation": f"-/+{by:.0%}",
                     "cost_low_delta_cny_per_yr": c_low, "cost_high_delta_cny_per_yr": c_high,
                     "emissions_low_delta_tco2_per_yr": delta(low, EMISSIONS),
                     "emissions_high_delta_tco2_per_yr": delta(high, EMISSIONS),
                     "cost_swing_cny_per_yr": abs((c_high or 0.0) - (c_low or 0.0)),
                     "status": ", ".join(r.status if r else "missing" for r in (low, high))})
    columns = ["input", "variation", "cost_low_delta_cny_per_yr", "cost_high_delta_cny_per_yr",
               "emissions_low_delta_tco2_per_yr", "emissions_high_delta_tco2_per_yr", "cost_swing_cny_per_yr",
               "status"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("cost_swing_cny_per_yr", ascending=False, kind="stable").reset_index(drop=True)
