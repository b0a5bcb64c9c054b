"""HiGHS' log, streamed line by line to a callback, and its MIP progress lines parsed into elapsed time,
incumbent, bound and gap for a progress display."""

from __future__ import annotations

import io
import re
from typing import Callable

LogCallback = Callable[[str], None]
ProgressCallback = Callable[[dict], None]

# A HiGHS MIP progress line: src, nodes, queue, leaves, explored %, BestBound, BestSol, Gap, ..., time
_MIP_LINE = re.compile(
    r"^\s*[A-Za-z]?\s*\d+\s+\d+\s+\d+\s+[\d.]+%\s+(?P<bound>\S+)\s+(?P<sol>\S+)\s+(?P<gap>\S+)\s+.*?"
    r"(?P<time>\d+(?:\.\d+)?)s\s*$")


# the stage HiGHS' MIP lines report (the site decomposition names its own stage for them)
PHASE = "HiGHS branch and bound"


def _number(token: str) -> float | None:
    try:
        return float(token.rstrip("%"))
    except ValueError:
        return None


def parse_progress(line: str) -> dict | None:
    """Elapsed time, incumbent, bound and gap from one HiGHS MIP log line (None if it is not one)."""
    match = _MIP_LINE.match(line)
    if not match:
        return None
    gap = _number(match["gap"]) if match["gap"].endswith("%") else None
    return {"stage": "solve", "phase": PHASE, "elapsed_s": float(match["time"]), "incumbent": _number(match["sol"]),
            "bound": _number(match["bound"]), "gap": None if gap is None else gap / 100.0}


class LineStream(io.TextIOBase):
    """A text stream that hands every complete line to the log and progress callbacks."""

    def __init__(self, log: LogCallback | None, progress: ProgressCallback | None):
        self._log, self._progress, self._buffer = log, progress, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._emit(line)
        return len(text)

    def _emit(self, line: str) -> None:
        if self._log:
            self._log(line)
        if self._progress and (info := parse_progress(line)):
            self._progress(info)

    def flush(self) -> None:
        if self._buffer:
            self._emit(self._buffer)
            self._buffer = ""
