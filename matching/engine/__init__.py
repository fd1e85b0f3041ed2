"""The matching engine: scoring and assignment in plain Python and numpy.

Nothing here imports Django, so it can be tested and benchmarked on its own.
The Django side turns profiles into `Candidate`s and calls `score_pair`,
`rank_mentors` and `assign`.
"""

from __future__ import annotations

from .types import Assignment, Candidate, Pair, Rules, Score, Weights

__all__ = ["Assignment", "Candidate", "Pair", "Rules", "Score", "Weights"]
