"""A map-like picture of sites, demands and assignments on longitude/latitude axes (matplotlib, Agg)."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

HUB_COLOURS = ("#1F77B4", "#2CA02C", "#9467BD", "#8C564B", "#17BECF", "#BCBD22", "#E377C2", "#FF7F0E",
               "#7F7F7F", "#AEC7E8", "#98DF8A", "#C5B0D5", "#C49C94", "#9EDAE5", "#DBDB8D", "#F7B6D2")


def site_map_png(sites: pd.DataFrame, demand: pd.DataFrame, assignments: pd.DataFrame, *, title: str = "",
                 dpi: int = 110) -> bytes:
    """PNG bytes of the map.

    sites: site_id, name, hub_id, lat, lon, opened, it_mw; demand: demand_id, name, lat, lon, it_load_mw;
    assignments: demand_id, site_id, it_mw.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(10.0, 6.5), dpi=dpi)
    try:
        s = sites.set_index("site_id")
        d = demand.set_index("demand_id")
        max_mw = max(float(assignments["it_mw"].max()) if len(assignments) else 0.0, 1e-9)
        for _, a in assignments.iterrows():
            if a["site_id"] not in s.index or a["demand_id"] not in d.index:
                continue
            x = [d.at[a["demand_id"], "lon"], s.at[a["site_id"], "lon"]]
            y = [d.at[a["demand_id"], "lat"], s.at[a["site_id"], "lat"]]
            ax.plot(x, y, color="#555555", alpha=0.55, linewidth=0.8 + 4.0 * float(a["it_mw"]) / max_mw,
                    zorder=1, solid_capstyle="round")

        hubs = list(dict.fromkeys(s["hub_id"].astype(str)))
        colour = {h: HUB_COLOURS[i % len(HUB_COLOURS)] for i, h in enumerate(hubs)}
        it_max = max(float(s["it_mw"].max()) if len(s) else 0.0, 1e-9)
        opened = s[s["opened"].astype(bool)]
        closed = s[~s["opened"].astype(bool)]
        ax.scatter(closed["lon"], closed["lat"], s=40, facecolors="white",
                   edgecolors=[colour[str(h)] for h in closed["hub_id"]], linewidths=1.2, zorder=2)
        ax.scatter(opened["lon"], opened["lat"], s=60 + 540 * opened["it_mw"].astype(float) / it_max,
                   c=[colour[str(h)] for h in opened["hub_id"]], edgecolors="black", linewidths=0.8, alpha=0.9,
                   zorder=3)
        placed: list[tuple[float, float]] = []

        def label(text: str, lon: float, lat: float, colour: str, below: bool) -> None:
            """Annotate a point, stepping the label down past labels already placed nearby."""
            near = sum(1 for x, y in placed if abs(x - lon) < 2.0 and abs(y - lat) < 1.0)
            placed.append((lon, lat))
            lines = text.count("\n") + 1
            dy = (-11 if below else 5) - 12 * near - (12 * (lines - 1) if below else 0)
            ax.annotate(text, (lon, lat), xytext=(7, dy), textcoords="offset points", fontsize=8,
                        color=colour, zorder=5)

        for sid, r in opened.sort_values("it_mw", ascending=False).iterrows():
            label(f"{r['name']} ({float(r['it_mw']):.0f} MW)", float(r["lon"]), float(r["lat"]), "black", False)

        # demands at the same place (e.g. inference and training in one city) share a marker and a label
        groups = d.assign(_lon=d["lon"].astype(float).round(2), _lat=d["lat"].astype(float).round(2)).groupby(
            ["_lon", "_lat"], sort=False)
        points = pd.DataFrame([{"lon": lon, "lat": lat, "mw": float(g["it_load_mw"].astype(float).sum()),
                                "name": "\n".join(str(n) for n in g["name"])} for (lon, lat), g in groups])
        if not points.empty:
            load_max = max(float(points["mw"].max()), 1e-9)
            ax.scatter(points["lon"], points["lat"], marker="^", s=50 + 300 * points["mw"] / load_max,
                       c="#D62728", edgecolors="black", linewidths=0.6, zorder=4)
            for _, r in points.iterrows():
                label(str(r["name"]), float(r["lon"]), float(r["lat"]), "#A50F15", True)

        lats = np.concatenate([s["lat"].to_numpy(float), d["lat"].to_numpy(float)]) if len(s) + len(d) else \
            np.array([0.0])
        lons = np.concatenate([s["lon"].to_numpy(float), d["lon"].to_numpy(float)]) if len(s) + len(d) else \
            np.array([0.0])
        pad_x = max(1.0, 0.08 * float(np.ptp(lons)))
        pad_y = max(1.0, 0.08 * float(np.ptp(lats)))
        ax.set_xlim(float(lons.min()) - pad_x, float(lons.max()) + 3.0 * pad_x)
        ax.set_ylim(float(lats.min()) - pad_y, float(lats.max()) + pad_y)
        mid = math.radians(float(np.clip(lats.mean(), -80, 80)))
        ax.set_aspect(1.0 / max(math.cos(mid), 0.2))
        ax.set_xlabel("longitude (deg E)")
        ax.set_ylabel("latitude (deg N)")
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.set_title(title or "Sites, demands and assignments")

        handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=colour[h], markeredgecolor="black",
                          markersize=8, label=f"hub {h}") for h in hubs]
        handles += [
            Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                   markersize=6, label="candidate site, not opened"),
            Line2D([], [], marker="^", linestyle="", markerfacecolor="#D62728", markeredgecolor="black",
                   markersize=8, label="demand region"),
            Line2D([], [], color="#555555", linewidth=2.5, alpha=0.6, label="assignment (width ~ MW)"),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, framealpha=0.9,
                  title="open sites (size ~ IT MW)", title_fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()
    finally:
        plt.close(fig)
