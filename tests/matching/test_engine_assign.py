"""The assignment on hand-made programmes: unmatched reasons, locks, baselines, scale."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from bench.generate import programme
from matching.engine import (
    CRITERIA,
    Candidate,
    Rules,
    Weights,
    assign,
    first_come_first_served,
    greedy,
)
from matching.engine.assign import ALL_BLOCKED, NO_PLACES, OUTSCORED, PER_MENTEE, PER_PLACE
from matching.engine.matrix import PoolScores
from matching.engine.shortlist import shortlist

shortlist_module = sys.modules["matching.engine.shortlist"]

SPECIALTY_AND_TOPICS = Weights(**{**{c: 0 for c in CRITERIA}, "specialty": 1, "topics": 1})


def person(person_id: int, specialty: str = "Cardiology", *topics: str, **fields) -> Candidate:
    return Candidate(id=person_id, specialty=specialty, topics=frozenset(topics), **fields)


def pairs_of(result) -> set[tuple[int, int]]:
    return {(p.mentee_id, p.mentor_id) for p in result.pairs}


class TestUnmatchedReasons:
    def test_no_places_left(self):
        result = assign([person(1)], [person(100)], Weights(), Rules(capacities={100: 0}))
        assert result.unmatched == {1: NO_PLACES}
        assert result.unmatched[1] == "No mentor with places left"

    def test_a_mentor_without_a_capacity_entry_has_no_places(self):
        result = assign([person(1)], [person(100)], Weights(), Rules())
        assert result.unmatched == {1: NO_PLACES}

    def test_every_possible_mentor_is_blocked(self):
        mentee = person(1, employer="St Elsewhere", department="Cardiology")
        mentors = [
            person(100),
            person(101, employer="ST ELSEWHERE", department=" cardiology"),
            person(102),
        ]
        rules = Rules(
            capacities={100: 1, 101: 1, 102: 0},
            blocked_pairs=frozenset({(1, 100)}),
            cross_organisation=True,
        )
        result = assign([mentee], mentors, Weights(), rules)
        assert result.unmatched == {1: ALL_BLOCKED}
        assert "conflict of interest or an earlier mentorship" in ALL_BLOCKED

    def test_same_employer_in_another_department_is_allowed(self):
        mentee = person(1, employer="St Elsewhere", department="Cardiology")
        mentor = person(100, employer="St Elsewhere", department="Urology")
        rules = Rules(capacities={100: 1}, cross_organisation=True)
        assert pairs_of(assign([mentee], [mentor], Weights(), rules)) == {(1, 100)}

    def test_nobody_reaches_the_minimum_score(self):
        mentee = person(1, "Cardiology", "Stress")
        mentor = person(100, "Urology", "Morale")
        rules = Rules(capacities={100: 1}, min_score=40)
        result = assign([mentee], [mentor], SPECIALTY_AND_TOPICS, rules)
        assert result.unmatched == {1: "No mentor scored above the programme's minimum of 40"}

    def test_the_minimum_score_itself_is_enough(self):
        mentee = person(1, "Cardiology", "Stress")
        mentor = person(100, "Cardiology", "Morale")  # 50 exactly
        rules = Rules(capacities={100: 1}, min_score=50)
        assert pairs_of(assign([mentee], [mentor], SPECIALTY_AND_TOPICS, rules)) == {(1, 100)}

    def test_others_scored_higher_with_the_mentors_who_had_room(self):
        mentees = [person(1, "Cardiology", "Stress"), person(2, "Urology", "Stress")]
        rules = Rules(capacities={100: 1})
        result = assign(mentees, [person(100, "Cardiology", "Stress")], SPECIALTY_AND_TOPICS, rules)
        assert pairs_of(result) == {(1, 100)}
        assert result.unmatched == {2: OUTSCORED}

    def test_a_locked_pair_uses_its_mentors_place(self):
        mentees = [person(1), person(2)]
        rules = Rules(capacities={100: 1}, locked_pairs=frozenset({(2, 100)}))
        result = assign(mentees, [person(100)], Weights(), rules)
        assert pairs_of(result) == {(2, 100)}
        assert result.unmatched == {1: NO_PLACES}

    def test_a_locked_pair_is_kept_even_below_the_minimum(self):
        mentee, mentor = person(1, "Urology"), person(100, "Cardiology")
        rules = Rules(capacities={100: 1}, min_score=99, locked_pairs=frozenset({(1, 100)}))
        result = assign([mentee], [mentor], SPECIALTY_AND_TOPICS, rules)
        assert pairs_of(result) == {(1, 100)}
        assert result.total == pytest.approx(result.pairs[0].score.total)

    def test_nobody_to_match(self):
        result = assign([], [person(100)], Weights(), Rules(capacities={100: 1}))
        assert result.pairs == () and result.unmatched == {} and result.total == 0


class TestBaselines:
    """A is everyone's favourite; B only suits X. Greedy gives X to A, the optimum to B."""

    mentees = [person(2, "Urology", "t2"), person(1, "Cardiology", "t1")]  # B arrives first
    mentors = [person(100, "Cardiology", "t1", "t2"), person(101, "Cardiology", "t1")]
    rules = Rules(capacities={100: 1, 101: 1})

    def test_the_assignment_finds_the_better_total(self):
        result = assign(self.mentees, self.mentors, SPECIALTY_AND_TOPICS, self.rules)
        assert pairs_of(result) == {(1, 101), (2, 100)}
        assert result.total == pytest.approx(150)

    def test_greedy_takes_the_best_pair_first(self):
        result = greedy(self.mentees, self.mentors, SPECIALTY_AND_TOPICS, self.rules)
        assert pairs_of(result) == {(1, 100), (2, 101)}
        assert result.total == pytest.approx(100)

    def test_first_come_first_served_follows_the_order_given(self):
        result = first_come_first_served(
            self.mentees, self.mentors, SPECIALTY_AND_TOPICS, self.rules
        )
        assert pairs_of(result) == {(2, 100), (1, 101)}
        reversed_order = first_come_first_served(
            self.mentees[::-1], self.mentors, SPECIALTY_AND_TOPICS, self.rules
        )
        assert pairs_of(reversed_order) == {(1, 100), (2, 101)}


