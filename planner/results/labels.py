"""Human-readable labels of the result schema, in English and Chinese: one translation table (labels.csv).

Keys: `sheet:<sheet>`, `section:<Summary section>`, `table:<data block / chart title>`, `col:<column>` (or
`col:<table>.<column>` where a column means something else in that table), `kpi:<KPI or solver row>`,
`policy:<policy>`, `component:<cost component>`, `unit:<unit>` (the few units a header shows translated),
`text:<phrase>`. An empty `en` cell takes the schema's own
words (a KPI's label, a policy's description, a cost component's short name). Ids (site_id values, KPI names,
policy ids, column ids) are never translated: the result workbook keeps the column ids in a hidden row above
the labels, so `planner.report.read_result` reads a workbook in any language.

`label(key, lang)` is the one function the workbook, the report page and `planner compare` use.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from planner.results.schema import (COST_TEXT, POLICY_DESCRIPTIONS, RESULT_SHEETS, INFEASIBILITY_SHEETS,
                                    SECTIONS, SUMMARY_ROWS, Column, Table)

LANGS = ("en", "zh")
LABELS_CSV = Path(__file__).with_name("labels.csv")
NO_UNIT = ("", "-")


@cache
def table_rows() -> dict[str, dict[str, str]]:
    """key -> {lang: text} as written in labels.csv (empty cells left out)."""
    with LABELS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["key"]: {lang: r[lang] for lang in LANGS if r.get(lang)} for r in rows}


def _schema_text(key: str) -> str | None:
    """The schema's own English words for a key whose `en` cell is empty."""
    kind, _, name = key.partition(":")
    if kind == "kpi":
        kpi = next((k for k in SUMMARY_ROWS if k.name == name), None)
        return kpi.label if kpi is not None and kpi.label else None
    if kind == "policy":
        return POLICY_DESCRIPTIONS.get(name)
    if kind == "component":
        return COST_TEXT[name][0] if name in COST_TEXT else None
    return None


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The text of `key` in `lang` (falls back to English, then to the key's last part)."""
    texts = table_rows().get(key, {})
    return texts.get(check_lang(lang)) or texts.get("en") or _schema_text(key) or key.partition(":")[2]


def has_label(key: str, lang: str) -> bool:
    texts = table_rows().get(key, {})
    return bool(texts.get(lang) or (lang == "en" and _schema_text(key)))


def column_key(table: Table | str, column: Column | str) -> str:
    """The key of a column's label: the table's own if there is one, else the column's."""
    t = table.name if isinstance(table, Table) else table
    c = column.name if isinstance(column, Column) else column
    own = f"col:{t}.{c}"
    return own if own in table_rows() else f"col:{c}"


def unit_text(unit: str, lang: str = "en") -> str:
    """A unit as a header shows it in `lang` (`unit:<unit>` in the table; most units stay as they are)."""
    return label(f"unit:{unit}", lang) if f"unit:{unit}" in table_rows() else unit


def unit_texts(unit: str) -> set[str]:
    """Every way a header may show `unit`, in any language."""
    return {unit, *(unit_text(unit, lang) for lang in LANGS)}


def header(table: Table, column: Column, lang: str = "en") -> str:
    """A column's header on the sheets: its label and, where it has one, its unit: 'IT capacity (MW)'."""
    text = label(column_key(table, column), lang)
    unit = column.sheet_unit
    return text if unit in NO_UNIT else f"{text} ({unit_text(unit, lang)})"


def sheet_title(sheet: str, lang: str = "en") -> str:
    """The tab name of a sheet in `lang` (Excel's 31-character limit)."""
    return label(f"sheet:{sheet}", lang)[:31]


def sheet_titles(sheet: str) -> set[str]:
    """Every tab name the sheet may have, in any language."""
    return {sheet, *(sheet_title(sheet, lang) for lang in LANGS)}


def all_tables() -> list[Table]:
    return [t for s in RESULT_SHEETS + INFEASIBILITY_SHEETS for t in s.tables]


@cache
def known_headers() -> dict[str, frozenset[str]]:
    """column id -> every header text it may have on a sheet, in any language and table."""
    out: dict[str, set[str]] = {}
    for t in all_tables():
        for c in t.columns:
            out.setdefault(c.name, set()).update(header(t, c, lang) for lang in LANGS)
    return {k: frozenset(v) for k, v in out.items()}


def is_label_row(row: tuple, ids: list[str]) -> bool:
    """Whether `row`, under a row of column ids, is the row of their labels (every non-empty cell one of its
    column's known headers)."""
    cells = [(i, v) for i, v in zip(ids, row) if v is not None and i]
    known = known_headers()
    return bool(cells) and all(isinstance(v, str) and v in known.get(i, ()) for i, v in cells)


def schema_keys() -> list[str]:
    """Every key the result schema needs a label for (`tests/results/test_labels.py` checks each has both
    languages)."""
    keys = [f"sheet:{s.name}" for s in RESULT_SHEETS + INFEASIBILITY_SHEETS]
    keys += [f"section:{s}" for s in SECTIONS]
    keys += [f"table:{t.name}" for s in RESULT_SHEETS for t in s.tables if t.name != s.name]
    keys += [column_key(t, c) for t in all_tables() for c in t.columns]
    keys += [f"kpi:{k.name}" for k in SUMMARY_ROWS]
    keys += [f"policy:{p}" for p in POLICY_DESCRIPTIONS]
    keys += [f"component:{c}" for c in COST_TEXT]
    return list(dict.fromkeys(keys))


__all__ = ["LANGS", "LABELS_CSV", "check_lang", "column_key", "has_label", "header", "is_label_row",
           "known_headers", "label", "schema_keys", "sheet_title", "sheet_titles", "table_rows", "unit_text",
           "unit_texts"]
