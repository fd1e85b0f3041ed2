"""The WHO-5 as published, its scoring, bands and meaningful change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellbeing.instruments import (
    INSTRUMENTS,
    LOW,
    NOT_LOW,
    VERY_LOW,
    WHO5,
    InstrumentError,
    instrument_for,
)


def test_the_registry_ships_only_the_who5():
    assert INSTRUMENTS == {"who5": WHO5}
    assert instrument_for("who5") is WHO5
    with pytest.raises(InstrumentError):
        instrument_for("wemwbs")


def test_the_items_are_worded_as_published():
    assert WHO5.stem == "Over the last two weeks"
    assert WHO5.items == (
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    )
    assert "over the last two weeks" in WHO5.instructions


def test_the_response_options_run_from_all_of_the_time_to_at_no_time():
    assert WHO5.options == (
        (5, "All of the time"),
        (4, "Most of the time"),
        (3, "More than half of the time"),
        (2, "Less than half of the time"),
        (1, "Some of the time"),
        (0, "At no time"),
    )


def test_the_source_is_cited():
    assert "Frederiksborg General Hospital" in WHO5.citation
    assert "Psychother Psychosom 2015;84:167-176" in WHO5.citation


@pytest.mark.parametrize(
    ("answers", "raw", "score", "band"),
    [
        ([0, 0, 0, 0, 0], 0, 0, VERY_LOW),
        ([5, 5, 5, 5, 5], 25, 100, NOT_LOW),
        ([2, 2, 1, 1, 1], 7, 28, VERY_LOW),
        ([2, 2, 2, 1, 1], 8, 32, LOW),
        ([3, 3, 2, 2, 2], 12, 48, LOW),
        ([3, 3, 3, 2, 2], 13, 52, NOT_LOW),
        # The published form's example: "more than half of the time" ticks the box marked 3.
        ([3, 3, 3, 3, 3], 15, 60, NOT_LOW),
    ],
)
def test_scoring_multiplies_the_raw_total_by_four(answers, raw, score, band):
    assert WHO5.raw_score(answers) == raw
    assert WHO5.score(answers) == score
    assert WHO5.band_for(score).code == band


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, VERY_LOW), (28, VERY_LOW), (29, LOW), (50, LOW), (51, NOT_LOW), (100, NOT_LOW)],
)
def test_band_thresholds(score, band):
    assert WHO5.band_for(score).code == band


def test_a_score_outside_the_range_has_no_band():
    with pytest.raises(InstrumentError):
        WHO5.band_for(101)


@pytest.mark.parametrize(
    "answers",
    [
        [],
        [3, 3, 3, 3],
        [3, 3, 3, 3, 3, 3],
        [3, 3, 3, 3, 6],
        [3, 3, 3, 3, -1],
        [3, 3, 3, 3, "3"],
        [3, 3, 3, 3, 3.0],
        [3, 3, 3, 3, True],
        [3, 3, 3, 3, None],
        "33333",
    ],
)
def test_bad_answers_are_rejected(answers):
    with pytest.raises(InstrumentError):
        WHO5.score(answers)


@pytest.mark.parametrize(
    ("before", "after", "meaningful"),
    [
        (None, 40, False),
        (40, 48, False),
        (40, 50, True),
        (40, 52, True),
        (52, 44, False),
        (52, 40, True),
        (60, 60, False),
    ],
)
def test_a_change_of_ten_points_or_more_is_meaningful(before, after, meaningful):
    assert WHO5.is_meaningful_change(before, after) is meaningful


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5))
def test_every_valid_set_of_answers_scores_in_range_with_one_band(answers):
    score = WHO5.score(answers)
    assert score == 4 * sum(answers)
    assert 0 <= score <= 100 and score % 4 == 0
    assert sum(band.contains(score) for band in WHO5.bands) == 1
