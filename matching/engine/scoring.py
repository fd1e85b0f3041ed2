"""Compatibility of one mentee with one mentor, and the reasons in plain words.

Each criterion gives a value from 0 to 1 (0.5 when something needed to judge it is
unknown); the total is the weighted mean on a 0-100 scale. The criterion functions
take plain values rather than `Candidate`s so that `matrix.py` can tabulate them for
whole pools with exactly the same rules.

Reasons speak to the mentee about the mentor. They never mention sex, age,
ethnicity, religion or the mentee's preferences: those shape the score silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from .types import CRITERIA, Candidate, Rules, Score, Weights

# Mirrors mentoring.vocabulary.YearsInPractice (which needs Django to import).
YEARS_LABELS = ("Under 5 years", "6-10 years", "11-15 years", "16-20 years", "21 years and over")
MODE_LABELS = {"video": "video", "phone": "phone", "in_person": "in-person"}
# Values that say nothing about whether two people share something.
NOT_SPECIFIC = frozenset({"", "other"})
# A mentor covering this many of the mentee's topics covers them fully.
TOPICS_FOR_FULL_MARKS = 3
UNKNOWN = 0.5
SAME_TIME_ZONE = 0.7


# --- Criteria ------------------------------------------------------------------------


def specific(value: str | None) -> str:
    """A comparable form of a free-text or listed value; "" when it says nothing."""
    text = (value or "").strip().casefold()
    return "" if text in NOT_SPECIFIC else text


def specialty_value(mentee_specialty: str, mentor_specialty: str) -> float:
    a, b = specific(mentee_specialty), specific(mentor_specialty)
    if not a or not b:
        return UNKNOWN
    return 1.0 if a == b else 0.0


def topics_value(sought: int, offered: int, shared: int) -> float:
    """From the counts of topics the mentee seeks, the mentor offers, and both."""
    if not sought or not offered:
        return UNKNOWN
    return min(1.0, shared / min(sought, TOPICS_FOR_FULL_MARKS))


def career_stage_value(mentee_band: int | None, mentor_band: int | None, min_gap: int) -> float:
    """1 when the mentor is at least `min_gap` bands ahead, less when closer, 0 if behind."""
    if mentee_band is None or mentor_band is None:
        return UNKNOWN
    gap = mentor_band - mentee_band
    if gap >= min_gap:
        return 1.0
    if gap < 0:
        return 0.0
    return (gap + 1) / (min_gap + 1)


def location_value(mentee_region: str, mentee_tz: str, mentor_region: str, mentor_tz: str) -> float:
    ra, rb = specific(mentee_region), specific(mentor_region)
    ta, tb = (mentee_tz or "").strip(), (mentor_tz or "").strip()
    if ra and ra == rb:
        return 1.0
    if ta and ta == tb:
        return SAME_TIME_ZONE
    if (not ra or not rb) and (not ta or not tb):
        return UNKNOWN
    return 0.0


def overlap_value(mine: frozenset[str], theirs: frozenset[str]) -> float:
    """Meeting modes or languages: 1 when any is shared."""
    if not mine or not theirs:
        return UNKNOWN
    return 1.0 if mine & theirs else 0.0


def stated_preferences(mentee: Candidate) -> tuple[tuple[str, str], ...]:
    """The mentee's preferences that can be judged: (characteristic, wanted value)."""
    stated = []
    if mentee.prefer_mentor_sex:
        stated.append(("sex", mentee.prefer_mentor_sex))
    if mentee.prefer_mentor_age_band:
        stated.append(("age_band", mentee.prefer_mentor_age_band))
    # "Someone who shares my ethnicity" means nothing if the mentee did not give theirs.
    if mentee.prefer_same_ethnicity and mentee.ethnicity:
        stated.append(("ethnicity", mentee.ethnicity))
    if mentee.prefer_same_religion and mentee.religion:
        stated.append(("religion", mentee.religion))
    return tuple(stated)


def preference_met(wanted: str, actual: str | None) -> float:
    if not actual:
        return UNKNOWN
    return 1.0 if actual == wanted else 0.0


def preferences_value(mentee: Candidate, mentor: Candidate) -> float:
    stated = stated_preferences(mentee)
    if not stated:
        return 1.0
    met = [preference_met(wanted, getattr(mentor, name)) for name, wanted in stated]
    return sum(met) / len(met)


def languages_of(candidate: Candidate) -> frozenset[str]:
    return frozenset(lang.strip().casefold() for lang in candidate.languages if lang.strip())


# --- Scores ----------------------------------------------------------------------------


def breakdown_for(mentee: Candidate, mentor: Candidate, weights: Weights) -> dict[str, float]:
    return {
        "specialty": specialty_value(mentee.specialty, mentor.specialty),
        "topics": topics_value(
            len(mentee.topics), len(mentor.topics), len(mentee.topics & mentor.topics)
        ),
        "career_stage": career_stage_value(
            mentee.years_band, mentor.years_band, weights.min_career_gap
        ),
        "location": location_value(
            mentee.region, mentee.time_zone, mentor.region, mentor.time_zone
        ),
        "modes": overlap_value(mentee.modes, mentor.modes),
        "language": overlap_value(languages_of(mentee), languages_of(mentor)),
        "preferences": preferences_value(mentee, mentor),
    }


def weight_of(weights: Weights, criterion: str) -> float:
    return max(0.0, float(getattr(weights, criterion)))


def weighted_total(breakdown: dict[str, float], weights: Weights) -> float:
    total_weight = sum(weight_of(weights, c) for c in CRITERIA)
    if total_weight == 0:
        return 0.0
    return 100.0 * sum(weight_of(weights, c) * breakdown[c] for c in CRITERIA) / total_weight


