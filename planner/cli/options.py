"""Options shared by, or long for, the commands in `commands.py`: where results go (--out-dir), the materiality
threshold of `planner compare`, and the first steps of `planner --help`."""

from __future__ import annotations

from enum import Enum

import typer

from planner.examples import DEFAULT_EXAMPLE

SOLVE_OUT_DIR = typer.Option(None, "--out-dir", metavar="DIR", show_default=False,
                             help="Folder of the result workbook (named <input-stem>-result.xlsx). Default: an "
                             "outputs/ folder next to INPUT; ./outputs/ for the built-in example.")
COMPARE_OUT_DIR = typer.Option(None, "--out-dir", metavar="DIR", show_default=False,
                               help="Folder of the comparison workbook (named compare-<A>-vs-<B>.xlsx). Default: the "
                               "folder of A.")
THRESHOLD = typer.Option(None, "--threshold", metavar="FRACTION", show_default=False,
                         help="Capacity changes smaller than this share of the larger value are not listed, e.g. "
                         "0.01 = 1 %. Default: 0.5 % or the largest MIP gap setting of the results, whichever is "
                         "larger.")


class Lang(str, Enum):  # the languages of planner.results.labels
    en = "en"
    zh = "zh"


# `--lang` of solve, compare and report: every text of the file written comes from planner/results/labels.csv
LANG = typer.Option(Lang.en, "--lang", case_sensitive=False, metavar="LANG",
                    help="Language of the file written: sheet names, headers, KPI names, chart titles and policy "
                    "texts in en (English, the default) or zh (Chinese); ids (site, KPI, policy ids) stay as they "
                    "are. The console stays in English.")
FIRST_STEPS = (f"Start with a built-in example: planner example {DEFAULT_EXAMPLE} (copies it to "
               f"inputs/{DEFAULT_EXAMPLE}.xlsx), then planner solve inputs/{DEFAULT_EXAMPLE}.xlsx (writes "
               f"inputs/outputs/{DEFAULT_EXAMPLE}-result.xlsx: results go to an outputs/ folder next to the input, "
               f"or --out-dir).")

__all__ = ["COMPARE_OUT_DIR", "FIRST_STEPS", "LANG", "Lang", "SOLVE_OUT_DIR", "THRESHOLD"]
