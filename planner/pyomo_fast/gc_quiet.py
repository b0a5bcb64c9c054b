"""Python's cyclic garbage collector kept off a large model's objects.

A built model is millions of small objects that stay alive as long as the model. No collector pass can free
them, but every pass over their generation walks them all: on the largest benchmark model that was about a
inth of the run (benchmarks/README.md).

- `promote_built()`, right after a build: everything alive goes to the oldest generation at once, without a
  pass (`gc.freeze()` then `gc.unfreeze()`), instead of being walked by the passes of the young generations.
- `leave_alive_objects_alone()`, around a solve: everything alive when it starts (the model above all) is
  frozen, so the passes during the solve walk only what the solve creates, and still free the models it builds
  and drops (design days, average days). On the way out the frozen objects go back to the oldest generation.

- `skip_collection_at_exit()`, when a program is done: a model dropped after its solve is cyclic garbage
  that only a pass over the oldest generation frees, and the interpreter makes one on exit. It walks and
  frees every object one by one: 18 s after building the benchmark's full year, 1.4 s after 60 days. Frozen,
  they are left to the operating system, which takes the process's memory back at once.

The first two use the interpreter's single permanent generation: a program that calls `gc.freeze()` itself
gets its frozen objects back in the oldest generation after a solve.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0


def promote_built() -> None:
    """Move every object alive to the oldest generation without a collector pass (after a large build)."""
    with _lock:
        if _depth == 0:  # within `leave_alive_objects_alone` the permanent generation is in use
            gc.freeze()
            gc.unfreeze()


@contextmanager
def leave_alive_objects_alone() -> Iterator[None]:
    """Collector passes inside the block skip every object alive when it starts (nested blocks: the outer
    one decides)."""
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def skip_collection_at_exit() -> None:
    """Leave every object alive or uncollected to the process's exit instead of a last collector pass (call it
    when the program is about to end: nothing is collected afterwards)."""
    gc.freeze()
