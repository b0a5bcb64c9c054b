"""The annualised cost components (CNY/yr), named once. Their expressions are in `planner.model.costs`; this
module holds only the names, so that the result schema and `planner compare` need not import Pyomo."""

COST_COMPONENTS = ("site_opening", "it", "cooling", "pv", "wind", "battery", "grid_connection", "energy",
                   "service", "carbon", "export_revenue",
                   "certificates", "green_contracts", "flexible_moves", "water", "heat_recovery", "heat_revenue")
# components the objective prices through a global column rather than as the sum of the site parts
PRICED_GLOBALLY = ("carbon",)
# the components with a capital cost (overnight capex: `planner.model.capex`), in COST_COMPONENTS order
CAPEX_COMPONENTS = ("site_opening", "it", "cooling", "pv", "wind", "battery", "heat_recovery")
