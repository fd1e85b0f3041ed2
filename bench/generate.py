"""Generated programmes for the matching benchmark: realistic pools of any size.

The vocabulary comes from mentoring/vocabulary.py (importable without Django settings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.types import Candidate, Rules, Weights
from mentoring.vocabulary import REGIONS, SPECIALTIES, TOPICS

MODES = ["video", "phone", "in_person"]
TIME_ZONES = ["Europe/London", "Europe/Dublin", "Europe/Paris", "Asia/Kolkata"]
LANGUAGES = ["Welsh", "Urdu", "Hindi", "Polish", "Arabic", "Gaelic", "Punjabi", "Spanish"]
SEXES = ["female", "male", "other"]
AGE_BANDS = ["under_35", "35_44", "45_54", "55_plus"]
ETHNICITIES = ["asian", "black", "mixed", "white", "other"]
RELIGIONS = ["none", "buddhist", "christian", "hindu", "jewish", "muslim", "sikh", "other"]
EMPLOYERS = 250  # trusts and boards
WEIGHTS = Weights()
MIN_SCORE = 40.0


@dataclass(frozen=True)
class Programme:
    mentees: list[Candidate]
    mentors: list[Candidate]
    weights: Weights
    rules: Rules


def popularity(rng: np.random.Generator, size: int) -> np.ndarray:
    """Uneven shares, as real lists have: a few popular values and a long tail."""
    shares = rng.zipf(1.6, size).astype(float) ** -0.5 + rng.random(size) * 0.3
    return shares / shares.sum()


class Generator:
    """Draws people attribute by attribute, for the whole pool at once."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.specialty_p = popularity(self.rng, len(SPECIALTIES))
        self.region_p = popularity(self.rng, len(REGIONS))
        self.topic_p = popularity(self.rng, len(TOPICS))

    def pick(self, values: list, count: int, p=None, known: float = 1.0) -> list:
        """`count` draws from `values`; None for the share that is not known."""
        chosen = self.rng.choice(len(values), size=count, p=p)
        given = self.rng.random(count) < known
        return [values[c] if g else None for c, g in zip(chosen, given, strict=True)]

    def topics(self, count: int, low: int, high: int) -> list[frozenset[str]]:
        """Weighted draws without replacement (Gumbel top-k), `low` to `high` each."""
        keys = np.log(self.topic_p)[None, :] + self.rng.gumbel(size=(count, len(TOPICS)))
        order = np.argsort(-keys, axis=1)
        sizes = self.rng.integers(low, high + 1, count)
        return [frozenset(TOPICS[t] for t in row[:k]) for row, k in zip(order, sizes, strict=True)]

    def modes(self, count: int) -> list[frozenset[str]]:
        offered = self.rng.random((count, len(MODES))) < np.array([0.8, 0.45, 0.35])
        return [frozenset(m for m, on in zip(MODES, row, strict=True) if on) for row in offered]

    def languages(self, count: int) -> list[frozenset[str]]:
        extra = self.rng.binomial(2, 0.1, count)
        return [
            frozenset({"English", *self.pick(LANGUAGES, int(k))}) if k else frozenset({"English"})
            for k in extra
        ]

    def people(self, count: int, first_id: int, mentor: bool) -> list[Candidate]:
        rng = self.rng
        band_p = [0.05, 0.1, 0.25, 0.3, 0.3] if mentor else [0.45, 0.3, 0.15, 0.07, 0.03]
        specialty = self.pick(SPECIALTIES, count, self.specialty_p)
        columns = {
            "specialty": [s if rng.random() < 0.95 else "" for s in specialty],
            "region": [r or "" for r in self.pick(REGIONS, count, self.region_p, known=0.95)],
            "time_zone": [t or TIME_ZONES[0] for t in self.pick(TIME_ZONES, count, known=0.07)],
            "years_band": self.pick(list(range(5)), count, band_p, known=0.9),
            "topics": self.topics(count, 3, 10) if mentor else self.topics(count, 1, 5),
            "modes": self.modes(count),
            "languages": self.languages(count),
            "employer": [f"Trust {e}" for e in rng.integers(EMPLOYERS, size=count)],
            "department": specialty,
            "sex": self.pick(SEXES, count, known=0.85),
            "age_band": self.pick(AGE_BANDS, count, known=0.8),
            "ethnicity": self.pick(ETHNICITIES, count, known=0.75),
            "religion": self.pick(RELIGIONS, count, known=0.6),
        }
        if not mentor:
            columns["prefer_mentor_sex"] = self.pick(SEXES[:2], count, known=0.15)
            columns["prefer_mentor_age_band"] = self.pick(AGE_BANDS, count, known=0.05)
            columns["prefer_same_ethnicity"] = (rng.random(count) < 0.08).tolist()
            columns["prefer_same_religion"] = (rng.random(count) < 0.04).tolist()
        names = list(columns)
        return [
            Candidate(id=first_id + i, **dict(zip(names, values, strict=True)))
            for i, values in enumerate(zip(*columns.values(), strict=True))
        ]


def programme(mentees: int, mentors: int, seed: int = 1) -> Programme:
    """A programme with capacities 1-5, a minimum score and a few blocked pairs."""
    gen = Generator(seed)
    mentee_list = gen.people(mentees, 1, mentor=False)
    mentor_list = gen.people(mentors, 1_000_000, mentor=True)
    places = gen.rng.integers(1, 6, mentors)
    capacities = {m.id: int(c) for m, c in zip(mentor_list, places, strict=True)}
    blocked_count = max(1, mentees // 50)
    blocked = frozenset(
        (mentee_list[int(a)].id, mentor_list[int(b)].id)
        for a, b in zip(
            gen.rng.integers(mentees, size=blocked_count),
            gen.rng.integers(mentors, size=blocked_count),
            strict=True,
        )
    )
    rules = Rules(
        min_score=MIN_SCORE,
        cross_organisation=True,
        blocked_pairs=blocked,
        capacities=capacities,
    )
    return Programme(mentee_list, mentor_list, WEIGHTS, rules)
