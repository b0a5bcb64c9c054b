"""`planner sweep`: solve every scenario of a study and write its result workbooks and the study workbook.

Serial by default; on a local Dask cluster of `workers` processes, or on an existing cluster (`scheduler`). Each
outcome is written on the client as it arrives (`planner.study.store`); scenarios already solved with the same
input hash, overrides and solve options are kept, not solved again; a failed scenario is recorded with its reason
and the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from planner.atomic import atomic_path
from planner.input.overrides import Scenario
from planner.study.progress import StudyProgress
from planner.study.runner import run_dask, run_serial
from planner.study.store import Record, StudyFolder
from planner.study.task import Outcome, Task, input_sha256


@dataclass
class Study:
    """A finished (or partly failed) study: its records in scenario order."""

    input_path: Path
    folder: Path
    scenarios: list[Scenario]
    records: dict[str, Record] = field(default_factory=dict)
    workbook: Path | None = None
    solved_now: list[str] = field(default_factory=list)  # the scenarios this run solved (not resumed)

    @property
    def ordered(self) -> list[Record]:
        return [self.records[s.name] for s in self.scenarios if s.name in self.records]

    @property
    def failed(self) -> list[Record]:
        return [r for r in self.ordered if not r.solved]


def tasks_of(input_path: Path, scenarios: Sequence[Scenario], *, time_limit_s: float | None = None,
             mip_gap: float | None = None, strategy: str = "auto") -> list[Task]:
    return [Task(s.name, str(input_path), tuple(s.texts), time_limit_s, mip_gap, strategy,
                 tuple((o.origin, o.cell) for o in s.overrides)) for s in scenarios]


def run_study(input_path: Path, scenarios: Sequence[Scenario], folder: Path, *, console: Console,
              workers: int | None = None, scheduler: str | None = None, time_limit_s: float | None = None,
              mip_gap: float | None = None, strategy: str = "auto", command_line: str | None = None,
              what: str = "scenarios") -> Study:
    """Solve the scenarios not yet solved (serial, local Dask cluster or `scheduler`) and record each outcome."""
    input_path = Path(input_path)
    study = Study(input_path, Path(folder), list(scenarios))
    store = StudyFolder(study.folder)
    sha = input_sha256(input_path)
    by_name = {s.name: s for s in scenarios}
    tasks = tasks_of(input_path, scenarios, time_limit_s=time_limit_s, mip_gap=mip_gap, strategy=strategy)
    keys = {t.scenario: t.key(sha) for t in tasks}
    pending = []
    with StudyProgress(console, len(tasks), what=what) as progress:
        for task in tasks:
            record = store.done(task.scenario, keys[task.scenario])
            if record is not None:
                study.records[task.scenario] = record
                progress.skip(task.scenario)
            else:
                pending.append(task)

        def done(outcome: Outcome) -> None:
            scenario = by_name[outcome.scenario]
            record = store.save(outcome, keys[outcome.scenario], input_path=input_path, overrides=scenario.texts,
                                description=scenario.description, command_line=command_line)
            study.records[outcome.scenario] = record
            study.solved_now.append(outcome.scenario)
            total = outcome.kpis.get("total_cost_cny_per_yr")
            detail = (f"total cost {total / 1e6:,.1f} M CNY/yr, {outcome.seconds:,.1f} s ({outcome.worker})"
                      if total is not None else outcome.reason)
            progress.finished(outcome.scenario, outcome.status, detail, record.solved)

        start = lambda task: progress.started()  # noqa: E731
        if pending and (workers or scheduler):
            run_dask(pending, done, scheduler=scheduler, workers=workers, on_start=start)
        elif pending:
            run_serial(pending, done, on_start=start)
    return study


def write_study(study: Study, path: Path | None = None, **extra) -> Path:
    """The study workbook, atomically (default <folder>/<input-stem>-study.xlsx)."""
    from planner.study.workbook import build_study_workbook

    path = Path(path) if path else study.folder / f"{study.input_path.stem}-study.xlsx"
    wb = build_study_workbook(study, **extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    study.workbook = path
    return path
