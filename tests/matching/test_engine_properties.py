"""Property tests of the assignment on random small programmes.

Every example is checked against rules written out again here and an exhaustive
search, independent of the engine's matrices and solvers.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    CRITERIA,
    Assignment,
    Candidate,
    Rules,
    Weights,
    assign,
    first_come_first_served,
    greedy,
    score_pair,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPARSE = 0  # dense_cells=0 sends every pool to the shortlist and min-cost flow solver


@dataclass(frozen=True)
class Instance:
    mentees: list[Candidate]
    mentors: list[Candidate]
    weights: Weights
    rules: Rules


def subset(values):
    return st.frozensets(st.sampled_from(values), max_size=len(values))


@st.composite
def person(draw, person_id: int, is_mentor: bool) -> Candidate:
    text = st.sampled_from
    return Candidate(
        id=person_id,
        specialty=draw(text(["Cardiology", "Urology", "Other", ""])),
        region=draw(text(["Wales", "Fife", ""])),
        time_zone=draw(text(["Europe/London", "Asia/Kolkata", ""])),
        years_band=draw(st.none() | st.integers(0, 4)),
        topics=draw(subset(["Stress", "Workload", "Morale", "Career choice", "Engagement"])),
        modes=draw(subset(["video", "phone", "in_person"])),
        languages=draw(subset(["English", "Welsh", "urdu"])),
        employer=draw(text(["St Elsewhere", "st elsewhere ", "County General", ""])),
        department=draw(text(["Cardiology", "cardiology", ""])),
        sex=draw(st.none() | text(["female", "male"])),
        age_band=draw(st.none() | text(["under_35", "45_54"])),
        ethnicity=draw(st.none() | text(["asian", "white"])),
        religion=draw(st.none() | text(["none", "sikh"])),
        prefer_mentor_sex=None if is_mentor else draw(st.none() | text(["female", "male"])),
        prefer_mentor_age_band=None if is_mentor else draw(st.none() | text(["45_54"])),
        prefer_same_ethnicity=not is_mentor and draw(st.booleans()),
        prefer_same_religion=not is_mentor and draw(st.booleans()),
    )


@st.composite
def instances(draw, max_mentees: int = 6, max_mentors: int = 4) -> Instance:
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    # Ids out of order, so that sorting by id matters.
    mentee_ids = draw(st.permutations(range(1, n + 1)))
    mentor_ids = draw(st.permutations(range(101, 101 + m)))
    mentees = [draw(person(i, False)) for i in mentee_ids]
    mentors = [draw(person(i, True)) for i in mentor_ids]
    weights = Weights(
        **{c: draw(st.integers(0, 10)) for c in CRITERIA}, min_career_gap=draw(st.integers(0, 3))
    )
    capacities = {
        mentor.id: draw(st.integers(0, 3)) for mentor in mentors if draw(st.integers(0, 5))
    }  # about one mentor in six has no entry: no places
    pairs = st.tuples(st.sampled_from(mentee_ids), st.sampled_from(mentor_ids))
    blocked = draw(st.frozensets(pairs, max_size=4)) if n and m else frozenset()
    locked = frozenset()
    if n and m:
        chosen = draw(st.lists(st.sampled_from(mentee_ids), unique=True, max_size=2))
        locked = frozenset((i, draw(st.sampled_from(mentor_ids))) for i in chosen)
    rules = Rules(
        min_score=draw(st.sampled_from([0, 30, 40, 55, 70])),
        cross_organisation=draw(st.booleans()),
        blocked_pairs=blocked,
        capacities=capacities,
        locked_pairs=locked,
    )
    return Instance(mentees, mentors, weights, rules)


# --- The rules, written out again ------------------------------------------------------


def same_organisation(a: Candidate, b: Candidate) -> bool:
    employer = a.employer.strip().lower() == b.employer.strip().lower() != ""
    department = a.department.strip().lower() == b.department.strip().lower() != ""
    return employer and department


def may_pair(inst: Instance, a: Candidate, b: Candidate) -> float | None:
    """The pair's score if the rules allow it, else None."""
    rules = inst.rules
    if (a.id, b.id) in rules.blocked_pairs:
        return None
    if rules.cross_organisation and same_organisation(a, b):
        return None
    total = score_pair(a, b, inst.weights).total
    return total if total >= rules.min_score - 1e-9 else None


def places_left(inst: Instance) -> dict[int, int]:
    load = Counter(b for _, b in inst.rules.locked_pairs)
    return {b.id: inst.rules.capacities.get(b.id, 0) - load[b.id] for b in inst.mentors}


