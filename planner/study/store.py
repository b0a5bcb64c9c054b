"""A study's folder: one result workbook per scenario and a small record of each finished scenario.

    outputs/<case>-study/<scenario>-result.xlsx          (or <scenario>-infeasibility.xlsx)
    outputs/<case>-study/.records/<scenario>.json        key, status, reason, KPIs, design (for resuming)
    outputs/<case>-study/<case>-study.xlsx               the study workbook

Every file is written atomically on the client as its scenario's outcome arrives, so an interrupted study leaves
complete files only; a rerun skips every scenario whose record has the same key (input hash, overrides, solve
options) and whose workbook is still there.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from planner.atomic import atomic_path
from planner.report.result_workbook import write_infeasibility_workbook, write_result_workbook
from planner.solver.outcome import WITH_PLAN
from planner.study.task import Outcome

DESIGN_COLUMNS = ("opened", "it_mw", "cooling_id", "pv_mw", "wind_mw", "battery_mw", "battery_mwh", "grid_mw")
RECORDS = ".records"


def safe_name(name: str) -> str:
    """A scenario name as a file name part."""
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "scenario"


@dataclass
class Record:
    """What a study keeps of a finished scenario."""

    scenario: str
    key: str
    status: str
    reason: str = ""
    overrides: list[str] = field(default_factory=list)
    description: str = ""
    kpis: dict[str, float] = field(default_factory=dict)
    design: dict[str, dict[str, Any]] = field(default_factory=dict)  # site_id -> DESIGN_COLUMNS
    workbook: str = ""
    seconds: float = 0.0
    worker: str = ""
    peak_rss_mb: float = 0.0
    resumed: bool = False

    @property
    def solved(self) -> bool:
        return self.status in WITH_PLAN


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def design_of(result) -> dict[str, dict[str, Any]]:
    """site_id -> the plan's design decisions of that site."""
    sites = result.sites
    if sites is None or sites.empty:
        return {}
    return {str(row["site_id"]): {c: _plain(row[c]) for c in DESIGN_COLUMNS if c in sites.columns}
            for _, row in sites.iterrows()}


class StudyFolder:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def workbook(self, scenario: str, infeasible: bool = False) -> Path:
        return self.folder / f"{safe_name(scenario)}-{'infeasibility' if infeasible else 'result'}.xlsx"

    def record_path(self, scenario: str) -> Path:
        return self.folder / RECORDS / f"{safe_name(scenario)}.json"

    def done(self, scenario: str, key: str) -> Record | None:
        """The scenario's record if it finished with this key and its workbook is still there (failed scenarios
        without a workbook are solved again)."""
        path = self.record_path(scenario)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        record = Record(**{k: v for k, v in data.items() if k in Record.__dataclass_fields__})
        if record.key != key or not record.workbook or not (self.folder / record.workbook).is_file():
            return None
        record.resumed = True
        return record

    def save(self, outcome: Outcome, key: str, *, input_path: Path, overrides: list[str], description: str = "",
             command_line: str | None = None) -> Record:
        """Write the scenario's workbook (result, or infeasibility report) and then its record, both atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        record = Record(outcome.scenario, key, outcome.status, outcome.reason, list(overrides), description,
                        dict(outcome.kpis), seconds=outcome.seconds, worker=outcome.worker,
                        peak_rss_mb=outcome.peak_rss_mb)
        if outcome.result is not None:
            infeasible = outcome.status == "infeasible"
            target = self.workbook(outcome.scenario, infeasible)
            write = write_infeasibility_workbook if infeasible else write_result_workbook
            write(outcome.result, outcome.case, target, input_path=input_path, command_line=command_line)
            record.workbook = target.name
            record.design = design_of(outcome.result) if not infeasible else {}
        path = self.record_path(outcome.scenario)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(asdict(record), indent=1, default=_plain), encoding="utf-8")
        return record
