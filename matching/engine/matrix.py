"""Scores for whole pools at once, with numpy, for assignment.

Every criterion but topics depends on a small set of values on each side (a
specialty, a band, a region and time zone...), so each becomes a table indexed by
the mentee's and the mentor's code for that criterion, filled once by the very
functions `score_pair` uses and pre-multiplied by its weight. Topics are bit
matrices multiplied together. A block of mentees is then scored against every
mentor with a few gathers and one small matrix product, never a Python loop per
pair. Pairs the rules forbid (blocked, same organisation) score -inf.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from . import scoring
from .types import CRITERIA, Candidate, Rules, Weights

FORBIDDEN = -np.inf
# Two criteria tables are merged into one while the merged table stays this small.
MERGED_TABLE_CELLS = 1 << 20
# Above this many same-organisation pairs, compare organisation codes block by block.
CONFLICT_PAIRS_LISTED = 20_000_000
PREFERENCE_FIELDS = ("sex", "age_band", "ethnicity", "religion")


@dataclass
class Factor:
    """A table[mentee code, mentor code] added to every pair's total."""

    rows: np.ndarray  # code of each mentee
    cols: np.ndarray  # code of each mentor
    table: np.ndarray


def encode(keys: Sequence[Hashable]) -> tuple[np.ndarray, list[Hashable]]:
    """Small integer codes for keys, in order of first appearance."""
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.int32, len(keys))
    return codes, list(index)


def tabulate(
    mentee_keys: Sequence[Hashable],
    mentor_keys: Sequence[Hashable],
    value: Callable[[Hashable, Hashable], float],
    scale: float,
    dtype: type,
) -> Factor:
    rows, row_keys = encode(mentee_keys)
    cols, col_keys = encode(mentor_keys)
    table = np.array([[scale * value(a, b) for b in col_keys] for a in row_keys], dtype=dtype)
    return Factor(rows, cols, table.reshape(len(row_keys), len(col_keys)))


def joint(first: np.ndarray, second: np.ndarray, second_size: int) -> tuple[np.ndarray, ...]:
    """Codes for the pairs of codes that occur, and those pairs' parts."""
    pairs, codes = np.unique(first.astype(np.int64) * second_size + second, return_inverse=True)
    return codes.astype(np.int32), *np.divmod(pairs, second_size)


def merge(first: Factor, second: Factor) -> Factor:
    """One table for two criteria, indexed by the pairs of codes that occur."""
    rows, ra, rb = joint(first.rows, second.rows, second.table.shape[0])
    cols, ca, cb = joint(first.cols, second.cols, second.table.shape[1])
    table = first.table[np.ix_(ra, ca)] + second.table[np.ix_(rb, cb)]
    return Factor(rows, cols, table)


def merged_size(first: Factor, second: Factor) -> int:
    rows = np.unique(first.rows.astype(np.int64) * second.table.shape[0] + second.rows)
    cols = np.unique(first.cols.astype(np.int64) * second.table.shape[1] + second.cols)
    return len(rows) * len(cols)


