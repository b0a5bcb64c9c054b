"""Generate the quickstart case: a small East Data, West Computing case that solves in seconds.

3 hubs (Yangtze River Delta east; Ningxia and Guizhou west), 6 candidate sites, 3 demands
(Shanghai inference 10 ms: only the Yangtze Delta sites reach it; Shanghai training 40 ms: any site;
Chongqing inference 8 ms: only Gui'an reaches it, so the Guizhou hub must meet the 80 % green share with
its weak sun), 4 representative days.
Same data and profile generator as examples/east_data_west (smaller sites), same policy defaults
(PUE caps 1.25 / 1.2, 80 % green share at hub nodes, green connection 60 % / 30 % / 20 %).

Writes case.xlsx next to this script and refreshes planner/data/quickstart.xlsx (unless --no-package-copy).

Usage:  python examples/quickstart/build_case.py [--seed 20240601] [--out DIR] [--no-package-copy]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _common as common  # noqa: E402

common.ensure_importable()

HERE = Path(__file__).resolve().parent
CASE_NAME = "quickstart"
N_REP_DAYS = 4
PACKAGE_NAME = "quickstart.xlsx"


def _load_big_case():
    """The East Data, West Computing generator module (its hubs, sites and sources are reused)."""
    path = common.EXAMPLES_DIR / "east_data_west" / "build_case.py"
    spec = importlib.util.spec_from_file_location("_edw_build_case", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses need their module registered
    spec.loader.exec_module(mod)
    return mod


EDW = _load_big_case()
HUB_IDS = ("yrd", "nx", "gz")

# (site id in the big case, new id, max IT MW, module MW, fixed M CNY, max PV MW, max wind MW)
SITE_PICKS = (
    ("yrd-qingpu", "yrd-qingpu", 40, 10, 120, 0, 0),  # grid only, closest to Shanghai, dearest power
    ("yrd-wujiang", "yrd-wujiang", 60, 10, 140, 40, 0),  # some fishery PV: must self-supply >= 30 %
    ("zhongwei-1", "zhongwei-1", 120, 20, 200, 300, 200),  # best sun and wind, cheapest large site
    ("zhongwei-2", "zhongwei-2", 60, 20, 110, 150, 100),
    ("guian-1", "guian-1", 80, 20, 160, 200, 150),  # close to Chongqing, cloudy: little PV
    ("guian-2", "guian-2", 40, 10, 90, 0, 0),  # grid only: lowers the Guizhou hub's green share
)

DEMANDS = pd.DataFrame([
    {"demand_id": "shanghai-inference", "name": "Shanghai interactive / inference, 10 ms", "lat": 31.23,
     "lon": 121.47, "it_load_mw": 30.0, "latency_cap_ms": 10.0, "max_share_per_site": None,
     "load_profile": "load_inference"},
    {"demand_id": "shanghai-training", "name": "Shanghai training / batch, 40 ms", "lat": 31.23, "lon": 121.47,
     "it_load_mw": 60.0, "latency_cap_ms": 40.0, "max_share_per_site": None, "load_profile": "load_training"},
    {"demand_id": "chongqing-inference", "name": "Chongqing interactive / inference, 8 ms", "lat": 29.56,
     "lon": 106.55, "it_load_mw": 30.0, "latency_cap_ms": 8.0, "max_share_per_site": None,
     "load_profile": "load_inference"},
], columns=list(common.DEMAND_COLUMNS))


def sites() -> list[common.Site]:
    by_id = {s.site_id: s for s in EDW.SITES}
    out = []
    for src, new, it, module, fixed, pv, wind in SITE_PICKS:
        s = by_id[src]
        out.append(replace(s, site_id=new, max_it_mw=it, module_mw=module, fixed_cost_m=fixed, max_pv_mw=pv,
                           max_wind_mw=wind, export_price=s.export_price if (pv or wind) else 0.0))
    return out


@dataclass
class Built:
    tables: dict[str, pd.DataFrame]
    units: dict[str, str]
    extra: dict[str, pd.DataFrame]
    profiles: common.ProfileSet
    fit: common.LatencyFit


def sources_frame(fit: common.LatencyFit, rep_method: str) -> pd.DataFrame:
    src = EDW.sources_frame(fit, DEMANDS, rep_method)
    src = src[~src["item"].isin(["Datong, Xining", "PUE cap Datong, Xining", "Green share Datong, Xining",
                                 "Grid green share Qinghai", "Grid green share Shanxi", "Grid price Xining",
                                 "Grid price Ulanqab/Horinger", "Grid price Qingyang", "Site sizes",
                                 "Representative days", "Demand (peak IT load)"])].copy()
    src.loc[src["item"] == "Latency caps", ["value", "source"]] = [
        "10 / 8 / 40", "Shanghai inference 10 ms, Chongqing inference 8 ms (only Gui'an reaches it), training 40 "
        "ms; latency circles 5 ms cluster to nearby cities, 20 ms between hubs [" + common.FACTS + "]"]
    extra = pd.DataFrame([
        ("Quickstart scope", "3 hubs, 6 sites, 3 demands", "-", "subset of examples/east_data_west with smaller "
         "sites (tens of MW) so it solves in seconds", "assumption"),
        ("Site sizes", "40-120 MW IT, modules 10-20 MW", "MW", "illustrative", "assumption"),
        ("Demand (peak IT load)", f"{DEMANDS['it_load_mw'].sum():.0f}", "MW IT", "illustrative; inference "
         "utilisation 0.5-0.9 diurnal, training flat 0.9", "assumption"),
        ("Representative days", N_REP_DAYS, "days", rep_method, "calibrated"),
    ], columns=common.SOURCES_COLUMNS)
    return pd.concat([extra, src], ignore_index=True)


def build(seed: int = common.DEFAULT_SEED, *, n_days: int = N_REP_DAYS) -> Built:
    site_list = sites()
    site_tab = common.sites_frame(site_list)
    fit = common.fit_latency()
    problems = common.check_reachability(DEMANDS, site_tab, fit.route_factor)
    if problems:
        raise RuntimeError("demand not reachable: " + "; ".join(problems))
    climates = list(dict.fromkeys(s.climate for s in site_list))
    ps = common.build_profiles(climates, seed, n_days)
    hubs = EDW.HUBS[EDW.HUBS["hub_id"].isin(HUB_IDS)].reset_index(drop=True)
    tables = {
        "Settings": common.settings_frame(CASE_NAME, fit.route_factor, time_limit_s=120.0),
        "Hubs": hubs,
        "Sites": site_tab,
        "Cooling": common.COOLING.copy(),
        "SiteCooling": common.site_cooling_frame(site_list),
        "Demand": DEMANDS.copy(),
        "Technologies": common.technologies(),
        "Profiles": ps.rep.profiles,
    }
    units = common.profile_units(ps.full_year.columns)
    notes = EDW.notes_frame(seed, ps, fit)
    notes.loc[notes["item"] == "generator", "value"] = "examples/quickstart/build_case.py"
    extra = {"Sources": sources_frame(fit, ps.rep.method), "Notes": notes}
    return Built(tables, units, extra, ps, fit)


def write(built: Built, out_dir: Path) -> Path:
    return common.write_workbook(Path(out_dir) / "case.xlsx", built.tables, built.units, built.extra)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=common.DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: next to this script)")
    ap.add_argument("--days", type=int, default=N_REP_DAYS, help="representative days (default %(default)s)")
    ap.add_argument("--no-package-copy", action="store_true", help="do not refresh planner/data/" + PACKAGE_NAME)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    built = build(args.seed, n_days=args.days)
    print(built.fit.text())
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(built.profiles.calibration_table().to_string(index=False))
    path = write(built, args.out)
    print(f"wrote {path}")
    if not args.no_package_copy and args.out.resolve() == HERE:
        print(f"wrote {common.copy_to_package(path, PACKAGE_NAME)}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
