"""Who is matched with whom: the optimal assignment and two baselines.

`assign` maximises the total score over the programme subject to the hard rules:
a mentor takes at most their places left, a mentee at most one mentor, no blocked
pair, no same-organisation pair when the programme asks for cross-organisation
pairs, no pair below the minimum score (the mentee stays unmatched instead), and
locked pairs are kept as they are (they use their mentor's places). Inputs are
sorted by id first, so the same people give the same result whatever their order.

`greedy` (best remaining pair first) and `first_come_first_served` (mentees in the
order given, each taking their best mentor still available) follow the same rules;
they are the baselines the benchmark compares with.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .matrix import Buffers, PoolScores
from .scoring import score_pair
from .shortlist import shortlist
from .solve import solve_dense, solve_sparse
from .types import Assignment, Candidate, Pair, Rules, Weights

# Mentees x places up to which the dense solver sees every pair (about 0.1 s).
DENSE_CELLS = 2_500_000
# Shortlists for larger pools: each mentee's best mentors, each mentor's best
# mentees per place. Larger lists come closer to the optimum, and take longer.
PER_MENTEE = 40
PER_PLACE = 16
# A pair reaches the minimum when its exact score (score_pair's) does, give or take
# rounding. Matrices may round differently: float64 ones by far less than
# MIN_SCORE_TOLERANCE, float32 ones (large pools) by less than FLOAT32_MARGIN; they
# let such pairs through and `result` drops any whose exact score falls short.
MIN_SCORE_TOLERANCE = 1e-9
FLOAT32_MARGIN = 1e-4

NO_PLACES = "No mentor with places left"
ALL_BLOCKED = "Every possible mentor is blocked (a conflict of interest or an earlier mentorship)"
BELOW_MINIMUM = "No mentor scored above the programme's minimum of {minimum:g}"
OUTSCORED = "Mentors with room were matched with mentees who scored higher with them"


@dataclass
class Problem:
    """The people still to match, the mentors with places, and the locked pairs."""

    mentees: list[Candidate]  # not in a locked pair, by id
    mentors: list[Candidate]  # with places left once locked pairs are counted, by id
    places: np.ndarray  # places left of each of `mentors`
    locked: list[tuple[Candidate, Candidate]]
    order: list[int]  # positions in `mentees` in the order the mentees were given


def prepare(mentees: Sequence[Candidate], mentors: Sequence[Candidate], rules: Rules) -> Problem:
    mentee_by_id = {m.id: m for m in reversed(mentees)}  # the first of duplicates wins
    mentor_by_id = {m.id: m for m in reversed(mentors)}
    locked: dict[int, Candidate] = {}
    for mentee_id, mentor_id in sorted(rules.locked_pairs):
        if mentee_id in mentee_by_id and mentor_id in mentor_by_id and mentee_id not in locked:
            locked[mentee_id] = mentor_by_id[mentor_id]
    load = Counter(mentor.id for mentor in locked.values())
    free = sorted((m for m in mentee_by_id.values() if m.id not in locked), key=lambda m: m.id)
    places = {i: rules.capacities.get(i, 0) - load[i] for i in mentor_by_id}
    open_mentors = sorted(
        (m for m in mentor_by_id.values() if places[m.id] > 0), key=lambda m: m.id
    )
    position = {m.id: p for p, m in enumerate(free)}
    seen: set[int] = set()
    order = []
    for mentee in mentees:
        if mentee.id in position and mentee.id not in seen:
            seen.add(mentee.id)
            order.append(position[mentee.id])
    return Problem(
        mentees=free,
        mentors=open_mentors,
        places=np.array([places[m.id] for m in open_mentors], np.int64),
        locked=[(mentee_by_id[i], mentor) for i, mentor in sorted(locked.items())],
        order=order,
    )


def why_unmatched(places: bool, allowed: bool, eligible: bool, rules: Rules) -> str:
    if not places:
        return NO_PLACES
    if not allowed:
        return ALL_BLOCKED
    if not eligible:
        return BELOW_MINIMUM.format(minimum=rules.min_score)
    return OUTSCORED


def result(
    problem: Problem,
    choice: np.ndarray,
    allowed: np.ndarray,
    eligible: np.ndarray,
    weights: Weights,
    rules: Rules,
) -> Assignment:
    """Pairs scored in full (breakdown and reasons), and why the others are unmatched."""
    pairs = [Pair(a.id, b.id, score_pair(a, b, weights)) for a, b in problem.locked]
    unmatched: dict[int, str] = {}
    has_places = bool(len(problem.mentors))
    for i, mentee in enumerate(problem.mentees):
        j = int(choice[i])
        if j < 0:
            unmatched[mentee.id] = why_unmatched(has_places, allowed[i], eligible[i], rules)
            continue
        score = score_pair(mentee, problem.mentors[j], weights)
        if score.total >= rules.min_score - MIN_SCORE_TOLERANCE:
            pairs.append(Pair(mentee.id, problem.mentors[j].id, score))
        else:  # only the rounding margin let this pair through
            unmatched[mentee.id] = why_unmatched(has_places, True, False, rules)
    pairs.sort(key=lambda p: p.mentee_id)
    return Assignment(
        pairs=tuple(pairs), unmatched=unmatched, total=sum(p.score.total for p in pairs)
    )


def assign(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    weights: Weights,
    rules: Rules,
    *,
    dense_cells: int = DENSE_CELLS,
) -> Assignment:
    """The assignment with the highest total score that keeps every hard rule.

    Pools up to `dense_cells` (mentees x places) are solved exactly over every pair.
    Larger ones are solved exactly over shortlists (see shortlist.py): on generated
    programmes of 5,000 and 10,000 mentees that came within 0.01% of the optimum over
    every pair, and doubling the lists moved a 50,000-mentee total by under 0.01%.
    """
    problem = prepare(mentees, mentors, rules)
    n = len(problem.mentees)
    if not n or not len(problem.mentors):
        empty = np.zeros(n, bool)
        return result(problem, np.full(n, -1), empty, empty, weights, rules)
    if n * int(problem.places.sum()) <= dense_cells:
        pool = PoolScores(problem.mentees, problem.mentors, weights, rules)
        scores = pool.dense()
        eligible = scores >= rules.min_score - MIN_SCORE_TOLERANCE  # never -inf (forbidden)
        choice = solve_dense(scores, eligible, problem.places)
        allowed, any_eligible = np.isfinite(scores).any(axis=1), eligible.any(axis=1)
    else:
        pool = PoolScores(problem.mentees, problem.mentors, weights, rules, dtype=np.float32)
        floor = rules.min_score - FLOAT32_MARGIN
        found = shortlist(pool, floor, PER_MENTEE, PER_PLACE * problem.places)
        choice = solve_sparse(n, found.rows, found.cols, found.scores, problem.places)
        allowed, any_eligible = found.any_allowed, found.any_eligible
    return result(problem, choice, allowed, any_eligible, weights, rules)


# --- Baselines -----------------------------------------------------------------------

GREEDY_DENSE_CELLS = 20_000_000
OFFER_BATCH = 32


class Offers:
    """Each mentee's allowed mentors with places left, best first, a batch at a time."""

    def __init__(self, problem: Problem, weights: Weights, rules: Rules) -> None:
        n, m = len(problem.mentees), len(problem.mentors)
        dense = n * m <= GREEDY_DENSE_CELLS
        self.pool = PoolScores(
            problem.mentees,
            problem.mentors,
            weights,
            rules,
            dtype=np.float64 if dense else np.float32,
        )
        self.floor = rules.min_score - (MIN_SCORE_TOLERANCE if dense else FLOAT32_MARGIN)
        self.left = problem.places.copy()
        self.scores = self.pool.dense() if dense else None
        self.buffers = Buffers()
        self.lists: list[list[tuple[float, int]]] = [[] for _ in range(n)]
        self.position = [0] * n
        self.complete = np.zeros(n, bool)  # the list holds every remaining candidate
        self.allowed = np.zeros(n, bool)
        self.eligible = np.zeros(n, bool)
        step = max(1, (1 << 21) // max(m, 1))
        for start in range(0, n, step):
            block = self.rows(start, min(n, start + step))
            best = block.max(axis=1)
            self.allowed[start : start + len(block)] = best > -np.inf
            self.eligible[start : start + len(block)] = best >= self.floor
            for offset, row in enumerate(block):
                self.fill(start + offset, row)

    def rows(self, start: int, stop: int) -> np.ndarray:
        if self.scores is not None:
            return self.scores[start:stop]
        return self.pool.block(start, stop, self.buffers)

    def fill(self, i: int, row: np.ndarray) -> None:
        """The best OFFER_BATCH candidates, with every tie of the last one."""
        candidates = np.flatnonzero((row >= self.floor) & (self.left > 0))
        values = row[candidates]
        if len(candidates) > OFFER_BATCH:
            bar = np.partition(values, len(values) - OFFER_BATCH)[len(values) - OFFER_BATCH]
            keep = values >= bar
            self.complete[i] = bool(keep.all())
            candidates, values = candidates[keep], values[keep]
        else:
            self.complete[i] = True
        order = np.lexsort((candidates, -values))
        self.lists[i] = list(zip(values[order].tolist(), candidates[order].tolist(), strict=True))
        self.position[i] = 0

    def next_for(self, i: int) -> tuple[float, int] | None:
        """Mentee i's best mentor with a place left, or None."""
        while True:
            entries = self.lists[i]
            while self.position[i] < len(entries):
                value, j = entries[self.position[i]]
                self.position[i] += 1
                if self.left[j] > 0:
                    return value, j
            if self.complete[i]:
                return None
            # Everyone listed has filled up since: list the next best.
            self.fill(i, self.rows(i, i + 1)[0].copy())


def baseline_result(
    problem: Problem, offers: Offers | None, choice: np.ndarray, weights: Weights, rules: Rules
) -> Assignment:
    if offers is None:
        empty = np.zeros(len(problem.mentees), bool)
        return result(problem, choice, empty, empty, weights, rules)
    return result(problem, choice, offers.allowed, offers.eligible, weights, rules)


def greedy(
    mentees: Sequence[Candidate], mentors: Sequence[Candidate], weights: Weights, rules: Rules
) -> Assignment:
    """Repeatedly match the best-scoring pair still possible (ties: lower ids first)."""
    problem = prepare(mentees, mentors, rules)
    choice = np.full(len(problem.mentees), -1)
    if not problem.mentees or not problem.mentors:
        return baseline_result(problem, None, choice, weights, rules)
    offers = Offers(problem, weights, rules)
    heap = []
    for i in range(len(problem.mentees)):
        offer = offers.next_for(i)
        if offer is not None:
            heap.append((-offer[0], i, offer[1]))
    heapq.heapify(heap)
    while heap:
        _, i, j = heapq.heappop(heap)
        if offers.left[j] > 0:
            choice[i] = j
            offers.left[j] -= 1
            continue
        offer = offers.next_for(i)
        if offer is not None:
            heapq.heappush(heap, (-offer[0], i, offer[1]))
    return baseline_result(problem, offers, choice, weights, rules)


def first_come_first_served(
    mentees: Sequence[Candidate], mentors: Sequence[Candidate], weights: Weights, rules: Rules
) -> Assignment:
    """Mentees in the order given each take their best mentor with a place left."""
    problem = prepare(mentees, mentors, rules)
    choice = np.full(len(problem.mentees), -1)
    if not problem.mentees or not problem.mentors:
        return baseline_result(problem, None, choice, weights, rules)
    offers = Offers(problem, weights, rules)
    for i in problem.order:
        offer = offers.next_for(i)
        if offer is not None:
            choice[i] = offer[1]
            offers.left[offer[1]] -= 1
    return baseline_result(problem, offers, choice, weights, rules)