class PoolScores:
    """Totals (0-100) of mentees against mentors, computed a block of mentees at a time."""

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        weights: Weights,
        rules: Rules,
        dtype: type = np.float64,
    ) -> None:
        self.mentees, self.mentors = list(mentees), list(mentors)
        self.n, self.m = len(self.mentees), len(self.mentors)
        self.dtype = dtype
        total_weight = sum(scoring.weight_of(weights, c) for c in CRITERIA)
        scale = {
            c: (100.0 * scoring.weight_of(weights, c) / total_weight if total_weight else 0.0)
            for c in CRITERIA
        }
        self.factors = merge_small(self.build_factors(weights, scale))
        self.build_topics(scale["topics"])
        self.build_forbidden(rules)

    # --- Building -------------------------------------------------------------------

    def build_factors(self, weights: Weights, scale: dict[str, float]) -> list[Factor]:
        a, b, dt = self.mentees, self.mentors, self.dtype
        factors = [
            tabulate(
                [scoring.specific(x.specialty) for x in a],
                [scoring.specific(x.specialty) for x in b],
                scoring.specialty_value,
                scale["specialty"],
                dt,
            ),
            tabulate(
                [x.years_band for x in a],
                [x.years_band for x in b],
                lambda p, q: scoring.career_stage_value(p, q, weights.min_career_gap),
                scale["career_stage"],
                dt,
            ),
            tabulate(
                [(scoring.specific(x.region), x.time_zone.strip()) for x in a],
                [(scoring.specific(x.region), x.time_zone.strip()) for x in b],
                lambda p, q: scoring.location_value(p[0], p[1], q[0], q[1]),
                scale["location"],
                dt,
            ),
            tabulate(
                [x.modes for x in a],
                [x.modes for x in b],
                scoring.overlap_value,
                scale["modes"],
                dt,
            ),
            tabulate(
                [scoring.languages_of(x) for x in a],
                [scoring.languages_of(x) for x in b],
                scoring.overlap_value,
                scale["language"],
                dt,
            ),
            # Topics are unknown (0.5) when either side listed none; the product adds the rest.
            tabulate(
                [bool(x.topics) for x in a],
                [bool(x.topics) for x in b],
                lambda p, q: 0.0 if p and q else scoring.UNKNOWN,
                scale["topics"],
                dt,
            ),
        ]
        factors += self.preference_factors(scale["preferences"])
        return [f for f in factors if np.any(f.table)]

    def preference_factors(self, scale: float) -> list[Factor]:
        """The mean of the stated preferences met, one characteristic per table."""
        stated = [dict(scoring.stated_preferences(x)) for x in self.mentees]
        factors = []
        for position, name in enumerate(PREFERENCE_FIELDS):

            def value(key, actual, first=position == 0):
                wanted, count = key
                if count == 0:
                    return 1.0 if first else 0.0  # nothing stated: fully met, counted once
                if wanted is None:
                    return 0.0
                return scoring.preference_met(wanted, actual) / count

            factors.append(
                tabulate(
                    [(s.get(name), len(s)) for s in stated],
                    [getattr(x, name) or None for x in self.mentors],
                    value,
                    scale,
                    self.dtype,
                )
            )
        return factors

    def build_topics(self, scale: float) -> None:
        """Mentee rows pre-divided so that min(product, cap) is the weighted topics value."""
        self.topic_cap = scale
        if not scale:
            self.sought = None
            return
        names = dict.fromkeys(t for x in self.mentees + self.mentors for t in sorted(x.topics))
        index = {name: i for i, name in enumerate(names)}
        sought = np.zeros((self.n, len(index)), self.dtype)
        offered = np.zeros((len(index), self.m), self.dtype)
        for i, mentee in enumerate(self.mentees):
            if mentee.topics:
                share = scale / min(len(mentee.topics), scoring.TOPICS_FOR_FULL_MARKS)
                sought[i, [index[t] for t in mentee.topics]] = share
        for j, mentor in enumerate(self.mentors):
            offered[[index[t] for t in mentor.topics], j] = 1
        self.sought, self.offered = sought, offered

    def build_forbidden(self, rules: Rules) -> None:
        """Blocked and same-organisation pairs, as (mentee index, mentor index) lists."""
        row_of = {x.id: i for i, x in enumerate(self.mentees)}
        col_of = {x.id: j for j, x in enumerate(self.mentors)}
        pairs = [
            (row_of[a], col_of[b]) for a, b in rules.blocked_pairs if a in row_of and b in col_of
        ]
        rows = np.array([p[0] for p in pairs], np.int64)
        cols = np.array([p[1] for p in pairs], np.int64)
        self.org_rows = self.org_cols = None
        if rules.cross_organisation:
            org_rows, org_cols = organisation_codes(self.mentees, self.mentors)
            listed = same_code_pairs(org_rows, org_cols, CONFLICT_PAIRS_LISTED)
            if listed is None:
                self.org_rows, self.org_cols = org_rows, org_cols
            else:
                rows = np.concatenate([rows, listed[0]])
                cols = np.concatenate([cols, listed[1]])
        order = np.argsort(rows, kind="stable")
        self.forbidden_rows, self.forbidden_cols = rows[order], cols[order]

    # --- Scoring ------------------------------------------------------------------------

    def block(self, start: int, stop: int, buffers: Buffers | None = None) -> np.ndarray:
        """Totals of mentees[start:stop] against every mentor; forbidden pairs are -inf.

        Pass the same `buffers` for every block of a pass: fresh memory is slow to touch.
        """
        buffers = buffers or Buffers()
        out, spare = buffers.get(stop - start, self.m, self.dtype)
        if self.sought is not None:
            np.matmul(self.sought[start:stop], self.offered, out=out)
            np.minimum(out, self.topic_cap, out=out)
        else:
            out.fill(0)
        for factor in self.factors:
            rows = factor.table[factor.rows[start:stop]]
            # mode="clip" skips the bounds check (codes are in range) and the copy it needs.
            np.take(rows, factor.cols, axis=1, out=spare, mode="clip")
            out += spare
        self.forbid(out, start, stop)
        return out

    def forbid(self, out: np.ndarray, start: int, stop: int) -> None:
        lo, hi = np.searchsorted(self.forbidden_rows, [start, stop])
        out[self.forbidden_rows[lo:hi] - start, self.forbidden_cols[lo:hi]] = FORBIDDEN
        if self.org_rows is not None:
            rows = self.org_rows[start:stop, None]
            same = (rows == self.org_cols[None, :]) & (rows >= 0)
            out[same] = FORBIDDEN

    def dense(self) -> np.ndarray:
        return self.block(0, self.n)


