"""The engine's inputs and outputs: plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field

# The criteria a coordinator weighs, in the order pages show them.
CRITERIA = ("specialty", "topics", "career_stage", "location", "modes", "language", "preferences")


@dataclass(frozen=True)
class Candidate:
    """What matching knows about one person (a mentee or a mentor).

    `years_band` indexes mentoring.vocabulary.YEARS_ORDER (0 = under 5 years);
    None when unknown. The sensitive fields are used only to score the
    mentee's stated preferences and never appear in a reason.
    """

    id: int
    specialty: str = ""
    region: str = ""
    time_zone: str = ""
    years_band: int | None = None
    topics: frozenset[str] = frozenset()  # a mentee's topics sought, a mentor's offered
    modes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    employer: str = ""
    department: str = ""
    frameworks: frozenset[str] = frozenset()
    # Sensitive: characteristics (mentors) and preferences (mentees).
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    prefer_mentor_sex: str | None = None
    prefer_mentor_age_band: str | None = None
    prefer_same_ethnicity: bool = False
    prefer_same_religion: bool = False


@dataclass(frozen=True)
class Weights:
    """Relative importance of each criterion, 0 (ignore) to 10."""

    specialty: float = 5
    topics: float = 8
    career_stage: float = 4
    location: float = 2
    modes: float = 3
    language: float = 3
    preferences: float = 4
    # Career stage: the mentor should be at least this many years bands ahead.
    min_career_gap: int = 1


@dataclass(frozen=True)
class Rules:
    """Hard rules: a pair that breaks one is never proposed."""

    min_score: float = 0.0  # 0-100
    cross_organisation: bool = False  # forbid same employer and department
    blocked_pairs: frozenset[tuple[int, int]] = frozenset()  # (mentee id, mentor id)
    capacities: dict[int, int] = field(default_factory=dict)  # mentor id -> places left
    locked_pairs: frozenset[tuple[int, int]] = frozenset()  # kept as they are in a re-run


@dataclass(frozen=True)
class Score:
    total: float  # 0-100
    breakdown: dict[str, float]  # criterion -> 0-1 (before weighting)
    reasons: tuple[str, ...]  # plain words, never about sensitive data


@dataclass(frozen=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: Score


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[Pair, ...]
    unmatched: dict[int, str]  # mentee id -> why, in plain words
    total: float
