"""The vocabulary of the result schema (`planner.results.schema`): Excel number formats, and the column,
KPI, table and sheet declarations with their shorthand constructors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DType = Literal["id", "str", "float", "int", "bool"]

# ---------------------------------------------------------------------------------------------------------
# Excel number formats (`planner.report.styles` uses the same names)
# ---------------------------------------------------------------------------------------------------------
FMT_MW = "#,##0.0"
FMT_MWH = "#,##0"
FMT_CNY = "#,##0"
FMT_TCO2 = "#,##0"
FMT_SHARE = "0.0%"
FMT_GAP = "0.00%"
FMT_PUE = "0.000"
FMT_MS = "0.0"
FMT_SECONDS = "0.0"
FMT_INT = "0"
FMT_FLOAT = "0.###"
FMT_GENERAL = "General"
FMT_LATLON = "0.00"
FMT_DAYS = "0.00"
FMT_KG_PER_KWH = "0.000"
FMT_MCNY = "#,##0.0"
FMT_REPORT = "#,##0.###"

# money is stored in CNY and shown in million CNY on the sheets (the unit row / header says so)
MONEY_SHEET_UNITS = {"CNY": "M CNY", "CNY/yr": "M CNY/yr"}
CNY_PER_MCNY = 1e6

SEE_UNIT = "see unit"  # the unit of a column whose unit changes from row to row (given by the row's unit column)
PERCENT = "%"


@dataclass(frozen=True)
class Column:
    """One column of a result table (or one item row of the Run sheet).

    unit: what the sheet's units row shows ('%' for shares stored as fractions; `SEE_UNIT` when each row has its
    own unit). number_format: the Excel format of the column's numeric cells. in_result: False for a column the
    workbook writer adds (from the inputs or from this schema) that is not in the `Result` table.
    values: the values the column may hold, with their meaning (shown in the reference).
    """

    name: str
    dtype: DType
    unit: str
    description: str
    number_format: str = FMT_GENERAL
    in_result: bool = True
    values: tuple[tuple[str, str], ...] = ()

    @property
    def numeric(self) -> bool:
        return self.dtype in ("float", "int")

    @property
    def money(self) -> bool:
        """A money amount (CNY or CNY/yr): stored in CNY, shown in million CNY on the sheets."""
        return self.unit in MONEY_SHEET_UNITS

    @property
    def sheet_unit(self) -> str:
        """The unit shown on the sheets: '%' for values formatted as percentages, M CNY for money."""
        if self.number_format.endswith("%"):
            return PERCENT
        return MONEY_SHEET_UNITS.get(self.unit, self.unit)

    @property
    def sheet_scale(self) -> float:
        """Sheet value = stored value x sheet_scale (1e-6 for money, shown in million CNY)."""
        return 1.0 / CNY_PER_MCNY if self.money else 1.0

    @property
    def sheet_format(self) -> str:
        return FMT_MCNY if self.money else self.number_format


@dataclass(frozen=True)
class Kpi(Column):
    """One row of the Summary sheet: a KPI of `Result.kpis` (in_result=True) or a solver row from `SolveInfo`.

    unit and description are those of `Result.kpis`; the Summary sheet shows `sheet_unit` ('%' for shares) and
    `sheet_description`; number_format is the format of its value cell. section: its group on the Summary
    (`SECTIONS`). label: a short name for console and comparison tables; headline: shown in the table
    `planner solve` prints.
    """

    section: str = ""
    label: str = ""
    headline: bool = False
    summary_text: str = ""  # the Summary sheet's description when it says more than `description`

    @property
    def sheet_description(self) -> str:
        return self.summary_text or self.description


@dataclass(frozen=True)
class Table:
    """One table: a header row with the column names, a units row (if `unit_row`), then one row per record.

    key: the columns that identify a record. rows: the declared rows of a table with one row per item (Summary:
    KPIs, Run: items).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    unit_row: bool = True
    rows: tuple[Column, ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def row(self, name: str) -> Column:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"{self.name} has no row {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def result_columns(self) -> tuple[str, ...]:
        """The columns of the `Result` table behind this sheet (without the ones the writer adds)."""
        return tuple(c.name for c in self.columns if c.in_result)

    @property
    def row_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rows)

    @property
    def units(self) -> dict[str, str]:
        return {c.name: c.unit for c in self.columns}

    @property
    def number_formats(self) -> dict[str, str]:
        return {c.name: c.number_format for c in self.columns}

    @property
    def sheet_units(self) -> dict[str, str]:
        return {c.name: c.sheet_unit for c in self.columns}

    @property
    def sheet_formats(self) -> dict[str, str]:
        return {c.name: c.sheet_format for c in self.columns}

    @property
    def sheet_scales(self) -> dict[str, float]:
        """The columns shown at another scale than stored (money in million CNY): name -> factor."""
        return {c.name: c.sheet_scale for c in self.columns if c.sheet_scale != 1.0}

    @property
    def descriptions(self) -> dict[str, str]:
        return {c.name: c.description for c in self.columns}

    @property
    def per_row_unit_columns(self) -> tuple[str, ...]:
        """Columns whose unit (and so number format) is the row's own (`SEE_UNIT`)."""
        return tuple(c.name for c in self.columns if c.unit == SEE_UNIT)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a written workbook: its tables, top to bottom (none: see the description)."""

    name: str
    description: str
    tables: tuple[Table, ...] = ()


def column(name: str, dtype: DType, unit: str, description: str, number_format: str = FMT_GENERAL,
         **kw: Any) -> Column:
    return Column(name=name, dtype=dtype, unit=unit, description=description, number_format=number_format, **kw)


def mw_column(name: str, description: str) -> Column:
    return column(name, "float", "MW", description, FMT_MW)


def mwh_yr_column(name: str, description: str) -> Column:
    return column(name, "float", "MWh/yr", description, FMT_MWH)


def share_column(name: str, description: str) -> Column:
    return column(name, "float", PERCENT, description, FMT_SHARE)