class Buffers:
    """Two reusable blocks of scores."""

    def __init__(self) -> None:
        self.out = self.spare = np.empty((0, 0))

    def get(self, rows: int, cols: int, dtype: type) -> tuple[np.ndarray, np.ndarray]:
        if self.out.size < rows * cols or self.out.dtype != dtype:
            self.out = np.empty(rows * cols, dtype)
            self.spare = np.empty(rows * cols, dtype)
        shape = (rows, cols)
        return self.out[: rows * cols].reshape(shape), self.spare[: rows * cols].reshape(shape)


def merge_small(factors: list[Factor]) -> list[Factor]:
    """Merge criteria tables pairwise while the merged tables stay small: fewer gathers."""
    factors = list(factors)
    sizes: dict[tuple[int, int], int] = {}
    kept = list(factors)  # keeps every factor alive so that no id() is reused
    while len(factors) > 1:
        best = None
        for i, first in enumerate(factors):
            for second in factors[i + 1 :]:
                key = (id(first), id(second))
                if key not in sizes:
                    bound = first.table.size * second.table.size
                    fits = bound <= MERGED_TABLE_CELLS
                    sizes[key] = bound if fits else merged_size(first, second)
                if sizes[key] <= MERGED_TABLE_CELLS and (best is None or sizes[key] < best[0]):
                    best = (sizes[key], first, second)
        if best is None:
            break
        _, first, second = best
        factors = [f for f in factors if f is not first and f is not second]
        factors.append(merge(first, second))
        kept.append(factors[-1])
    return factors


def organisation_codes(
    mentees: Sequence[Candidate], mentors: Sequence[Candidate]
) -> tuple[np.ndarray, np.ndarray]:
    """A shared code per (employer, department); -1 where either is blank."""
    index: dict[tuple[str, str], int] = {}

    def code(x: Candidate) -> int:
        key = (x.employer.strip().casefold(), x.department.strip().casefold())
        return index.setdefault(key, len(index)) if all(key) else -1

    rows = np.array([code(x) for x in mentees], np.int64)
    cols = np.array([code(x) for x in mentors], np.int64)
    return rows, cols


def same_code_pairs(
    rows: np.ndarray, cols: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every (row, col) with the same non-negative code, or None if more than `limit`."""
    size = int(max(rows.max(initial=-1), cols.max(initial=-1))) + 1
    row_counts = np.bincount(rows[rows >= 0], minlength=size)
    col_counts = np.bincount(cols[cols >= 0], minlength=size)
    if int(row_counts @ col_counts) > limit:
        return None
    cols_by_code: dict[int, np.ndarray] = {}
    col_order = np.argsort(cols, kind="stable")
    starts = np.searchsorted(cols[col_order], np.arange(size + 1))
    for c in np.flatnonzero(row_counts * col_counts):
        cols_by_code[int(c)] = col_order[starts[c] : starts[c + 1]]
    pair_rows, pair_cols = [], []
    for i in np.flatnonzero(rows >= 0):
        found = cols_by_code.get(int(rows[i]))
        if found is not None:
            pair_rows.append(np.full(len(found), i, np.int64))
            pair_cols.append(found)
    if not pair_rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(pair_rows), np.concatenate(pair_cols)
