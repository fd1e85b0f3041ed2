"""Validated wellbeing instruments a check-in can use.

Each instrument is data (its items, response options and bands, exactly as
published) plus the scoring rule. Only the WHO-5 ships: it is free to use without
permission. A programme licensed for another validated scale could add one here
(`INSTRUMENTS["code"] = ...`); never add a scale whose wording may not be published
(WEMWBS and SWEMWBS need a licence per deploying organisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class InstrumentError(ValueError):
    """The answers do not fit the instrument; the message is written for the person."""


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int  # inclusive, on the instrument's reported scale
    high: int  # inclusive

    def contains(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    stem: str  # the time frame every item is read against
    instructions: str
    items: tuple[str, ...]
    # (value, label), in the order the published form shows them.
    options: tuple[tuple[int, str], ...]
    multiplier: int  # raw score x multiplier = the reported score
    bands: tuple[Band, ...]  # lowest first
    meaningful_change: int  # on the reported scale
    citation: str

    @property
    def values(self) -> frozenset[int]:
        return frozenset(value for value, _ in self.options)

    @property
    def max_score(self) -> int:
        return max(self.values) * len(self.items) * self.multiplier

    def validate(self, answers: Sequence[object]) -> list[int]:
        """One whole-number answer per item, each one of the response options."""
        if isinstance(answers, str | bytes) or len(answers) != len(self.items):
            raise InstrumentError(f"Please answer all {len(self.items)} questions.")
        cleaned = []
        for answer in answers:
            if isinstance(answer, bool) or not isinstance(answer, int):
                raise InstrumentError("Please choose one of the answers for each question.")
            if answer not in self.values:
                raise InstrumentError("Please choose one of the answers for each question.")
            cleaned.append(answer)
        return cleaned

    def raw_score(self, answers: Sequence[object]) -> int:
        return sum(self.validate(answers))

    def score(self, answers: Sequence[object]) -> int:
        return self.raw_score(answers) * self.multiplier

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.contains(score):
                return band
        raise InstrumentError(f"{score} is outside the {self.name}'s range.")

    def band_named(self, code: str) -> Band | None:
        return next((band for band in self.bands if band.code == code), None)

    def change(self, before: int | None, after: int) -> int | None:
        return None if before is None else after - before

    def is_meaningful_change(self, before: int | None, after: int) -> bool:
        change = self.change(before, after)
        return change is not None and abs(change) >= self.meaningful_change


VERY_LOW = "very_low"
LOW = "low"
NOT_LOW = "not_low"

# The WHO-5 Well-Being Index, 1998 version, as published by the Psychiatric Research
# Unit, WHO Collaborating Centre in Mental Health, Frederiksborg General Hospital,
# DK-3400 Hillerød (now the Psychiatric Centre North Zealand), with its scoring: the
# raw score is the total of the five answers (0-25); multiplied by 4 it gives a
# percentage score from 0 (worst possible) to 100 (best possible); a 10-point
# difference indicates a significant change. Bands from Topp CW, Østergaard SD,
# Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the
# literature. Psychother Psychosom 2015;84:167-176 (doi:10.1159/000376585): 50 or
# less suggests poor wellbeing, 28 or less likely depression. Free to use without
# permission; the source must be mentioned.
WHO5 = Instrument(
    code="who5",
    name="WHO-5 Well-Being Index",
    stem="Over the last two weeks",
    instructions=(
        "Please indicate for each of the five statements which is closest to how you "
        "have been feeling over the last two weeks. Notice that higher numbers mean "
        "better well-being."
    ),
    items=(
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ),
    options=(
        (5, "All of the time"),
        (4, "Most of the time"),
        (3, "More than half of the time"),
        (2, "Less than half of the time"),
        (1, "Some of the time"),
        (0, "At no time"),
    ),
    multiplier=4,
    bands=(
        Band(VERY_LOW, "Very low", 0, 28),
        Band(LOW, "Low", 29, 50),
        Band(NOT_LOW, "Not low", 51, 100),
    ),
    meaningful_change=10,
    citation=(
        "WHO-5 Well-Being Index (1998 version). Psychiatric Research Unit, WHO "
        "Collaborating Centre in Mental Health, Frederiksborg General Hospital. "
        "Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: "
        "a systematic review of the literature. Psychother Psychosom 2015;84:167-176."
    ),
)

INSTRUMENTS: dict[str, Instrument] = {"who5": WHO5}
DEFAULT_INSTRUMENT = "who5"


def instrument_for(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise InstrumentError("This check-in questionnaire is not available.") from None