def score_pair(mentee: Candidate, mentor: Candidate, weights: Weights) -> Score:
    """How well `mentor` suits `mentee`: total 0-100, each criterion 0-1, reasons."""
    breakdown = breakdown_for(mentee, mentor, weights)
    return Score(
        total=weighted_total(breakdown, weights),
        breakdown=breakdown,
        reasons=reasons_for(mentee, mentor, breakdown, weights),
    )


# --- Reasons ---------------------------------------------------------------------------


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def topics_reason(shared: Iterable[str]) -> str:
    names = sorted(shared, key=str.casefold)
    shown = names[:3] if len(names) <= 4 else [*names[:3], f"{len(names) - 3} more"]
    noun = "topic" if len(names) == 1 else "topics"
    return f"{len(names)} shared {noun}: {join_words(shown)}"


def career_stage_reason(mentee: Candidate, mentor: Candidate) -> str | None:
    if mentee.years_band is None or mentor.years_band is None:
        return None
    if mentor.years_band > mentee.years_band and 0 <= mentor.years_band < len(YEARS_LABELS):
        return f"More experienced: {YEARS_LABELS[mentor.years_band]}"
    return None


def modes_reason(mentee: Candidate, mentor: Candidate) -> str:
    common = [label for code, label in MODE_LABELS.items() if code in mentee.modes & mentor.modes]
    others = sorted(m.replace("_", " ") for m in mentee.modes & mentor.modes - MODE_LABELS.keys())
    return f"Offers {join_words(common + others)} meetings"


def language_reason(mentee: Candidate, mentor: Candidate) -> str:
    mine = languages_of(mentee)
    shared = sorted(
        {lang.strip() for lang in mentor.languages if lang.strip().casefold() in mine},
        key=str.casefold,
    )
    return f"Speaks {join_words(shared)}"


def reason_for(criterion: str, mentee: Candidate, mentor: Candidate, value: float) -> str | None:
    """One sentence for a criterion that is clearly met, else None."""
    if criterion == "specialty" and value == 1.0:
        return f"Same specialty ({mentor.specialty.strip()})"
    if criterion == "topics" and mentee.topics & mentor.topics:
        return topics_reason(mentee.topics & mentor.topics)
    if criterion == "career_stage":
        return career_stage_reason(mentee, mentor)
    if criterion == "location" and value == 1.0:
        return f"Same region ({mentor.region.strip()})"
    if criterion == "location" and value == SAME_TIME_ZONE:
        return "Same time zone"
    if criterion == "modes" and value == 1.0:
        return modes_reason(mentee, mentor)
    if criterion == "language" and value == 1.0:
        return language_reason(mentee, mentor)
    return None  # "preferences" never gets a reason: it would reveal them.


def reasons_for(
    mentee: Candidate, mentor: Candidate, breakdown: dict[str, float], weights: Weights
) -> tuple[str, ...]:
    """The criteria that count most come first; ignored criteria (weight 0) say nothing."""
    reasons = (reason_for(c, mentee, mentor, breakdown[c]) for c in spoken_criteria(weights))
    return tuple(r for r in reasons if r)


@lru_cache(maxsize=64)
def spoken_criteria(weights: Weights) -> tuple[str, ...]:
    """The criteria that may give a reason, the heaviest first."""
    counted = [c for c in CRITERIA if c != "preferences" and weight_of(weights, c) > 0]
    return tuple(sorted(counted, key=lambda c: -weight_of(weights, c)))


# --- Ranking ---------------------------------------------------------------------------


def same_organisation(mentee: Candidate, mentor: Candidate) -> bool:
    """Same employer and same department; a blank on either side never counts."""
    parts = [
        (mentee.employer.strip().casefold(), mentor.employer.strip().casefold()),
        (mentee.department.strip().casefold(), mentor.department.strip().casefold()),
    ]
    return all(a and a == b for a, b in parts)


def allowed(mentee: Candidate, mentor: Candidate, rules: Rules) -> bool:
    """The hard rules apart from capacity and the minimum score."""
    if (mentee.id, mentor.id) in rules.blocked_pairs:
        return False
    return not (rules.cross_organisation and same_organisation(mentee, mentor))


def rank_mentors(
    mentee: Candidate, mentors: Sequence[Candidate], weights: Weights, rules: Rules
) -> list[tuple[Candidate, Score]]:
    """Mentors with places left whom the rules allow, best first (ties by id).

    The minimum score is not applied: a mentee choosing for themselves sees everyone.
    """
    ranked = [
        (mentor, score_pair(mentee, mentor, weights))
        for mentor in mentors
        if rules.capacities.get(mentor.id, 0) > 0 and allowed(mentee, mentor, rules)
    ]
    ranked.sort(key=lambda item: (-item[1].total, item[0].id))
    return ranked


def runner_up(
    mentee: Candidate,
    mentors: Sequence[Candidate],
    weights: Weights,
    rules: Rules,
    exclude_mentor_id: int,
) -> tuple[Candidate, Score] | None:
    """The best mentor for `mentee` other than `exclude_mentor_id` (their proposed one)."""
    best: tuple[float, int, Candidate] | None = None
    for mentor in mentors:
        if mentor.id == exclude_mentor_id or rules.capacities.get(mentor.id, 0) <= 0:
            continue
        if not allowed(mentee, mentor, rules):
            continue
        total = weighted_total(breakdown_for(mentee, mentor, weights), weights)
        if best is None or (-total, mentor.id) < (-best[0], best[1]):
            best = (total, mentor.id, mentor)
    if best is None:
        return None
    return best[2], score_pair(mentee, best[2], weights)
