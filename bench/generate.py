"""Generated programmes for the matching benchmark: realistic pools of any size.

The vocabulary is copied from mentoring/vocabulary.py, which needs Django to import.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.types import Candidate, Rules, Weights

SPECIALTIES = [
    "Acute medicine",
    "Anaesthetics",
    "Cardiology",
    "Clinical oncology",
    "Dermatology",
    "Emergency medicine",
    "Gastroenterology",
    "General practice",
    "General surgery",
    "Geriatric medicine",
    "Haematology",
    "Histopathology",
    "Intensive care medicine",
    "Medical oncology",
    "Neurology",
    "Obstetrics and gynaecology",
    "Occupational medicine",
    "Ophthalmology",
    "Paediatrics",
    "Palliative medicine",
    "Psychiatry",
    "Public health",
    "Radiology",
    "Respiratory medicine",
    "Rheumatology",
    "Trauma and orthopaedic surgery",
    "Urology",
    "Other",
]
REGIONS = [
    "West Yorkshire",
    "South Yorkshire and Bassetlaw",
    "North Yorkshire and Humber",
    "Merseyside",
    "Lancashire",
    "Greater Manchester",
    "Durham, Darlington and Tees",
    "Cumbria, Northumberland, Tyne and Wear",
    "Cheshire, Warrington and Wirral",
    "Arden, Herefordshire and Worcestershire",
    "Birmingham, Solihull and the Black Country",
    "Derbyshire and Nottinghamshire",
    "East Anglia",
    "Essex",
    "Hertfordshire and the South Midlands",
    "Leicestershire and Lincolnshire",
    "Shropshire and Staffordshire",
    "Bath, Gloucestershire, Swindon and Wiltshire",
    "Bristol, North Somerset, Somerset and South Gloucestershire",
    "Devon, Cornwall and Isles of Scilly",
    "Kent and Medway",
    "Surrey and Sussex",
    "Thames Valley",
    "Wessex",
    "Ayrshire and Arran",
    "Borders",
    "Dumfries and Galloway",
    "Fife",
    "Forth Valley",
    "Grampian",
    "Greater Glasgow and Clyde",
    "Highland",
    "Lanarkshire",
    "Lothian",
    "Orkney",
    "Shetland",
    "Tayside",
    "Western Isles",
    "Greater London",
    "Northern Ireland",
    "Wales",
    "Other",
]
TOPICS = [
    "Assessments/education",
    "Bullying/harassment",
    "Career choice",
    "Career development",
    "Coping with work after injury or illness",
    "Dealing with illness",
    "Dealing with injury",
    "Developing teams/services",
    "Engagement",
    "Managing a crisis",
    "Managing change",
    "Mental health issues (e.g. depression, substance abuse, addictions)",
    "Morale",
    "Negative thoughts or suicidal ideation",
    "Personal relationships",
    "Physical health",
    "Relationships with colleagues",
    "Return to work after injury or illness",
    "Self-confidence",
    "Stress",
    "Taking an opportunity",
    "Thinking through clinical situations",
    "Work-life balance",
    "Workload",
]
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
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.specialty_p = popularity(self.rng, len(SPECIALTIES))
        self.region_p = popularity(self.rng, len(REGIONS))
        self.topic_p = popularity(self.rng, len(TOPICS))

    def pick(self, values: list[str], p: np.ndarray | None = None) -> str:
        return values[self.rng.choice(len(values), p=p)]

    def maybe(self, values: list[str], known: float) -> str | None:
        return self.pick(values) if self.rng.random() < known else None

    def topics(self, low: int, high: int) -> frozenset[str]:
        count = int(self.rng.integers(low, high + 1))
        chosen = self.rng.choice(len(TOPICS), size=count, replace=False, p=self.topic_p)
        return frozenset(TOPICS[i] for i in chosen)

    def person(self, person_id: int, mentor: bool) -> Candidate:
        rng = self.rng
        band_p = [0.05, 0.1, 0.25, 0.3, 0.3] if mentor else [0.45, 0.3, 0.15, 0.07, 0.03]
        modes = frozenset(m for m in MODES if rng.random() < (0.8, 0.45, 0.35)[MODES.index(m)])
        languages = {"English"} | {self.pick(LANGUAGES) for _ in range(rng.binomial(2, 0.1))}
        employer = int(rng.integers(EMPLOYERS))
        specialty = self.pick(SPECIALTIES, self.specialty_p)
        return Candidate(
            id=person_id,
            specialty=specialty if rng.random() < 0.95 else "",
            region=self.pick(REGIONS, self.region_p) if rng.random() < 0.95 else "",
            time_zone=TIME_ZONES[0] if rng.random() < 0.93 else self.pick(TIME_ZONES),
            years_band=int(rng.choice(5, p=band_p)) if rng.random() < 0.9 else None,
            topics=self.topics(3, 10) if mentor else self.topics(1, 5),
            modes=modes,
            languages=frozenset(languages),
            employer=f"Trust {employer}",
            department=specialty,
            sex=self.maybe(SEXES, 0.85),
            age_band=self.maybe(AGE_BANDS, 0.8),
            ethnicity=self.maybe(ETHNICITIES, 0.75),
            religion=self.maybe(RELIGIONS, 0.6),
            prefer_mentor_sex=self.maybe(SEXES[:2], 0.15) if not mentor else None,
            prefer_mentor_age_band=self.maybe(AGE_BANDS, 0.05) if not mentor else None,
            prefer_same_ethnicity=not mentor and rng.random() < 0.08,
            prefer_same_religion=not mentor and rng.random() < 0.04,
        )


def programme(mentees: int, mentors: int, seed: int = 1) -> Programme:
    """A programme with capacities 1-5, a minimum score and a few blocked pairs."""
    gen = Generator(seed)
    mentee_list = [gen.person(i, mentor=False) for i in range(1, mentees + 1)]
    mentor_list = [gen.person(1_000_000 + j, mentor=True) for j in range(1, mentors + 1)]
    capacities = {m.id: int(c) for m, c in zip(mentor_list, gen.rng.integers(1, 6, mentors))}
    blocked_count = max(1, mentees // 50)
    blocked = frozenset(
        (mentee_list[int(a)].id, mentor_list[int(b)].id)
        for a, b in zip(
            gen.rng.integers(mentees, size=blocked_count),
            gen.rng.integers(mentors, size=blocked_count),
        )
    )
    rules = Rules(
        min_score=MIN_SCORE,
        cross_organisation=True,
        blocked_pairs=blocked,
        capacities=capacities,
    )
    return Programme(mentee_list, mentor_list, WEIGHTS, rules)
