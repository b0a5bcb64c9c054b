"""The input workbook schema, declared once.

Every sheet, every column, its type, unit, whether it is required, its default, its allowed values or
the table it refers to, and a one-line description. The template writer, the README sheet, the README.md
workbook reference and the reader/validator are all driven by this module; there is no other list of
columns anywhere.

Layout of a table sheet: row 1 holds the column names, row 2 their units, data starts on row 3.
The Settings sheet is a table with the columns name / value / unit, one row per setting.
The Profiles sheet has three fixed columns (day, hour, weight_days) followed by one column per profile id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DType = Literal["id", "str", "float", "int", "bool"]

HEADER_ROW = 1
UNIT_ROW = 2
FIRST_DATA_ROW = 3

YES_NO = ("yes", "no")

# ----------------------------------------------------------------------------------------------------------
# Hard limits: a number beyond them validates to an error, because the MILP built from it would not solve
# (HiGHS treats |x| >= 1e20 as infinite and loses all precision well before). Plausible ranges stay warnings.
# ----------------------------------------------------------------------------------------------------------
MAX_LIFETIME_YR = 100.0  # annuity factor (1 + r)^L overflows at L ~ 1e4; nothing is annualised over > 100 yr
MAX_MW = 1.0e6  # 1 TW: far above any site, demand or grid connection, keeps MW bounds and products small
MAX_CNY = 1.0e12  # any one cost or capex in its own unit (CNY, CNY/MW, CNY/(MW*yr)): 1e12 x 1e6 MW < 1e20
MAX_CNY_PER_ENERGY = 1.0e6  # energy and carbon prices (CNY/MWh, CNY/kWh, CNY/kW, CNY/tCO2), x 8760 h stays small
MAX_LATENCY_MS = 1.0e6  # latencies and caps: ~17 min one-way; latency x CNY/(MW*ms*yr) stays representable
MAX_PUE = 10.0  # PUE multiplies every MW of IT load in every hour; real PUEs are 1-3
MAX_ANY = 1.0e12  # any other number (tCO2/yr caps, seconds, hours)
LIMIT_BY_UNIT = {
    "MW": MAX_MW, "CNY": MAX_CNY, "CNY/MW": MAX_CNY, "CNY/(MW*yr)": MAX_CNY, "CNY/(MW*ms*yr)": MAX_CNY,
    "CNY/MWh": MAX_CNY_PER_ENERGY, "CNY/kW": MAX_CNY_PER_ENERGY, "CNY/kWh": MAX_CNY_PER_ENERGY,
    "CNY/tCO2": MAX_CNY_PER_ENERGY, "ms": MAX_LATENCY_MS, "yr": MAX_LIFETIME_YR,
}


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of the Settings sheet)."""

    name: str
    dtype: DType
    unit: str
    description: str
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] | None = None
    ref: str | None = None  # "Sheet.column" this value must exist in, e.g. "Hubs.hub_id"; "Profiles" = a profile id
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False  # True: value must be > min instead of >= min
    example: Any = None
    plausible: tuple[float, float] | None = None  # outside: a warning about units, not an error
    profile_unit: str | None = None  # ref="Profiles" only: the unit the referenced profile must have (PROFILE_UNITS)
    limit: float | None = None  # |value| above: an error, the model's coefficients would not be representable

    def __post_init__(self) -> None:
        if self.limit is None and self.dtype == "float":
            object.__setattr__(self, "limit", LIMIT_BY_UNIT.get(self.unit, MAX_ANY))

    @property
    def header(self) -> str:
        return self.name


