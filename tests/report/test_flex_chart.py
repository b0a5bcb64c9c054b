"""The Charts sheet shows a typical day's IT load before and after flexible moves, only when load moved; the
Dispatch sheet has the original and the served IT load."""

from __future__ import annotations

import numpy as np
import openpyxl

from model_tables import cooling, demand, make_case, profiles, site
from planner.report.result_workbook import write_result_workbook
from planner.solve import solve_case


def _case(share: float):
    price = np.r_[np.full(8, 200.0), np.full(16, 600.0)]
    return make_case(sites=[site("s1", max_it_mw=20.0, module_mw=20.0, grid_price_profile="price")],
                     demands=[demand("d1", it_load_mw=10.0, flexible_share=share)], coolings=[cooling("c", 1.0)],
                     profile_table=profiles(price=price))


def test_flexible_chart_and_dispatch_columns(tmp_path):
    for share, charts in ((0.8, 4), (0.0, 3)):
        case = _case(share)
        result = solve_case(case)
        path = write_result_workbook(result, case, tmp_path / f"r{share}.xlsx")
        ws = openpyxl.load_workbook(path)["Charts"]
        assert len(ws._charts) == charts
        texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        assert any(t.startswith("Flexible load on a typical day") for t in texts) == (share > 0)
        headers = {str(c.value) for row in openpyxl.load_workbook(path)["Dispatch"].iter_rows(max_row=5) for c in row}
        assert {"it_load_mw", "served_it_load_mw"} <= headers
        served = result.dispatch.set_index("t")["served_it_load_mw"]
        assert served.loc[0] == (20.0 if share > 0 else 10.0)
        assert result.dispatch["it_load_mw"].max() == 10.0
