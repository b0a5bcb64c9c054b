"""The one translation table (planner/results/labels.csv): every label the result schema needs exists in English
and Chinese, headers are unique per table, and `planner solve --lang zh` writes a Chinese workbook that
`planner compare`'s reader still reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import openpyxl
import pytest

from planner.report.read_result import read_result_workbook
from planner.results import labels, schema
from report_cases import write_tiny_workbook

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_schema_label_has_both_languages():
    missing = {lang: [k for k in labels.schema_keys() if not labels.has_label(k, lang)] for lang in labels.LANGS}
    assert missing == {lang: [] for lang in labels.LANGS}
    # every Chinese label is Chinese (or a name kept as is: PUE, IT, HiGHS ...), every key in the table is used
    used = set(labels.schema_keys())
    extra = [k for k in labels.table_rows() if not k.startswith(("text:", "unit:")) and k not in used]
    assert extra == []


@pytest.mark.parametrize("lang", labels.LANGS)
def test_headers_are_unique_in_every_table(lang):
    for table in labels.all_tables():
        headers = [labels.header(table, c, lang) for c in table.columns]
        assert len(set(headers)) == len(headers), (table.name, headers)


def test_label_falls_back_to_english_and_refuses_unknown_languages():
    assert labels.label("kpi:total_cost_cny_per_yr") == "Total annualised cost"
    assert labels.label("kpi:total_cost_cny_per_yr", "zh") == "年化总成本"
    assert labels.label("policy:carbon_cap") == schema.POLICY_DESCRIPTIONS["carbon_cap"]
    assert labels.header(schema.SITES, schema.SITES.column("cost_cny")) == "Annualised cost (M CNY/yr)"
    assert labels.header(schema.ASSIGNMENTS, schema.ASSIGNMENTS.column("it_mw"), "zh") == "承接 IT 负荷 (MW)"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        labels.label("kpi:green_share", "fr")


def test_solve_lang_zh_writes_chinese_headers_and_reads_back(tmp_path):
    write_tiny_workbook(tmp_path / "tiny.xlsx")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    run = subprocess.run([sys.executable, "-m", "planner", "solve", "tiny.xlsx", "--lang", "zh", "-o", "zh.xlsx"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    wb = openpyxl.load_workbook(tmp_path / "zh.xlsx")
    assert wb.sheetnames[:4] == ["摘要", "站点", "枢纽", "投资"]
    sites = wb["站点"]
    ids = [c.value for c in sites[1]]
    assert tuple(ids) == schema.SITES.column_names and sites.row_dimensions[1].hidden  # ids stay
    headers = [c.value for c in sites[2]]
    assert all(CJK.search(h) or h.split(" (")[0] in ("PUE", "WUE") for h in headers), headers
    assert headers[ids.index("it_mw")] == "IT 容量 (MW)"
    policy = wb["政策约束"]
    descriptions = [r[-1] for r in policy.iter_rows(min_row=3, values_only=True) if r[0]]
    assert descriptions and all(CJK.search(d) for d in descriptions)
    summary = [r for r in wb["摘要"].iter_rows(values_only=True) if r and r[-1] == "total_cost_cny_per_yr"]
    assert summary[0][1] == "年化总成本" and summary[0][3] == "M CNY/yr"  # the unit column stays machine-readable
    assert headers[ids.index("cost_cny")] == "年化成本 (百万元/年)"
    back = read_result_workbook(tmp_path / "zh.xlsx")
    assert not back.notes and back.sites is not None and back.assignments is not None
    assert back.kpi("total_cost_cny_per_yr") == pytest.approx(summary[0][2] * 1e6)
    assert back.run["format_version"] == schema.FORMAT_VERSION
