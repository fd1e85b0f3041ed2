"""The engine keeps its own copy of the career-stage labels (it never imports Django)."""

from __future__ import annotations

from matching.engine.scoring import YEARS_LABELS
from mentoring.vocabulary import YEARS_ORDER, YearsInPractice


def test_the_engines_years_labels_are_the_vocabularys_in_the_same_order():
    # A mentor's years_band is the position of their answer in YEARS_ORDER.
    assert [c.value for c in YearsInPractice] == YEARS_ORDER
    assert tuple(YearsInPractice.labels) == YEARS_LABELS
