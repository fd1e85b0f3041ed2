"""Shortlists for large pools: the few pairs worth giving to the exact solver.

Scoring every pair is cheap with numpy; solving over every pair is not. So a scan
over blocks of mentees keeps, for each mentee, their best `per_mentee` mentors and,
for each mentor, their best `per_place` mentees per place they offer (without the
mentor's side, mentees who all like the same few mentors crowd out the rest).
Pairs that break a rule or score below the minimum never enter a shortlist.

The scan also notes, for each mentee, whether any mentor is allowed at all and
whether any scores at or above the minimum: the unmatched reasons need both.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .matrix import Buffers, PoolScores

BLOCK_CELLS = 1 << 21  # scores computed at once: a few megabytes
WORKERS = min(4, os.cpu_count() or 1)


@dataclass
class Shortlist:
    rows: np.ndarray  # mentee index of each pair
    cols: np.ndarray  # mentor index of each pair
    scores: np.ndarray
    any_allowed: np.ndarray  # per mentee: some mentor is neither blocked nor in conflict
    any_eligible: np.ndarray  # per mentee: some mentor also reaches the minimum score


def positions(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the True cells, row by row (np.nonzero is 10x slower in 2-D)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


def best_per_group(
    groups: np.ndarray,
    others: np.ndarray,
    vals: np.ndarray,
    keep: np.ndarray | int,
    spread: int,
) -> np.ndarray:
    """Positions of the `keep` best entries of each group (a mentee's or a mentor's).

    Scores tie often (people with the same profile), and breaking ties by index
    would send every mentee to the same few of a set of equal mentors; so ties are
    broken by a rotation of the other side's index (below `spread`, its size) that
    differs from group to group.
    """
    if not len(groups):
        return np.empty(0, np.int64)
    order = best_first(groups, others, vals, spread)
    ordered = groups[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    first = np.repeat(starts, np.diff(np.append(starts, len(ordered))))
    rank = np.arange(len(order)) - first
    limit = keep[ordered] if isinstance(keep, np.ndarray) else keep
    return order[rank < limit]


def best_first(groups: np.ndarray, others: np.ndarray, vals: np.ndarray, spread: int) -> np.ndarray:
    """The order by group, then score (best first), then the tie-breaker.

    The bits of a non-negative float32 order like the number, so all three fit in one
    unique 64-bit key, and one sort does what a lexsort does ten times slower.
    """
    tiebreak = (others + groups.astype(np.int64) * 7919) % spread  # unique within a group
    tie_bits = max(1, (spread - 1).bit_length())
    group_bits = max(1, int(groups.max()).bit_length())
    if group_bits + 31 + tie_bits > 64:
        return np.lexsort((tiebreak, -vals, groups))  # pools of over 100,000 people
    score_bits = (np.maximum(vals, 0).astype(np.float32) + np.float32(0)).view(np.uint32)
    worse = np.uint64(0x7FFFFFFF) - score_bits.astype(np.uint64)
    key = (
        (groups.astype(np.uint64) << np.uint64(31 + tie_bits))
        | (worse << np.uint64(tie_bits))
        | tiebreak.astype(np.uint64)
    )
    return np.argsort(key)


def row_thresholds(block: np.ndarray, keep: int) -> np.ndarray:
    """A value per row at or below its `keep`-th best: the `keep`-th best of group maxima."""
    width = block.shape[1]
    groups = max(keep, min(width, 4 * keep))
    size = -(-width // groups)
    full = (width // size) * size
    maxima = block[:, :full].reshape(len(block), -1, size).max(axis=2)
    if full < width:
        maxima = np.hstack([maxima, block[:, full:].max(axis=1, keepdims=True)])
    if maxima.shape[1] <= keep:
        return np.full(len(block), -np.inf, block.dtype)
    return np.partition(maxima, maxima.shape[1] - keep, axis=1)[:, maxima.shape[1] - keep]


class MentorSide:
    """Each mentor's best mentees so far, and the score a newcomer has to reach."""

    def __init__(self, keep: np.ndarray, mentees: int, dtype: type) -> None:
        self.keep, self.mentees = keep, mentees
        self.threshold = np.full(len(keep), -np.inf, dtype)
        self.rows = self.cols = np.empty(0, np.int64)
        self.vals = np.empty(0, dtype)
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending = 0

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        """Pairs that reached the bar when their block was scored."""
        self.found.append((rows, cols, vals))
        self.pending += len(rows)
        if self.pending > self.keep.sum() + 4 * len(self.keep):
            self.prune()

    def start_from(self, block: np.ndarray, floor: float) -> None:
        """A first bar from one block, so that the first blocks do not offer everything."""
        most = int(self.keep.max(initial=0))
        if 0 < most < len(block):
            # Each mentor's keep-th best in this block: a bar their list will reach anyway.
            top = np.sort(np.partition(block, len(block) - most, axis=0)[-most:], axis=0)
            self.threshold = top[most - np.clip(self.keep, 1, most), np.arange(block.shape[1])]
        self.threshold = np.maximum(self.threshold, floor).astype(block.dtype)

    def prune(self) -> None:
        """Keep each mentor's best; the lowest kept score of a full list is the new bar."""
        self.rows = np.concatenate([self.rows, *(f[0] for f in self.found)])
        self.cols = np.concatenate([self.cols, *(f[1] for f in self.found)])
        self.vals = np.concatenate([self.vals, *(f[2] for f in self.found)])
        self.found, self.pending = [], 0
        kept = best_per_group(self.cols, self.rows, self.vals, self.keep, self.mentees)
        self.rows, self.cols, self.vals = self.rows[kept], self.cols[kept], self.vals[kept]
        full = np.bincount(self.cols, minlength=len(self.keep)) >= self.keep
        if full.any():
            lowest = np.full(len(self.keep), np.inf, self.vals.dtype)
            np.minimum.at(lowest, self.cols, self.vals)
            self.threshold = np.where(full, np.maximum(self.threshold, lowest), self.threshold)


