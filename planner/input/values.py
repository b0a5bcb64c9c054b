"""One cell value: coerce it to its column's type, then check choices, range and plausibility.

Nothing here knows about sheets or cells: `check_value` returns the typed value and (severity, message, fix)
triples that the table parsers turn into located `Problem`s. The helpers that word those messages (`show`,
`expectation`, `hint`, `unit_hint`, `suggest`) live here too, so every message about a value reads the same.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from planner.input.reference import bounds, format_value
from planner.input.schema import Column

EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
PLAIN_NUMBERS = (float, int, np.float64, np.int64)
YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}

Issue = tuple[str, str, str]  # (severity 'error' or 'warning', message, fix)


class NotCoercible(ValueError):
    """A value that cannot be coerced; the argument says what was expected (e.g. 'a number')."""


def show(value: Any) -> str:
    """A value as it should appear in a message."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close match, else ''."""
    lower = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return f" (did you mean {lower[close[0]]!r}?)" if close else ""


# ----------------------------------------------------------------------------------------------------------
# Coercion
# ----------------------------------------------------------------------------------------------------------
def _normal_text(value: str) -> str:
    """Full-width digits and signs to ASCII, unicode minus to '-', outer spaces removed."""
    return unicodedata.normalize("NFKC", value).replace("\u2212", "-").strip()


def to_float(value: Any) -> float:
    """A number from a number or from text such as ' 12.5 ', '1,500', '1 500', '60%'."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise NotCoercible("a number")
    if isinstance(value, (int, float, np.number)):
        number = float(value)
    else:
        text = _normal_text(str(value))
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1].strip(), 0.01
        if re.fullmatch(r"[-+]?\d{1,3}([, ]\d{3})+(\.\d*)?", text):
            text = text.replace(",", "").replace(" ", "")
        try:
            number = float(text) * scale
        except ValueError:
            raise NotCoercible("a number") from None
    if not math.isfinite(number):
        raise NotCoercible("a finite number")
    return number


def to_int(value: Any) -> int:
    number = to_float(value)
    if not number.is_integer():
        raise NotCoercible("a whole number")
    return int(number)


def to_bool(value: Any) -> bool:
    """yes/no, y/n, true/false, 1/0 (any case), or an Excel TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _normal_text(str(value)).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise NotCoercible("yes or no")


def to_text(value: Any) -> str:
    """Trimmed text; whole numbers typed as numbers become '12', not '12.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normal_text(str(value)) if isinstance(value, str) else str(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "float": to_float, "int": to_int, "bool": to_bool, "id": to_text, "str": to_text,
}


# ----------------------------------------------------------------------------------------------------------
# Message text
# ----------------------------------------------------------------------------------------------------------
KINDS = {"float": "a number", "int": "a whole number", "bool": "yes or no", "id": "an id", "str": "text"}


def expectation(col: Column) -> str:
    """What a column holds, e.g. 'a number > 0 in MW', 'one of east, west', 'a hub_id from Hubs'."""
    if col.choices:
        return " or ".join(col.choices) if len(col.choices) == 2 else f"one of {', '.join(col.choices)}"
    if col.ref == "Profiles":
        return "a profile id (a column name of Profiles)"
    if col.ref:
        sheet, column = col.ref.split(".")
        return f"a {column} from {sheet}"
    rule = bounds(col)
    unit = f" in {col.unit}" if col.dtype in ("float", "int") and col.unit not in ("-", "") else ""
    return f"{KINDS[col.dtype]}{' ' + rule if rule else ''}{unit}"


def hint(col: Column) -> str:
    """The usual fix for a bad or missing value: what to enter and what the column means."""
    return f"enter {expectation(col)}: {col.description}"


def _unit(col: Column) -> str:
    return f" {col.unit}" if col.unit not in ("-", "") else ""


def unit_hint(unit: str, value: float, low: float, high: float) -> str:
    """How a value outside its plausible range might be in the wrong unit."""
    candidates = [("/MWh", "/kWh", 1000.0), ("/kWh", "/MWh", 1e-3), ("/kW", "/MW", 1e-3), ("/MW", "/kW", 1000.0)]
    for ours, theirs, factor in candidates:
        if unit.endswith(ours) and low <= value * factor <= high:
            verb = "multiply" if factor > 1 else "divide"
            return f"looks like {unit[: -len(ours)]}{theirs}: {verb} by 1000 to get {unit}"
    if unit in ("-", "") and low <= value / 100 <= high:
        return "looks like a percentage: divide by 100"
    unit_text = f" and its unit ({unit})" if unit not in ("-", "") else ""
    return f"check the value{unit_text}; if it is right, ignore this warning"


# ----------------------------------------------------------------------------------------------------------
# Checking
# ----------------------------------------------------------------------------------------------------------
def _in_range(value: float, col: Column) -> bool:
    if col.min is not None and (value < col.min or (col.min_exclusive and value <= col.min)):
        return False
    return col.max is None or value <= col.max


def check_value(value: Any, col: Column) -> tuple[Any, list[Issue]]:
    """Coerce a non-blank cell value to the column's type and check it.

    Returns (typed value or None if unusable, [(severity, message, fix), ...]).
    """
    if col.dtype == "float" and type(value) in PLAIN_NUMBERS:  # fast path: the usual case
        return _check_number(value, col)
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        return None, [("error", f"{col.name} is the Excel error {value.strip()}",
                       "correct the formula or type the value")]
    try:
        typed = CONVERTERS[col.dtype](value)
    except NotCoercible as bad:
        return None, [("error", f"{col.name} is {show(value)}, not {bad}", hint(col))]
    if col.choices:
        match = {c.lower(): c for c in col.choices}.get(typed.lower() if isinstance(typed, str) else
                                                         ("yes" if typed else "no"))
        if match is None:
            return None, [("error", f"{col.name} is {show(value)}, not one of {', '.join(col.choices)}",
                           f"pick one of {', '.join(col.choices)} from the dropdown")]
        typed = match if isinstance(typed, str) else typed
    if isinstance(typed, (int, float)) and not isinstance(typed, bool):
        return _check_number(typed, col)
    return typed, []


def limit_text(col: Column) -> str:
    """The hard limit as text: '<= 1e+06', or 'between -100 and 100' where negative values are allowed."""
    limit = format_value(col.limit)
    return f"<= {limit}" if col.min is not None and col.min >= 0 else f"between -{limit} and {limit}"


def _check_number(value: float, col: Column) -> tuple[Any, list[Issue]]:
    """Range (error) and plausibility (warning) of a typed number."""
    if not math.isfinite(value):
        return None, [("error", f"{col.name} is {show(value)}, not a finite number", hint(col))]
    if not _in_range(value, col):
        return None, [("error", f"{col.name} is {show(value)}, must be {bounds(col)}{_unit(col)}", hint(col))]
    if col.limit is not None and abs(value) > col.limit:
        return None, [("error", f"{col.name} is {show(value)}, must be {limit_text(col)}{_unit(col)}",
                       f"enter a realistic value (check its unit): the model cannot be solved with numbers this "
                       f"large; {col.name}: {col.description}")]
    if col.plausible and not col.plausible[0] <= value <= col.plausible[1]:
        low, high = col.plausible
        return value, [("warning", f"{col.name} is {show(value)}{_unit(col)}, outside the usual range "
                        f"{format_value(low)}-{format_value(high)}{_unit(col)}", unit_hint(col.unit, value, low, high))]
    return value, []
