"""Site decomposition for large cases: a Lagrangian lower bound and a rounded plan, without the big LP.

The planning MILP is block-angular: every site owns its columns and rows (capacity, cooling, hourly dispatch,
storage, green-connection rules); only a few rows link sites (demand served, hub PUE cap, hub green share, the
emission total). Which is which is declared in `planner/model/roles.csv`. Most candidate sites stay closed, yet a
direct solve carries every site's hourly block through every LP HiGHS solves, and on large cases the root LP
alone does not finish in time.

1. **Bound** (`colgen`): Dantzig-Wolfe column generation. A small master LP (`master`) chooses a convex
   combination of site proposals (plus a "closed" proposal) that satisfies the linking rows; each site's LP over
   its own block, priced with the master's duals (`pricing`), proposes a new column; each round gives a
   Lagrangian lower bound on the full MILP.
2. **Plan** (`dives`): diving in the master, open decisions first, then cooling and modules. If that plan is not
   within the gap, the LP over the continuous variables with its integers fixed runs on the full model, and
   local moves improve it (`local_search`, `restricted`). `sites.decompose` runs 1 and 2.
3. **Full-year cases** (`year_plan`) take their design from a few days of the year, their plan from the year's
   LP of the open sites (`year_sizing`), and their bound from average days with each site's operating cost at
   least what its design costs over the real year (`year_cuts`, `year_bound`).

If plan and bound are within the MIP gap, the plan is proven and HiGHS' branch and bound is not needed; otherwise
HiGHS starts from the plan on the full model and stops as soon as the bound proves its incumbent
(`strategy.solve_by_sites`). Everything runs on a highspy model compiled from the Pyomo model for this solve
(`planner.solver.matrix`); the solution is loaded back into the Pyomo variables. Time is handed down as a
`budget.Budget`; every tolerance and time share is in `tuning`.

Consecutive solves of one model (`warm`): the site proposals of one decomposition seed the next one's master, and
its plan is the next one's incumbent where it still holds, while every site's own block is unchanged (only linking
rows and costs changed: the carbon cap or price, the objective), as along the cost-carbon frontier.
"""

from planner.decomposition.strategy import solve_by_sites
from planner.decomposition.tuning import DESIGN_DAYS

__all__ = ["DESIGN_DAYS", "solve_by_sites"]
