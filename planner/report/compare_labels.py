"""The words of the comparison workbook in English or Chinese (`planner compare --lang`), from the one translation
table, planner/results/labels.csv (`planner.results.labels.label`).

Its own phrases are the keys `text:compare.<name>` (titles and sentences, `{placeholders}` filled by `phrase`),
`text:compare.sheet.<sheet>` (tab names), `text:compare.col.<column>` (column headers) and
`text:compare.change.<change>`; a column the result schema also has reuses the schema's `col:<column>` label, a
KPI its `kpi:<kpi>` label, a section its `section:<section>` label. English headers stay the column ids, as the
comparison workbook always had them; in another language the ids are kept in a hidden row above the headers.
Ids (site, demand, KPI ids, scenario labels) are never translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from planner.report import styles
from planner.report.kpi_text import kpi_label
from planner.results.labels import check_lang, has_label, label, table_rows, unit_text


def phrase(key: str, lang: str = "en", **values) -> str:
    """The phrase `text:compare.<key>` in `lang`, its `{placeholders}` filled from `values`."""
    return label(f"text:compare.{key}", lang).format(**values)


def sheet(name: str, lang: str = "en") -> str:
    """The tab name of a comparison sheet (its English name is its id)."""
    return name if check_lang(lang) == "en" else label(f"text:compare.sheet.{name}", lang)[:31]


def heading(column: str, lang: str = "en") -> str:
    """A column's header: the id in English, its label in another language (the id where there is none)."""
    if check_lang(lang) == "en":
        return column
    for key in (f"text:compare.col.{column}", f"col:{column}"):
        if key in table_rows():
            return label(key, lang)
    return column


def change_text(change: str, lang: str = "en") -> str:
    """'opened', 'closed', 'changed', 'new', 'removed' in `lang`."""
    key = f"text:compare.change.{change}"
    return label(key, lang) if lang != "en" and key in table_rows() else change


def kpi_name(kpi: str, description: str, lang: str = "en") -> str:
    """A KPI's short name (cost components indented) in `lang`."""
    if lang != "en" and has_label(f"kpi:{kpi}", lang):
        return label(f"kpi:{kpi}", lang)
    return kpi_label(kpi, description)


def section_name(section: str, lang: str = "en") -> str:
    return label(f"section:{section}", lang) if lang != "en" and has_label(f"section:{section}", lang) else section


def write_table(ws: Worksheet, frame: pd.DataFrame, lang: str = "en", *, start_row: int = 1,
                units: Mapping[str, str] | None = None, formats: Mapping[str, str] | None = None,
                row_format_columns: Iterable[str] = (), keep: Iterable[str] = (), **kw) -> tuple[int, int, int]:
    """`styles.write_table` with the headers in `lang`: in English as given (the column ids); in another
    language a hidden row of the ids first, then the translated headers (`keep`: columns named by an id, such
    as a scenario label, keep it). Returns (header row, first data row, last row)."""
    if check_lang(lang) == "en":
        first, last = styles.write_table(ws, frame, start_row=start_row, units=units, formats=formats,
                                         row_format_columns=row_format_columns, **kw)
        return start_row, first, last
    names = {str(c): str(c) if str(c) in set(keep) else heading(str(c), lang) for c in frame.columns}
    for j, c in enumerate(frame.columns):
        styles.put(ws, start_row, kw.get("start_col", 1) + j, str(c)).font = styles.ID_FONT
    ws.row_dimensions[start_row].hidden = True
    # units and formats found from the ids (as in English), then keyed by the shown headers
    ids_units = {c: (units or {}).get(c, styles.unit_for(c)) for c in names}
    ids_formats = {c: (formats or {}).get(c, styles.number_format_for(u, c)) for c, u in ids_units.items()}
    first, last = styles.write_table(ws, frame.rename(columns=names), start_row=start_row + 1,
                                     units={names[c]: unit_text(u, lang) for c, u in ids_units.items()},
                                     formats={names[c]: f for c, f in ids_formats.items()},
                                     row_format_columns=[names.get(c, c) for c in row_format_columns], **kw)
    return start_row + 1, first, last


__all__ = ["change_text", "heading", "kpi_name", "phrase", "section_name", "sheet", "write_table"]
