"""The matching engine: scoring and assignment in plain Python, numpy, scipy and OR-Tools.

Nothing here imports Django, so it can be tested and benchmarked on its own.
The Django side turns profiles into `Candidate`s and calls `score_pair`,
`rank_mentors`, `runner_up` and `assign`.
"""

from __future__ import annotations

from .assign import assign, first_come_first_served, greedy
from .scoring import rank_mentors, runner_up, score_pair
from .types import CRITERIA, Assignment, Candidate, Pair, Rules, Score, Weights

__all__ = [
    "CRITERIA",
    "Assignment",
    "Candidate",
    "Pair",
    "Rules",
    "Score",
    "Weights",
    "assign",
    "first_come_first_served",
    "greedy",
    "rank_mentors",
    "runner_up",
    "score_pair",
]
