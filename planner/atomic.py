"""Atomic file writes: a failed or interrupted write never leaves a half-written file behind.

The temporary file is hidden next to the target, `.<stem>-planner<pid>-<random><suffix>`. A process killed while
writing (SIGKILL, power loss) cannot remove it, so every write first removes such debris from its folder: the
temporary files of this pattern whose writing process is gone (and, for files from before the process id was
part of the name, `.<stem>-<random><suffix>` of the same target older than `LEGACY_STALE_S`).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_MARK = "-planner"
# .<stem>-planner<pid>-<8 random characters of tempfile's alphabet><suffix>
TEMP_PATTERN = re.compile(r"^\..*" + re.escape(TEMP_MARK) + r"(?P<pid>\d+)-[a-z0-9_]{8}(\.[A-Za-z0-9]+)?$")
LEGACY_STALE_S = 15 * 60  # an old-style temporary file untouched this long is debris
STALE_S = 24 * 3600  # a temporary file untouched this long is debris even if its process id is in use again

_active: set[str] = set()  # this process' temporary files being written


def temp_prefix(path: Path) -> str:
    """The name prefix of `path`'s temporary files written by this process."""
    return f".{path.stem}{TEMP_MARK}{os.getpid()}-"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # another user's process, or not a pid at all
        return pid > 0
    return True


def _is_stale(entry: os.DirEntry, now: float) -> bool:
    match = TEMP_PATTERN.match(entry.name)
    if match is None or os.path.abspath(entry.path) in _active:
        return False
    pid = int(match["pid"])
    if pid == os.getpid():  # not one of ours being written: left by a killed process that had our id
        return True
    age = now - entry.stat(follow_symlinks=False).st_mtime
    return age > STALE_S or not _process_alive(pid)


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove the debris of killed writes from `path`'s folder (see the module doc); returns what was removed.

    Best effort: a file that cannot be inspected or removed is left alone.
    """
    path = Path(path)
    folder = path.parent
    legacy = re.compile(r"^\." + re.escape(path.stem) + r"-[a-z0-9_]{8}" + re.escape(path.suffix) + "$")
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            stale = _is_stale(entry, now) or (
                legacy.match(entry.name) is not None
                and now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_STALE_S)
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary file next to `path`; on success it replaces `path`, on any failure it is removed.

    The file gets the ordinary permissions of a new file (0666 less the umask), not mkstemp's 0600. Stale
    temporary files of killed writes in the folder are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=path.suffix, dir=path.parent)
    tmp = os.path.abspath(tmp)
    _active.add(tmp)
    try:
        os.close(fd)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _active.discard(tmp)