def optimum(inst: Instance) -> float:
    """The best total by exhaustive search (memoised over places left)."""
    by_id = {c.id: c for c in inst.mentees + inst.mentors}
    locked_total = sum(
        score_pair(by_id[a], by_id[b], inst.weights).total for a, b in inst.rules.locked_pairs
    )
    locked = {a for a, _ in inst.rules.locked_pairs}
    free = [a for a in inst.mentees if a.id not in locked]
    options = [
        [(j, s) for j, b in enumerate(inst.mentors) if (s := may_pair(inst, a, b)) is not None]
        for a in free
    ]
    left = places_left(inst)

    @cache
    def best(i: int, places: tuple[int, ...]) -> float:
        if i == len(free):
            return 0.0
        value = best(i + 1, places)  # this mentee unmatched
        for j, s in options[i]:
            if places[j] > 0:
                taken = places[:j] + (places[j] - 1,) + places[j + 1 :]
                value = max(value, s + best(i + 1, taken))
        return value

    return locked_total + best(0, tuple(left[b.id] for b in inst.mentors))


def assert_keeps_the_rules(inst: Instance, result: Assignment) -> None:
    by_id = {c.id: c for c in inst.mentees + inst.mentors}
    locked = set(inst.rules.locked_pairs)
    matched = [p.mentee_id for p in result.pairs]
    assert len(matched) == len(set(matched)), "a mentee has two mentors"
    assert set(matched) | set(result.unmatched) == {a.id for a in inst.mentees}
    assert not set(matched) & set(result.unmatched)
    assert all(result.unmatched.values())
    assert locked <= {(p.mentee_id, p.mentor_id) for p in result.pairs}, "a lock was lost"
    left = places_left(inst)
    new = Counter(p.mentor_id for p in result.pairs if (p.mentee_id, p.mentor_id) not in locked)
    for mentor_id, count in new.items():
        assert count <= left[mentor_id], "a mentor has more mentees than places"
    for pair in result.pairs:
        a, b = by_id[pair.mentee_id], by_id[pair.mentor_id]
        assert pair.score == score_pair(a, b, inst.weights)
        if (a.id, b.id) not in locked:
            assert may_pair(inst, a, b) is not None, "a pair breaks a rule"
    assert abs(result.total - sum(p.score.total for p in result.pairs)) < 1e-6


# --- Properties ------------------------------------------------------------------------


@SETTINGS
@given(instances())
def test_the_assignment_keeps_every_rule_and_lock(inst):
    for dense_cells in (None, SPARSE):
        extra = {} if dense_cells is None else {"dense_cells": dense_cells}
        assert_keeps_the_rules(
            inst, assign(inst.mentees, inst.mentors, inst.weights, inst.rules, **extra)
        )


@SETTINGS
@given(instances())
def test_the_total_equals_an_exhaustive_search(inst):
    best = optimum(inst)
    dense = assign(inst.mentees, inst.mentors, inst.weights, inst.rules)
    sparse = assign(inst.mentees, inst.mentors, inst.weights, inst.rules, dense_cells=SPARSE)
    assert abs(dense.total - best) < 1e-6
    assert abs(sparse.total - best) < 1e-3  # float32 scores for large pools


@SETTINGS
@given(instances())
def test_the_baselines_keep_the_rules_and_never_beat_the_assignment(inst):
    best = assign(inst.mentees, inst.mentors, inst.weights, inst.rules)
    for baseline in (greedy, first_come_first_served):
        result = baseline(inst.mentees, inst.mentors, inst.weights, inst.rules)
        assert_keeps_the_rules(inst, result)
        assert result.total <= best.total + 1e-6


@SETTINGS
@given(instances(), st.randoms(use_true_random=False))
def test_the_same_people_in_any_order_give_the_same_assignment(inst, rng: random.Random):
    first = assign(inst.mentees, inst.mentors, inst.weights, inst.rules)
    again = assign(inst.mentees, inst.mentors, inst.weights, inst.rules)
    shuffled_mentees, shuffled_mentors = list(inst.mentees), list(inst.mentors)
    rng.shuffle(shuffled_mentees)
    rng.shuffle(shuffled_mentors)
    shuffled = assign(shuffled_mentees, shuffled_mentors, inst.weights, inst.rules)
    assert first == again == shuffled
    sparse = [
        assign(people, mentors, inst.weights, inst.rules, dense_cells=SPARSE)
        for people, mentors in [(inst.mentees, inst.mentors), (shuffled_mentees, shuffled_mentors)]
    ]
    assert sparse[0] == sparse[1]
