"""The elements of indexed Pyomo components, read without Pyomo's per-element getters.

`items()`, `values()` and `extract_values()` go through a getter per element; on components of hundreds of
thousands of elements, read many times, that was a sixth of a large model's build (benchmarks/README.md).
`elements(c)` is the component's own {index: element} dict, in construction order, the same keys as `items()`.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np


def elements(component) -> dict:
    """{index: element} of an indexed (or scalar: {None: itself}) Pyomo component; read it, do not change it."""
    return component._data


def values(var, missing: float = np.nan) -> np.ndarray:
    """The values of a variable's elements in `elements` order (`missing` where there is none)."""
    got = np.array(list(map(attrgetter("_value"), var._data.values())), dtype=float)  # None becomes nan
    return got if np.isnan(missing) else np.where(np.isnan(got), missing, got)