@dataclass
class BlockFindings:
    start: int
    best: np.ndarray  # each mentee's best score (-inf: every mentor forbidden)
    mentee_side: tuple[np.ndarray, np.ndarray, np.ndarray]
    mentor_side: tuple[np.ndarray, np.ndarray, np.ndarray]


class Scanner:
    """Scores one block of mentees and picks out what each side may want from it."""

    def __init__(self, pool: PoolScores, floor: float, per_mentee: int) -> None:
        self.pool, self.floor, self.per_mentee = pool, floor, per_mentee
        self.local = threading.local()  # each thread reuses its own buffers

    def scan(self, start: int, stop: int, mentor_bar: np.ndarray) -> BlockFindings:
        if not hasattr(self.local, "buffers"):
            self.local.buffers = Buffers()
        block = self.pool.block(start, stop, self.local.buffers)
        bar = np.maximum(row_thresholds(block, self.per_mentee), self.floor)
        r, c = positions(block >= bar[:, None])
        v = block[r, c]
        r += start
        kept = best_per_group(r, c, v, self.per_mentee, block.shape[1])
        mentee_side = (r[kept], c[kept], v[kept])
        r, c = positions(block >= mentor_bar)
        return BlockFindings(start, block.max(axis=1), mentee_side, (r + start, c, block[r, c]))


def shortlist(
    pool: PoolScores,
    min_score: float,
    per_mentee: int,
    mentor_keep: np.ndarray,
    workers: int = WORKERS,
) -> Shortlist:
    """Scan every pair once; keep each mentee's and each mentor's best allowed pairs.

    Blocks are scored on `workers` threads (numpy releases the GIL); the mentors'
    bars are shared between blocks, so a block started before a bar rose collects a
    little more, but the lists kept are the same whatever the timing.
    """
    n, m = pool.n, pool.m
    best = np.full(n, -np.inf)
    mentor_side = MentorSide(mentor_keep, n, pool.dtype)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    scanner = Scanner(pool, min_score, per_mentee)
    step = max(1, BLOCK_CELLS // max(m, 1))
    blocks = [(start, min(n, start + step)) for start in range(0, n, step)]

    def take(found: BlockFindings) -> None:
        best[found.start : found.start + len(found.best)] = found.best
        parts.append(found.mentee_side)
        mentor_side.add(*found.mentor_side)

    if blocks and m:
        mentor_side.start_from(pool.block(*blocks[0]), min_score)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as executor:
            running: deque[Future[BlockFindings]] = deque()
            for start, stop in blocks:
                running.append(executor.submit(scanner.scan, start, stop, mentor_side.threshold))
                if len(running) > workers:
                    take(running.popleft().result())
            while running:
                take(running.popleft().result())
    mentor_side.prune()
    parts.append((mentor_side.rows, mentor_side.cols, mentor_side.vals))
    rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
    cols = np.concatenate([p[1] for p in parts]).astype(np.int64)
    vals = np.concatenate([p[2] for p in parts]).astype(float)
    unique = np.unique(rows * max(m, 1) + cols, return_index=True)[1]
    return Shortlist(rows[unique], cols[unique], vals[unique], best > -np.inf, best >= min_score)
