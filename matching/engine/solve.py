"""Exact maximum-score assignment with capacities, by maintained solvers.

Small pools go to scipy's `linear_sum_assignment` on the dense matrix of every
pair, where a mentor with `c` places is `c` identical columns. Large pools go to
OR-Tools' min-cost flow on the shortlisted pairs, which handles places natively:
each mentee sends one unit of flow to the sink, through a mentor (cost: OFFSET
minus the pair's score) or straight there (unmatched, cost OFFSET); a mentor passes
at most as many units as they have places. Minimising the cost maximises the total.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from scipy.optimize import linear_sum_assignment

# Min-cost flow needs whole-number costs: scores (0-100) in ten-thousandths of a
# point, so a total may fall short of the optimum by 0.00005 a pair at most; finer
# scales only slow the solver down.
COST_SCALE = 10_000
OFFSET = 101.0  # above any score, so that every cost is positive


class SolverError(RuntimeError):
    """The solver failed on an instance it should always solve (a bug, not bad input)."""


def solve_dense(scores: np.ndarray, allowed: np.ndarray, capacities: np.ndarray) -> np.ndarray:
    """The mentor index of each mentee (-1: unmatched) maximising the total score.

    `scores` is mentees x mentors; pairs where `allowed` is False are never chosen.
    """
    n = scores.shape[0]
    owners = np.repeat(np.arange(len(capacities)), capacities)  # the mentor of each place
    result = np.full(n, -1, np.int64)
    if not n or not len(owners):
        return result
    # A forbidden pair is worth what leaving the mentee unmatched is worth: nothing.
    values = np.where(allowed, scores, 0.0)[:, owners]
    rows, places = linear_sum_assignment(values, maximize=True)
    mentors = owners[places]
    chosen = allowed[rows, mentors]
    result[rows[chosen]] = mentors[chosen]
    return result


def solve_sparse(
    n: int, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, capacities: np.ndarray
) -> np.ndarray:
    """Like `solve_dense`, over the listed pairs only (each listed once)."""
    result = np.full(n, -1, np.int64)
    if not n or not len(rows):
        return result
    m = len(capacities)
    sink = n + m
    flow = SimpleMinCostFlow()
    tails = np.concatenate([rows, n + np.arange(m), np.arange(n)]).astype(np.int32)
    heads = np.concatenate([n + cols, np.full(m, sink), np.full(n, sink)]).astype(np.int32)
    limits = np.concatenate([np.ones(len(rows)), capacities, np.ones(n)]).astype(np.int64)
    pair_costs = np.rint((OFFSET - np.asarray(scores, float)) * COST_SCALE)
    costs = np.concatenate(
        [pair_costs, np.zeros(m), np.full(n, np.rint(OFFSET * COST_SCALE))]
    ).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, limits, costs)
    supplies = np.zeros(n + m + 1, np.int64)
    supplies[:n], supplies[sink] = 1, -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(len(rows), dtype=np.int32)) > 0
    result[rows[used]] = cols[used]
    return result
