"""Every tolerance, time share and tuning number of the site decomposition, named once, each with why.

Time shares are of the time left when the step starts (`Budget.share`), unless they say "of the whole"
(`Budget.share_of_total`). Relative tolerances are taken of the quantity's size, floored at 1 where the code
says so. Measurements behind the numbers are in benchmarks/README.md.
"""

from __future__ import annotations

import os

# --- which path a case takes ---------------------------------------------------------------------------------------
# beyond this many time steps (e.g. 8760 h) the per-site LPs are too large for column generation: the design comes
# from DESIGN_DAYS evenly spread days, and only the final LP sees every hour
FULL_DETAIL_MAX_TIME_STEPS = 24 * 60
DESIGN_DAYS = 12  # evenly spread days a full-year case takes its design from
BOUND_DAYS = 12  # average days of the full year's relaxation that the year's cuts go into: more bound no better

# --- time shares ---------------------------------------------------------------------------------------------------
DECOMPOSE_SHARE = 0.7  # for the decomposition; the rest is for HiGHS' branch and bound if the plan is not proven
BOUND_SHARE = 0.5  # of the whole decomposition, for the column generation of the bound: the plan needs the rest
DIVE_OPEN_SHARE = 0.6  # for the dive of the open decisions, the first of the plan's steps
SWAP_SHARE = 0.2  # for the swaps of open sites after it
DIVE_DESIGN_SHARE = 0.5  # for the dive of cooling and modules after them: local moves on the full model need the rest
# for local moves on the dived plan in the master (`master_moves`), when it is not within the gap: the MIP over the
# open sites' cooling and modules needs the rest
MASTER_MOVES_SHARE = 0.6
PLAN_MIP_SHARE = 0.3  # for the last-resort MIP over the open sites' cooling and modules: a MIP need not end by itself
DESIGN_DAYS_SHARE = 0.3  # of the whole full-year solve, for the design on DESIGN_DAYS days: the year needs the rest
# the full year's bound (`year_bound.YearBound`): its first rounds of cuts take up to this share; while the plan is
# not proven, a new design is dived from the relaxation in up to REDESIGN_SHARE (the dive and the design's year LP)
# whenever the bound rises too slowly, and the bound goes on
BOUND_FIRST_SHARE = 0.4
REDESIGN_SHARE = 0.3  # for one design dived from the relaxation and run over the year
REDESIGN_ROOM = 1.2  # once less than this x the last design's time is left, the rounds of cuts go on to the deadline
SIZING_SHARE = 0.3  # for the year's LP to size PV, wind and battery itself once it has a plan with them fixed
MIN_RUN_S = 0.5  # least time limit of a HiGHS run, even at the deadline: a run stopped at once returns nothing usable
FINAL_MIP_MIN_S = 1.0  # least time for HiGHS' branch and bound after the decomposition, to load its start at least

# --- tolerances ----------------------------------------------------------------------------------------------------
# a column value within this of 0, 1 or a fixed value counts as that value (HiGHS' primal tolerance is 1e-7)
VALUE_TOL = 1e-6
ARTIFICIAL_TOL = 1e-6  # the master meets every linking row when its artificial columns sum to no more than this
PLAN_TOL = 1e-6  # relative tolerance of a plan's rows, bounds and integrality (`blocks.plan_holds`)
# a site LP's optimum must equal its solution's priced cost to this share of the terms' sizes (`solution_agrees`)
AGREEMENT_TOL = 1e-6
PRICING_TOL = 1e-9  # a site proposal is taken when its reduced cost is below -this x |master objective| (floor 1)
LINK_COEF_ZERO = 1e-12  # linking-row coefficients of a proposal smaller than this are left out of the master
CUT_ROW_SLACK = 1e-9  # a proposal breaks a row added to its site when it misses it by more than this, relative
SWAP_IMPROVEMENT = 1e-6  # a swap of open sites is kept when the master gets cheaper by more than this share
MOVE_IMPROVEMENT = 1e-9  # a local move is kept when the plan gets cheaper by more than this share
KEPT_OBJECTIVE = 1e-7  # a module rounding within this share of the objective before it kept it: none can be cheaper
ONE_COOLING_SHARE = 1e-3  # a site's cooling is clear when one technology carries all but this share of its IT capacity
MIN_INTERVAL_S = 1e-9  # least time over which the bound's rise is measured

# --- rounding the open decisions -----------------------------------------------------------------------------------
BINARY_ON = 0.5  # a binary (or open share) above this is 1
OPEN_TOGETHER = 0.9  # open shares at least this are opened together in one dive step: they are as good as whole
ROUND_UP = 0.5  # else the largest open share is opened when at least this, and the smallest closed otherwise

# --- column generation ---------------------------------------------------------------------------------------------
PENALTY_SCALE = 100.0  # artificial penalty per unit of linking-row violation, times the largest cost coefficient
PENALTY_RAISES = 3  # times the penalty is raised while the master still needs artificials: then they are real
PENALTY_RAISE = 100.0  # factor of each raise
# column generation stops when the bound is within this share of the MIP gap of the master: the rounds near the end
# are cheap, and a plan just inside the gap is proven only by a bound close to the LP relaxation's
BOUND_TOLERANCE = 0.02
YEAR_LP_TOLERANCE = 0.1  # share of the MIP gap within which the year's LP by column generation counts as solved
DIVE_ROUNDS = 6  # column-generation rounds after each diving step (the master need not converge there)
# site LPs priced at once: HiGHS' simplex is serial, so one per core (at most 4), and no more than this environment
# variable allows: a study's worker processes set it to 1, since each of them already has a core of its own
THREADS_VARIABLE = "PLANNER_THREADS"


def pricing_threads() -> int:
    """Threads on which site LPs are priced at once in this process (read when a decomposition starts)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    allowed = os.environ.get(THREADS_VARIABLE, "").strip()
    cap = int(allowed) if allowed.isdigit() and int(allowed) > 0 else cores
    return max(1, min(4, cores, cap))


# HiGHS' user_objective_scale brings the largest cost to about 2 ** this: larger costs (1e10 CNY and more) make its
# dual simplex fail the ratio test ("excessive dual values")
OBJECTIVE_SCALE_LOG2 = 10
# a site LP's cold solve may take STALL_PER_DIMENSION x (rows + columns) + STALL_EXTRA simplex iterations before it
# is taken as stalled and tried another way (`pricing.SiteLps`)
STALL_PER_DIMENSION = 2
STALL_EXTRA = 10_000
# a warm start may take WARM_PER_COLD x the site's last cold solve's iterations + WARM_EXTRA before it starts cold:
# a warm start can stall far longer than a cold solve takes
WARM_PER_COLD = 2
WARM_EXTRA = 1000

# --- cuts from the year's dispatch (`year_cuts`, `year_bound`) -----------------------------------------------------
# rounds of cuts over which the bound's rise is measured: the rounds stop when, rising at that pace, it would not
# prove the plan in the time left
PROGRESS_ROUNDS = 3
CUT_TOLERANCE = 1e-4  # a cut is added when the year costs more than theta_s by this share of the site's cost
SAFETY = 1e-7  # relative margin taken off a cut's level: HiGHS' optimum is optimal to its tolerances
FEASIBILITY_TOLERANCE = 1e-3  # MWh/yr of rule violation below which a design counts as feasible for its year
# in-out separation: cuts are made this far from a site's core point towards the relaxation's design, and the core
# moves there: near the core the cuts are deeper where plans lie, and warm year LPs solve faster
SEPARATION_WEIGHT = 0.5