@dataclass(frozen=True)
class Sheet:
    """One sheet of the input workbook."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose combination must be unique
    required: bool = True
    kind: Literal["table", "settings", "profiles"] = "table"
    min_rows: int = 0
    more_examples: tuple[dict[str, Any], ...] = ()  # template rows after the one built from Column.example

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: DType, unit: str, description: str, **kw: Any) -> Column:
    return Column(name=name, dtype=dtype, unit=unit, description=description, **kw)


# ----------------------------------------------------------------------------------------------------------
# Settings: name / value / unit rows. Each Column here is one setting (row), not a column.
# ----------------------------------------------------------------------------------------------------------
SETTINGS = Sheet(
    name="Settings",
    kind="settings",
    description="Case-wide settings: one row per setting (name, value, unit). Blank optional values use the default.",
    columns=(
        _c("case_name", "str", "-", "Name of the case, shown in results and comparisons.", example="my-case"),
        _c("currency", "str", "-", "Currency of every cost in the workbook.", choices=("CNY",), default="CNY",
           required=False, example="CNY"),
        _c("discount_rate", "float", "1/yr", "Discount rate for annualising capital costs (capital recovery factor).",
           min=0.0, max=0.5, example=0.08),
        _c("carbon_price_cny_per_tco2", "float", "CNY/tCO2", "Price on grid emissions, added to the cost objective.",
           min=0.0, default=0.0, required=False, example=0.0, plausible=(0.0, 5000.0)),
        _c("carbon_cap_tco2_per_yr", "float", "tCO2/yr", "Optional cap on total annual emissions; blank = no cap.",
           min=0.0, required=False, example=None),
        _c("objective", "str", "-", "'cost': minimise annualised cost (incl. carbon price); 'emissions': minimise "
           "emissions first, then the cost of plans whose emissions are within mip_gap of that minimum.", choices=("cost", "emissions"), default="cost",
           required=False, example="cost"),
        _c("mip_gap", "float", "-", "Relative MIP gap at which HiGHS may stop (0.01 = 1 %).", min=0.0, max=1.0,
           default=0.01, required=False, example=0.01),
        _c("time_limit_s", "float", "s", "Solver time limit.", min=0.0, min_exclusive=True, default=600.0,
           required=False, example=600),
        _c("latency_ms_per_km", "float", "ms/km", "Latency proxy: one-way latency per km of fibre route "
           "(light in fibre ~0.005).", min=0.0, limit=10.0, default=0.005, required=False, example=0.005),
        _c("latency_route_factor", "float", "-", "Latency proxy: fibre route length / great-circle distance "
           "(routing and equipment overhead).", min=1.0, limit=100.0, default=2.2, required=False, example=2.2),
        _c("service_cost_cny_per_mw_ms_yr", "float", "CNY/(MW*ms*yr)", "Default network/bandwidth cost per MW "
           "served per ms of latency, for pairs without a cost in the Network sheet.", min=0.0, default=0.0,
           required=False, example=0.0),
        _c("site_lifetime_yr", "float", "yr", "Lifetime for annualising the fixed site opening cost.", min=1.0, max=MAX_LIFETIME_YR,
           default=20.0, required=False, example=20),
        _c("it_lifetime_yr", "float", "yr", "Lifetime for annualising IT capex.", min=1.0, max=MAX_LIFETIME_YR, default=10.0,
           required=False, example=10),
        _c("green_min_selfuse_share_of_generation", "float", "-", "Green direct connection: self-used renewable "
           "energy >= this share of available generation (annual).", min=0.0, max=1.0, default=0.60,
           required=False, example=0.60),
        _c("green_min_selfuse_share_of_consumption", "float", "-", "Green direct connection: self-used renewable "
           "energy >= this share of the site's consumption (annual); 0.35 from 2030.", min=0.0, max=1.0,
           default=0.30, required=False, example=0.30),
        _c("green_max_export_share_of_generation", "float", "-", "Green direct connection: energy exported to the "
           "grid <= this share of available generation (annual).", min=0.0, max=1.0, default=0.20,
           required=False, example=0.20),
        _c("green_export_allowed", "bool", "yes/no", "May direct-connected renewables export to the grid at all "
           "(no where no continuous spot market runs).", choices=YES_NO, default=True, required=False,
           example="yes"),
        _c("green_min_storage_power_share", "float", "MW/MW", "Optional: battery power >= this share of the site's "
           "PV + wind MW; blank = no minimum.", min=0.0, max=10.0, required=False, example=None),
        # compute-power coordination (issue 23): emission accounting, embodied carbon
        _c("emission_accounting", "str", "-", "How emissions are counted for the carbon price, cap and emissions "
           "objective: 'location' (grid factor on every imported MWh) or 'market' (contracted green power carries "
           "zero emissions).", choices=("location", "market"), default="location", required=False, example="location"),
        _c("certificates_zero_emission", "bool", "yes/no", "Market accounting only: green certificates also make "
           "their MWh zero-emission.", choices=YES_NO, default=False, required=False, example="no"),
        _c("it_embodied_tco2_per_mw", "float", "tCO2/MW", "Embodied emissions of building 1 MW of new IT capacity "
           "(spread over it_lifetime_yr).", min=0.0, default=0.0, required=False, example=0.0),
        _c("flexible_move_cost_cny_per_mwh", "float", "CNY/MWh", "Cost of moving 1 MWh of flexible IT load to "
           "another hour (scheduling overhead; small by default, so that a plan moves only load whose move pays).",
           min=0.0, default=0.1, required=False, example=0.1),
        _c("embodied_carbon_priced", "bool", "yes/no", "yes = embodied emissions count under the carbon price, the "
           "carbon cap and the emissions objective (they are always reported).", choices=YES_NO, default=False,
           required=False, example="no"),
    ),
)

HUBS = Sheet(
    name="Hubs",
    description="National hub nodes (or any grouping of sites) with their policy limits.",
    key=("hub_id",),
    min_rows=1,
    columns=(
        _c("hub_id", "id", "-", "Unique hub id, referenced by Sites.hub_id.", example="gansu"),
        _c("name", "str", "-", "Display name.", example="Gansu hub"),
        _c("region", "str", "-", "east or west.", choices=("east", "west"), example="west"),
        _c("pue_cap", "float", "-", "Cap on the energy-weighted annual PUE of the hub's sites.", min=1.0, limit=MAX_PUE,
           plausible=(1.0, 3.0), example=1.2),
        _c("min_green_share", "float", "-", "Minimum green share of the hub's consumption (self-used renewables + "
           "grid green share); blank = none.", min=0.0, max=1.0, required=False, example=0.8),
        _c("certificate_price_cny_per_mwh", "float", "CNY/MWh", "Price of a green certificate (绿证, 1 MWh) for the "
           "hub's sites; blank = Sites value, or none bought.", min=0.0, required=False, example=None),
        _c("contract_premium_cny_per_mwh", "float", "CNY/MWh", "Green-power contract (绿电交易) premium over the grid "
           "price; blank = Sites value, or no contracts.", min=0.0, required=False, example=None),
        _c("max_certificate_mwh_per_yr", "float", "MWh/yr", "Optional cap on certificates bought by the hub's sites; "
           "blank = no cap.", min=0.0, required=False, example=None),
        _c("max_contract_mwh_per_yr", "float", "MWh/yr", "Optional cap on green-power contracts of the hub's sites; "
           "blank = no cap.", min=0.0, required=False, example=None),
        # water and waste heat (planner.model.water, planner.model.waste_heat)
        _c("wue_cap_l_per_kwh", "float", "L/kWh", "Optional cap on the hub's water usage effectiveness (water "
           "m3 / IT MWh over its sites); blank = none.", min=0.0, limit=100.0, required=False, example=None),
        _c("min_heat_reuse_share", "float", "-", "Optional minimum waste-heat reuse rate of the hub (recovered "
           "heat / IT energy over its sites); blank = none.", min=0.0, max=1.0, required=False, example=None),
    ),
)

SITES = Sheet(
    name="Sites",
    description="Candidate data-centre sites. Each belongs to a hub.",
    key=("site_id",),
    min_rows=1,
    columns=(
        _c("site_id", "id", "-", "Unique site id.", example="qingyang-1"),
        _c("hub_id", "id", "-", "Hub the site belongs to.", ref="Hubs.hub_id", example="gansu"),
        _c("name", "str", "-", "Display name.", example="Qingyang A"),
        _c("province", "str", "-", "Province (for documentation and grid factors).", required=False,
           example="Gansu"),
        _c("lat", "float", "deg", "Latitude (WGS84).", min=-90.0, max=90.0, example=35.7),
        _c("lon", "float", "deg", "Longitude (WGS84).", min=-180.0, max=180.0, example=107.6),
        _c("max_it_mw", "float", "MW", "Maximum IT capacity at the site.", min=0.0, min_exclusive=True,
           example=200.0),
        _c("module_mw", "float", "MW", "IT capacity is built in whole modules of this size.", min=0.0,
           min_exclusive=True, example=20.0),
        _c("existing_it_mw", "float", "MW", "IT capacity already built (site is then open, no capex for it).",
           min=0.0, default=0.0, required=False, example=0.0),
        _c("must_open", "bool", "yes/no", "Force the site open.", choices=YES_NO, default=False, required=False,
           example="no"),
        _c("fixed_cost_cny", "float", "CNY", "One-off cost of opening the site (land, shell, substation).",
           min=0.0, default=0.0, required=False, example=3.0e8),
        _c("it_capex_cny_per_mw", "float", "CNY/MW", "Capex per MW of new IT capacity (building, power "
           "chain, excluding cooling).", min=0.0, example=4.0e7),
        _c("grid_price_cny_per_mwh", "float", "CNY/MWh", "Flat grid energy price; give this or "
           "grid_price_profile.", min=0.0, required=False, plausible=(20.0, 3000.0), example=380.0),
        _c("grid_price_profile", "id", "-", "Profile id of an hourly grid price (CNY/MWh); overrides the flat "
           "price.", ref="Profiles", profile_unit="CNY/MWh", required=False, example=None),
        _c("grid_ef_tco2_per_mwh", "float", "tCO2/MWh", "Flat grid emission factor; give this or "
           "grid_ef_profile.", min=0.0, max=2.0, required=False, plausible=(0.0, 1.2), example=0.4471),
        _c("grid_ef_profile", "id", "-", "Profile id of an hourly grid emission factor (tCO2/MWh); overrides "
           "the flat factor.", ref="Profiles", profile_unit="tCO2/MWh", required=False, example=None),
        _c("grid_green_share", "float", "-", "Share of grid energy counted as green (e.g. via green certificates); "
           "blank = 0.", min=0.0, max=1.0, default=0.0, required=False, example=0.0),
        _c("grid_connection_cost_cny_per_mw_yr", "float", "CNY/(MW*yr)", "Capacity-based T&D charge on the grid "
           "connection.", min=0.0, default=0.0, required=False, example=2.0e5),
        _c("max_grid_mw", "float", "MW", "Optional limit on the grid connection; blank = no limit.", min=0.0,
           required=False, example=None),
        _c("max_pv_mw", "float", "MW", "PV that can be direct-connected to the site.", min=0.0, default=0.0,
           required=False, example=300.0),
        _c("max_wind_mw", "float", "MW", "Wind that can be direct-connected to the site.", min=0.0, default=0.0,
           required=False, example=300.0),
        _c("pv_profile", "id", "-", "Profile id of the PV capacity factor (0-1); required if max_pv_mw > 0.",
           ref="Profiles", profile_unit="cf", required=False, example="pv_qingyang"),
        _c("wind_profile", "id", "-", "Profile id of the wind capacity factor (0-1); required if "
           "max_wind_mw > 0.", ref="Profiles", profile_unit="cf", required=False, example="wind_qingyang"),
        _c("temp_profile", "id", "-", "Profile id of the outdoor temperature (degC) for hourly PUE; blank = "
           "annual PUE every hour.", ref="Profiles", profile_unit="degC", required=False, example="temp_qingyang"),
        _c("export_price_cny_per_mwh", "float", "CNY/MWh", "Price earned for renewable energy exported to the "
           "grid.", min=0.0, default=0.0, required=False, example=0.0),
        _c("certificate_price_cny_per_mwh", "float", "CNY/MWh", "Green certificate price where the hub row gives "
           "none; blank = none bought.", min=0.0, required=False, example=None),
        _c("contract_premium_cny_per_mwh", "float", "CNY/MWh", "Green-power contract premium where the hub row "
           "gives none; blank = no contracts.", min=0.0, required=False, example=None),
        # water and waste heat (planner.model.water, planner.model.waste_heat)
        _c("water_price_cny_per_m3", "float", "CNY/m3", "Price of water at the site.", min=0.0, default=0.0,
           limit=MAX_CNY_PER_ENERGY, required=False, plausible=(0.0, 50.0), example=None),
        _c("max_water_m3_per_yr", "float", "m3/yr", "Optional limit on the site's annual water use (water "
           "permit); blank = no limit.", min=0.0, required=False, example=None),
        _c("heat_demand_profile", "id", "-", "Profile id of the hourly heat demand (MW of heat, e.g. district "
           "heating) the site can sell recovered waste heat to; blank = no heat sales.", ref="Profiles",
           profile_unit="MW", required=False, example=None),
        _c("heat_price_cny_per_mwh", "float", "CNY/MWh", "Price earned per MWh of recovered heat delivered.",
           min=0.0, default=0.0, required=False, plausible=(0.0, 500.0), example=None),
    ),
)

COOLING = Sheet(
    name="Cooling",
    description="Cooling technologies. Exactly one is chosen per open site; it sets the site's PUE.",
    key=("cooling_id",),
    min_rows=1,
    more_examples=(
        {"cooling_id": "air", "name": "Air cooling with free cooling", "pue_annual": 1.25,
         "capex_cny_per_mw_it": 3.0e6, "lifetime_yr": 10, "pue_temp_slope_per_degc": 0.006, "pue_floor": 1.10,
         "pue_ref_temp_c": 15.0},
    ),
    columns=(
        _c("cooling_id", "id", "-", "Unique cooling technology id.", example="immersion"),
        _c("name", "str", "-", "Display name.", example="Immersion liquid cooling"),
        _c("pue_annual", "float", "-", "Annual average PUE at the reference temperature.", min=1.0, limit=MAX_PUE,
           plausible=(1.0, 3.0), example=1.07),
        _c("capex_cny_per_mw_it", "float", "CNY/MW", "Cooling capex per MW of IT capacity.", min=0.0,
           example=6.0e6),
        _c("lifetime_yr", "float", "yr", "Lifetime for annualising the cooling capex.", min=1.0, max=MAX_LIFETIME_YR, default=10.0,
           required=False, example=10),
        _c("pue_temp_slope_per_degc", "float", "1/degC", "Hourly PUE = max(floor, annual PUE + slope x (T - "
           "reference T)); blank = 0 (no temperature effect).", limit=1.0, default=0.0, required=False, example=0.002),
        _c("pue_floor", "float", "-", "Lowest hourly PUE.", min=1.0, limit=MAX_PUE, default=1.0, required=False, example=1.03),
        _c("pue_ref_temp_c", "float", "degC", "Outdoor temperature at which the hourly PUE equals the annual "
           "PUE.", limit=100.0, default=15.0, required=False, example=15.0),
        _c("embodied_tco2_per_mw_it", "float", "tCO2/MW", "Embodied emissions of the cooling plant per MW of IT "
           "(spread over lifetime_yr).", min=0.0, default=0.0, required=False, example=None),
        # water, waste heat and rack density (planner.model.water, waste_heat, rack_density)
        _c("wue_l_per_kwh", "float", "L/kWh", "Water usage effectiveness: litres of water per kWh of IT energy "
           "(= m3/MWh) at the reference temperature; blank = 0 (dry).", min=0.0, limit=100.0, default=0.0,
           required=False, plausible=(0.0, 5.0), example=None),
        _c("wue_temp_slope_per_degc", "float", "L/kWh/degC", "Hourly WUE = max(WUE floor, WUE + slope x (T - "
           "pue_ref_temp_c)); blank = 0 (no temperature effect).", limit=1.0, default=0.0, required=False,
           example=None),
        _c("wue_floor", "float", "L/kWh", "Lowest hourly WUE.", min=0.0, limit=100.0, default=0.0, required=False,
           example=None),
        _c("max_rack_kw", "float", "kW/rack", "Highest rack power density the technology can cool; blank = no "
           "limit.", min=0.0, min_exclusive=True, limit=1000.0, required=False, example=None),
        _c("heat_recoverable_share", "float", "-", "Share of the IT heat that can be recovered for reuse; blank "
           "= 0 (no heat recovery).", min=0.0, max=1.0, default=0.0, required=False, example=None),
        _c("heat_pump_mwh_per_mwh", "float", "MWh/MWh", "Electricity per MWh of heat delivered (heat pump "
           "lifting low-grade heat); it adds to the facility load.", min=0.0, limit=10.0, default=0.0,
           required=False, example=None),
        _c("heat_recovery_capex_cny_per_mw", "float", "CNY/MW", "Capex of the heat-recovery plant per MW of heat, "
           "annualised over lifetime_yr.", min=0.0, default=0.0, required=False, example=None),
    ),
)

SITE_COOLING = Sheet(
    name="SiteCooling",
    required=False,
    description="Optional per-site overrides: forbid a cooling technology at a site or change its PUE/capex.",
    key=("site_id", "cooling_id"),
    columns=(
        _c("site_id", "id", "-", "Site.", ref="Sites.site_id", example="qingyang-1"),
        _c("cooling_id", "id", "-", "Cooling technology.", ref="Cooling.cooling_id", example="air"),
        _c("allowed", "bool", "yes/no", "no = this technology cannot be used at this site.", choices=YES_NO,
           default=True, required=False, example="no"),
        _c("pue_annual", "float", "-", "Override of the annual PUE at this site; blank = Cooling value.",
           min=1.0, limit=MAX_PUE, required=False, plausible=(1.0, 3.0), example=None),
        _c("capex_cny_per_mw_it", "float", "CNY/MW", "Override of the cooling capex at this site; blank = "
           "Cooling value.", min=0.0, required=False, example=None),
        _c("wue_l_per_kwh", "float", "L/kWh", "Override of the WUE at this site; blank = Cooling value.",
           min=0.0, limit=100.0, required=False, example=None),
    ),
)

DEMAND = Sheet(
    name="Demand",
    description="Demand regions: IT load that must be served by sites within the latency cap.",
    key=("demand_id",),
    min_rows=1,
    columns=(
        _c("demand_id", "id", "-", "Unique demand id.", example="shanghai-inference"),
        _c("name", "str", "-", "Display name.", example="Shanghai inference"),
        _c("lat", "float", "deg", "Latitude of the demand centre.", min=-90.0, max=90.0, example=31.2),
        _c("lon", "float", "deg", "Longitude of the demand centre.", min=-180.0, max=180.0, example=121.5),
        _c("it_load_mw", "float", "MW", "IT capacity the demand needs (its peak IT load).", min=0.0,
           min_exclusive=True, example=100.0),
        _c("latency_cap_ms", "float", "ms", "Maximum one-way latency to a serving site.", min=0.0,
           min_exclusive=True, example=20.0),
        _c("max_share_per_site", "float", "-", "Optional: at most this share of the demand on one site (0.5 = "
           "split over >= 2 sites); blank = no limit.", min=0.0, max=1.0, min_exclusive=True, required=False,
           example=None),
        _c("load_profile", "id", "-", "Profile id of hourly utilisation (0-1) of it_load_mw; blank = flat 1.",
           ref="Profiles", profile_unit="share", required=False, example=None),
        _c("flexible_share", "float", "-", "Share of the demand's IT energy that may move in time within its "
           "window (batch training, offline inference); 0 = none.", min=0.0, max=1.0, default=0.0, required=False,
           example=None),
        _c("flexible_window", "str", "-", "Window within which moved energy must still be served: 'day' (the "
           "representative day, or each calendar day of a full year).", choices=("day",), default="day",
           required=False, example=None),
        _c("flexible_window_h", "float", "h", "Optional rolling window instead of the calendar day: each MWh moved "
           "is served within this many hours of its own hour, across midnight (full-year profiles only; on "
           "representative days the window is the day); blank = flexible_window.", min=1.0, max=8760.0,
           required=False, plausible=(1.0, 168.0), example=None),
        _c("rack_kw", "float", "kW/rack", "Optional rack power density of the demand's IT: only cooling "
           "technologies with Cooling.max_rack_kw >= it may serve it; blank = any.", min=0.0, min_exclusive=True,
           limit=1000.0, required=False, plausible=(1.0, 200.0), example=None),
    ),
)

NETWORK = Sheet(
    name="Network",
    required=False,
    description="Optional explicit demand-site pairs: latency and service cost. Overrides Links and the proxy.",
    key=("demand_id", "site_id"),
    columns=(
        _c("demand_id", "id", "-", "Demand.", ref="Demand.demand_id", example="shanghai-inference"),
        _c("site_id", "id", "-", "Site.", ref="Sites.site_id", example="qingyang-1"),
        _c("latency_ms", "float", "ms", "One-way latency between demand and site.", min=0.0, example=18.0),
        _c("service_cost_cny_per_mw_yr", "float", "CNY/(MW*yr)", "Network/service cost per MW served per year; "
           "blank = Settings default per ms.", min=0.0, required=False, example=None),
    ),
)

LINKS = Sheet(
    name="Links",
    required=False,
    description="Optional network graph: a pair's latency is the shortest path (networkx). Nodes are demand "
    "ids, site ids or any other backbone node name.",
    key=("node_a", "node_b"),
    columns=(
        _c("node_a", "id", "-", "One end (demand id, site id or backbone node).",
           example="shanghai-inference"),
        _c("node_b", "id", "-", "Other end.", example="qingyang-1"),
        _c("latency_ms", "float", "ms", "One-way latency of the link.", min=0.0, example=9.0),
    ),
)

TECHNOLOGY_IDS = ("pv", "wind", "battery")

TECHNOLOGIES = Sheet(
    name="Technologies",
    description="Cost and performance of PV, wind and battery storage (one row each).",
    key=("tech_id",),
    min_rows=3,
    more_examples=(
        {"tech_id": "wind", "capex_cny_per_kw": 4800.0, "fixed_om_share": 0.02, "lifetime_yr": 25},
        {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 700.0, "fixed_om_share": 0.02,
         "lifetime_yr": 15, "round_trip_efficiency": 0.88, "min_hours": 1.0, "max_hours": 4.0},
    ),
    columns=(
        _c("tech_id", "id", "-", "pv, wind or battery.", choices=TECHNOLOGY_IDS, example="pv"),
        _c("capex_cny_per_kw", "float", "CNY/kW", "Capex per kW of power capacity.", min=0.0,
           plausible=(100.0, 20000.0), example=3300.0),
        _c("capex_cny_per_kwh", "float", "CNY/kWh", "Battery only: capex per kWh of energy capacity.", min=0.0,
           default=0.0, required=False, example=None),
        _c("fixed_om_share", "float", "1/yr", "Fixed O&M per year as a share of capex.", min=0.0, max=0.5,
           default=0.0, required=False, example=0.015),
        _c("lifetime_yr", "float", "yr", "Economic lifetime.", min=1.0, max=MAX_LIFETIME_YR, example=25),
        _c("round_trip_efficiency", "float", "-", "Battery only: round-trip efficiency.", min=0.0, max=1.0,
           min_exclusive=True, default=1.0, required=False, example=None),
        _c("min_hours", "float", "h", "Battery only: minimum energy/power ratio.", min=0.0, limit=8760.0, default=0.0,
           required=False, example=None),
        _c("max_hours", "float", "h", "Battery only: maximum energy/power ratio.", min=0.0, min_exclusive=True, limit=8760.0,
           default=8.0, required=False, example=None),
        _c("embodied_tco2_per_mw", "float", "tCO2/MW", "Embodied emissions per MW of power capacity (spread over "
           "lifetime_yr).", min=0.0, default=0.0, required=False, example=None),
        _c("embodied_tco2_per_mwh", "float", "tCO2/MWh", "Battery only: embodied emissions per MWh of energy "
           "capacity.", min=0.0, default=0.0, required=False, example=None),
    ),
)

PROFILES = Sheet(
    name="Profiles",
    kind="profiles",
    description="Time series, one column per profile id after day/hour/weight_days. Either 8760 hourly rows "
    "(365 days x 24 h, weight 1 day each) or representative days (24 rows per day) whose weights sum to 365.",
    min_rows=24,
    columns=(
        _c("day", "int", "-", "Day (period) number; 24 consecutive rows per day.", min=1, example=1),
        _c("hour", "int", "h", "Hour of the day, 0-23.", min=0, max=23, example=0),
        _c("weight_days", "float", "days", "How many days of the year this day stands for (1 for a full "
           "year); weights sum to 365.", min=0.0, min_exclusive=True, example=365),
    ),
)

SCENARIOS = Sheet(
    name="Scenarios",
    required=False,
    description="Optional scenario variants for planner sweep: one override per row (rows with the same scenario "
    "name form one scenario). An override is a setting name, a cell Sheet[id].column or a whole column "
    "Sheet.column, then =value, *=factor or +=delta.",
    more_examples=({"scenario": "carbon-300-cheap-battery", "override": "Technologies[battery].capex_cny_per_kwh*=0.7",
                    "description": "Carbon 300 CNY/t and 30 % cheaper batteries", "based_on": "carbon-300"},),
    columns=(
        _c("scenario", "id", "-", "Scenario name; rows with the same name form one scenario.", example="carbon-300"),
        _c("override", "str", "-", "One override, e.g. carbon_price_cny_per_tco2=300, Hubs[yrd].pue_cap=1.2 or "
           "Demand.it_load_mw*=1.5; blank = none (the scenario is its base).", required=False,
           example="carbon_price_cny_per_tco2=300"),
        _c("description", "str", "-", "What the scenario stands for (shown in the study workbook).", required=False,
           example="Carbon price 300 CNY/tCO2"),
        _c("based_on", "id", "-", "Another scenario whose overrides apply first; blank = the workbook as it is.",
           required=False, example=None),
    ),
)

@dataclass(frozen=True)
class ProfileUnit:
    """A unit a profile column may have (its Profiles unit-row entry) and the values it allows."""

    unit: str
    meaning: str
    min: float | None = None  # outside [min, max]: an error
    max: float | None = None
    plausible_mean: tuple[float, float] | None = None  # mean outside: a warning about units


PROFILE_UNITS: dict[str, ProfileUnit] = {u.unit: u for u in (
    ProfileUnit("cf", "capacity factor 0-1 (PV, wind)", min=0.0, max=1.0),
    ProfileUnit("share", "utilisation 0-1 of the demand's it_load_mw", min=0.0, max=1.0),
    ProfileUnit("degC", "outdoor temperature", plausible_mean=(-30.0, 40.0)),
    ProfileUnit("CNY/MWh", "grid energy price", plausible_mean=(20.0, 3000.0)),
    ProfileUnit("tCO2/MWh", "grid emission factor", min=0.0, max=2.0, plausible_mean=(0.0, 1.2)),
    ProfileUnit("MW", "heat demand (MW of heat)", min=0.0),
)}

PROFILE_UNIT_HINT = (
    "Profile columns: capacity factors and utilisation 0-1 ('cf' or 'share'), temperature 'degC', price "
    "'CNY/MWh', emission factor 'tCO2/MWh', heat demand 'MW'."
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS, HUBS, SITES, COOLING, SITE_COOLING, DEMAND, NETWORK, LINKS, TECHNOLOGIES, PROFILES,
    SCENARIOS,
)
SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}

README_SHEET = "README"
# Sheets a workbook may carry for documentation; the reader ignores them without a warning.
AGGREGATION_SHEET = "Aggregation"  # written by `planner aggregate`: how well its representative days fit the year
INFO_SHEETS = (README_SHEET, "Sources", "Notes", AGGREGATION_SHEET)

WORKFLOW = (
    "1. Fill every sheet (row 1 = column names, row 2 = units, data from row 3; replace the example rows).",
    "2. planner validate <workbook>  - lists every problem with its sheet and cell.",
    "3. planner solve <workbook>     - writes <name>-result.xlsx in an outputs/ folder next to it.",
    "4. planner compare A.xlsx B.xlsx - shows what changed between scenarios.",
)


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: where, what is wrong, and how to fix it."""

    severity: Literal["error", "warning"]
    sheet: str
    cell: str  # e.g. "B7", "row 7", "column F" or "" for the whole sheet / workbook
    message: str
    fix: str = ""
    workbook: str = ""

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} - {self.fix}" if self.fix else text


def by_severity(problems: list[Problem], severity: str) -> list[Problem]:
    """The problems of one severity ('error' or 'warning'), in order."""
    return [p for p in problems if p.severity == severity]


@dataclass
class ProblemList:
    items: list[Problem] = field(default_factory=list)

    def error(self, sheet: str, cell: str, message: str, fix: str = "") -> None:
        self.items.append(Problem("error", sheet, cell, message, fix))

    def warning(self, sheet: str, cell: str, message: str, fix: str = "") -> None:
        self.items.append(Problem("warning", sheet, cell, message, fix))

    @property
    def errors(self) -> list[Problem]:
        return by_severity(self.items, "error")

    @property
    def warnings(self) -> list[Problem]:
        return by_severity(self.items, "warning")
