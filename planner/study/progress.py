"""A study's live progress line: done / running / failed, elapsed time and an estimate of the time left.

Scenarios that finish print a line each; the live line (a rich Live) is only drawn on a terminal.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.text import Text


class StudyProgress:
    def __init__(self, console: Console, total: int, *, what: str = "scenarios"):
        self.console = console
        self.total = total
        self.what = what
        self.done = self.failed = self.skipped = self.running = 0
        self.start = time.perf_counter()
        self._live = Live(self, console=console, refresh_per_second=4, transient=True) if console.is_terminal else None

    def __rich__(self) -> Text:
        elapsed = time.perf_counter() - self.start
        finished = self.done + self.failed
        left = self.total - finished - self.skipped
        text = Text()
        text.append(f"{finished + self.skipped}/{self.total} {self.what} ", style="bold")
        text.append(f"done {self.done + self.skipped}", style="green")
        text.append(f"  running {self.running}", style="cyan")
        text.append(f"  failed {self.failed}", style="red" if self.failed else "")
        text.append(f"  elapsed {elapsed:,.0f} s")
        if finished and left > 0:
            text.append(f"  about {elapsed / finished * left:,.0f} s left")
        return text

    def __enter__(self) -> "StudyProgress":
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)

    def started(self, n: int = 1) -> None:
        self.running += n

    def skip(self, scenario: str) -> None:
        self.skipped += 1
        self.console.print(f"[dim]= {escape(scenario)}: already solved (same input and overrides), kept[/]",
                           soft_wrap=True)

    def finished(self, scenario: str, status: str, detail: str, ok: bool) -> None:
        self.running = max(self.running - 1, 0)
        if ok:
            self.done += 1
            self.console.print(f"[green]✓[/] {escape(scenario)}: {escape(status)} {escape(detail)}", soft_wrap=True)
        else:
            self.failed += 1
            self.console.print(f"[red]✗[/] {escape(scenario)}: {escape(status)}: {escape(detail)}", soft_wrap=True)