@pytest.fixture(scope="module")
def pool():
    return programme(600, 180, seed=7)


class TestLargePools:
    """Pools past the dense limit go through shortlists and min-cost flow."""

    def test_shortlists_reach_the_exact_optimum_in_practice(self, pool):
        exact = assign(pool.mentees, pool.mentors, pool.weights, pool.rules)
        shortlisted = assign(pool.mentees, pool.mentors, pool.weights, pool.rules, dense_cells=0)
        assert shortlisted.total >= 0.999 * exact.total
        assert len(shortlisted.pairs) == len(exact.pairs)

    def test_large_pools_keep_the_rules_and_beat_the_baselines(self, pool):
        result = assign(pool.mentees, pool.mentors, pool.weights, pool.rules, dense_cells=0)
        rules = pool.rules
        load: dict[int, int] = {}
        for pair in result.pairs:
            load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
            assert (pair.mentee_id, pair.mentor_id) not in rules.blocked_pairs
            assert pair.score.total >= rules.min_score
        assert all(load[i] <= rules.capacities[i] for i in load)
        for baseline in (greedy, first_come_first_served):
            other = baseline(pool.mentees, pool.mentors, pool.weights, rules)
            assert other.total <= result.total

    def test_large_pools_give_the_same_answer_every_time(self, pool):
        first = assign(pool.mentees, pool.mentors, pool.weights, pool.rules, dense_cells=0)
        again = assign(pool.mentees[::-1], pool.mentors, pool.weights, pool.rules, dense_cells=0)
        assert first == again

    def test_scanning_in_blocks_on_several_threads_changes_nothing(self, pool, monkeypatch):
        mentees = sorted(pool.mentees, key=lambda c: c.id)
        mentors = sorted(pool.mentors, key=lambda c: c.id)
        scores = PoolScores(mentees, mentors, pool.weights, pool.rules, dtype=np.float32)
        keep = PER_PLACE * np.array([pool.rules.capacities[m.id] for m in mentors])
        whole = shortlist(scores, pool.rules.min_score, PER_MENTEE, keep, workers=1)
        monkeypatch.setattr(shortlist_module, "BLOCK_CELLS", 7 * len(mentors))
        for workers in (1, 2, 3):
            blocks = shortlist(scores, pool.rules.min_score, PER_MENTEE, keep, workers=workers)
            for name in ("rows", "cols", "scores", "any_allowed", "any_eligible"):
                assert np.array_equal(getattr(whole, name), getattr(blocks, name)), name
