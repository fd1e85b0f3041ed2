"""Scoring one mentee with one mentor: per-criterion values, totals and reasons."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine import CRITERIA, Candidate, Rules, Weights, rank_mentors, runner_up
from matching.engine import score_pair as score
from matching.engine.matrix import PoolScores

ONLY = {c: 0 for c in CRITERIA}


def only(criterion: str, **extra) -> Weights:
    """Weights that count a single criterion."""
    return Weights(**{**ONLY, criterion: 5, **extra})


def mentee(**fields) -> Candidate:
    return Candidate(id=fields.pop("id", 1), **fields)


def mentor(**fields) -> Candidate:
    return Candidate(id=fields.pop("id", 100), **fields)


SENSITIVE_MENTEE = mentee(
    sex="female",
    age_band="under_35",
    ethnicity="black",
    religion="muslim",
    prefer_mentor_sex="female",
    prefer_mentor_age_band="45_54",
    prefer_same_ethnicity=True,
    prefer_same_religion=True,
    specialty="Cardiology",
    region="Wales",
    time_zone="Europe/London",
    years_band=0,
    topics=frozenset({"Stress", "Workload", "Morale"}),
    modes=frozenset({"video"}),
    languages=frozenset({"English", "Welsh"}),
)
SENSITIVE_MENTOR = mentor(
    sex="female",
    age_band="45_54",
    ethnicity="black",
    religion="muslim",
    specialty="Cardiology",
    region="Wales",
    time_zone="Europe/London",
    years_band=4,
    topics=frozenset({"Stress", "Workload", "Morale", "Career choice"}),
    modes=frozenset({"video", "phone"}),
    languages=frozenset({"Welsh", "English"}),
)


class TestCriteria:
    def test_the_same_specialty_scores_one_and_another_zero(self):
        same = score(mentee(specialty="Cardiology"), mentor(specialty="cardiology "), Weights())
        other = score(mentee(specialty="Cardiology"), mentor(specialty="Urology"), Weights())
        assert same.breakdown["specialty"] == 1
        assert other.breakdown["specialty"] == 0

    def test_an_unknown_or_other_specialty_scores_a_half(self):
        for a, b in [("", "Urology"), ("Other", "Other"), ("Urology", "")]:
            assert score(mentee(specialty=a), mentor(specialty=b), Weights()).breakdown[
                "specialty"
            ] == pytest.approx(0.5)

    @pytest.mark.parametrize(
        ("sought", "offered", "expected"),
        [
            ({"a", "b"}, {"a", "b", "c"}, 1.0),
            ({"a", "b"}, {"a", "x"}, 0.5),
            ({"a", "b", "c", "d", "e"}, {"a", "b", "c"}, 1.0),  # three topics cover a list
            ({"a", "b", "c", "d", "e"}, {"a"}, 1 / 3),
            ({"a"}, {"x"}, 0.0),
            (set(), {"x"}, 0.5),
            ({"a"}, set(), 0.5),
        ],
    )
    def test_topics_count_the_overlap_of_sought_and_offered(self, sought, offered, expected):
        result = score(
            mentee(topics=frozenset(sought)), mentor(topics=frozenset(offered)), Weights()
        )
        assert result.breakdown["topics"] == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("mine", "theirs", "gap", "expected"),
        [
            (0, 4, 1, 1.0),
            (1, 2, 1, 1.0),
            (2, 2, 1, 0.5),
            (3, 2, 1, 0.0),
            (1, 2, 2, 2 / 3),
            (1, 1, 2, 1 / 3),
            (1, 1, 0, 1.0),
            (None, 3, 1, 0.5),
            (2, None, 1, 0.5),
        ],
    )
    def test_career_stage_wants_the_mentor_ahead_by_the_minimum_gap(
        self, mine, theirs, gap, expected
    ):
        result = score(
            mentee(years_band=mine), mentor(years_band=theirs), Weights(min_career_gap=gap)
        )
        assert result.breakdown["career_stage"] == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("mine", "theirs", "expected"),
        [
            (("Wales", "Europe/London"), ("Wales", "Europe/London"), 1.0),
            (("Wales", "Europe/London"), ("Fife", "Europe/London"), 0.7),
            (("Wales", "Europe/London"), ("Fife", "Asia/Kolkata"), 0.0),
            (("", ""), ("Fife", "Asia/Kolkata"), 0.5),
            (("Other", "Europe/London"), ("Other", "Asia/Kolkata"), 0.0),
        ],
    )
    def test_location_prefers_the_region_then_the_time_zone(self, mine, theirs, expected):
        a = mentee(region=mine[0], time_zone=mine[1])
        b = mentor(region=theirs[0], time_zone=theirs[1])
        assert score(a, b, Weights()).breakdown["location"] == pytest.approx(expected)

    def test_modes_and_languages_need_one_in_common(self):
        a = mentee(modes=frozenset({"video"}), languages=frozenset({"english"}))
        b = mentor(modes=frozenset({"phone", "video"}), languages=frozenset({"English"}))
        c = mentor(modes=frozenset({"phone"}), languages=frozenset({"Welsh"}))
        d = mentor()
        assert score(a, b, Weights()).breakdown["modes"] == 1
        assert score(a, b, Weights()).breakdown["language"] == 1
        assert score(a, c, Weights()).breakdown["modes"] == 0
        assert score(a, c, Weights()).breakdown["language"] == 0
        assert score(a, d, Weights()).breakdown["modes"] == 0.5
        assert score(a, d, Weights()).breakdown["language"] == 0.5

    def test_preferences_score_the_share_of_stated_preferences_met(self):
        a = mentee(
            prefer_mentor_sex="female",
            prefer_same_religion=True,
            religion="jewish",
        )
        assert score(a, mentor(sex="female", religion="jewish"), Weights()).breakdown[
            "preferences"
        ] == pytest.approx(1.0)
        assert score(a, mentor(sex="male", religion="jewish"), Weights()).breakdown[
            "preferences"
        ] == pytest.approx(0.5)
        assert score(a, mentor(sex="female"), Weights()).breakdown["preferences"] == (
            pytest.approx(0.75)  # an unknown characteristic counts half
        )

    def test_no_stated_preference_is_fully_met(self):
        assert score(mentee(), mentor(sex="male"), Weights()).breakdown["preferences"] == 1

    def test_a_same_ethnicity_preference_without_ones_own_is_not_counted(self):
        a = mentee(prefer_same_ethnicity=True, ethnicity=None)
        assert score(a, mentor(ethnicity="white"), Weights()).breakdown["preferences"] == 1


class TestTotal:
    def test_total_is_the_weighted_mean_on_a_hundred_point_scale(self):
        a = mentee(specialty="Cardiology", topics=frozenset({"a"}))
        b = mentor(specialty="Cardiology", topics=frozenset({"x"}))
        weights = Weights(**{**ONLY, "specialty": 3, "topics": 1})
        assert score(a, b, weights).total == pytest.approx(75.0)

    def test_total_is_zero_when_every_weight_is_zero(self):
        assert score(SENSITIVE_MENTEE, SENSITIVE_MENTOR, Weights(**ONLY)).total == 0

    def test_breakdown_has_every_criterion_between_zero_and_one(self):
        result = score(SENSITIVE_MENTEE, SENSITIVE_MENTOR, Weights())
        assert set(result.breakdown) == set(CRITERIA)
        assert all(0 <= v <= 1 for v in result.breakdown.values())
        assert result.total == pytest.approx(100.0)

    def test_pool_scores_equal_pair_scores(self):
        mentees = [SENSITIVE_MENTEE, mentee(id=2), mentee(id=3, specialty="Urology", years_band=3)]
        mentors = [SENSITIVE_MENTOR, mentor(id=101, sex="male", years_band=1), mentor(id=102)]
        for weights in [Weights(), Weights(min_career_gap=3, preferences=10, topics=0)]:
            matrix = PoolScores(mentees, mentors, weights, Rules()).dense()
            expected = [[score(a, b, weights).total for b in mentors] for a in mentees]
            np.testing.assert_allclose(matrix, expected, atol=1e-9)


class TestReasons:
    def test_reasons_speak_plainly_about_what_is_shared(self):
        reasons = score(SENSITIVE_MENTEE, SENSITIVE_MENTOR, Weights()).reasons
        assert reasons == (
            "3 shared topics: Morale, Stress and Workload",
            "Same specialty (Cardiology)",
            "More experienced: 21 years and over",
            "Offers video meetings",
            "Speaks English and Welsh",
            "Same region (Wales)",
        )

    def test_reasons_follow_the_weights_and_skip_ignored_criteria(self):
        weights = Weights(specialty=1, topics=0, career_stage=0, location=9, modes=0, language=0)
        reasons = score(SENSITIVE_MENTEE, SENSITIVE_MENTOR, weights).reasons
        assert reasons == ("Same region (Wales)", "Same specialty (Cardiology)")

    def test_a_long_list_of_shared_topics_is_shortened(self):
        topics = frozenset({"Aa", "Bb", "Cc", "Dd", "Ee"})
        reasons = score(mentee(topics=topics), mentor(topics=topics), only("topics")).reasons
        assert reasons == ("5 shared topics: Aa, Bb, Cc and 2 more",)

    def test_one_shared_topic_is_singular(self):
        a, b = mentee(topics=frozenset({"Stress"})), mentor(topics=frozenset({"Stress", "Morale"}))
        assert score(a, b, only("topics")).reasons == ("1 shared topic: Stress",)

    def test_same_time_zone_and_several_modes(self):
        a = mentee(region="Wales", time_zone="Europe/London", modes=frozenset(MODES))
        b = mentor(region="Fife", time_zone="Europe/London", modes=frozenset(MODES))
        assert score(a, b, Weights()).reasons == (
            "Offers video, phone and in-person meetings",
            "Same time zone",
        )

    def test_no_reason_when_nothing_is_clearly_shared(self):
        a = mentee(specialty="Urology", years_band=3, region="Wales")
        b = mentor(specialty="Cardiology", years_band=1, region="Fife")
        assert score(a, b, Weights()).reasons == ()

    def test_reasons_never_mention_sensitive_data_or_preferences(self):
        words = (
            "female",
            "male",
            "black",
            "muslim",
            "45",
            "under_35",
            "ethnic",
            "religio",
            "sex",
            "age",
            "prefer",
            "gender",
        )
        for weights in [Weights(), only("preferences"), Weights(preferences=10)]:
            text = " ".join(score(SENSITIVE_MENTEE, SENSITIVE_MENTOR, weights).reasons).lower()
            for word in words:
                assert word not in text.replace("meetings", ""), word


MODES = ("video", "phone", "in_person")


class TestRanking:
    def test_mentors_are_ranked_best_first_with_ties_by_id(self):
        a = mentee(specialty="Cardiology")
        mentors = [
            mentor(id=5, specialty="Urology"),
            mentor(id=4, specialty="Cardiology"),
            mentor(id=3, specialty="Cardiology"),
        ]
        rules = Rules(capacities={3: 1, 4: 1, 5: 1})
        assert [m.id for m, _ in rank_mentors(a, mentors, Weights(), rules)] == [3, 4, 5]

    def test_ranking_leaves_out_full_blocked_and_same_organisation_mentors(self):
        a = mentee(employer="St Elsewhere", department="Cardiology")
        mentors = [
            mentor(id=1),
            mentor(id=2),
            mentor(id=3),
            mentor(id=4, employer="st elsewhere ", department="CARDIOLOGY"),
            mentor(id=5, employer="St Elsewhere", department="Urology"),
        ]
        rules = Rules(
            capacities={1: 0, 2: 1, 3: 2, 4: 1, 5: 1},
            blocked_pairs=frozenset({(1, 3)}),
            cross_organisation=True,
            min_score=99,
        )
        ranked = rank_mentors(a, mentors, Weights(), rules)
        assert sorted(m.id for m, _ in ranked) == [2, 5]  # the minimum score does not apply

    def test_runner_up_is_the_best_other_mentor(self):
        a = mentee(specialty="Cardiology", region="Wales")
        mentors = [
            mentor(id=1, specialty="Cardiology", region="Wales"),
            mentor(id=2, specialty="Cardiology"),
            mentor(id=3),
        ]
        rules = Rules(capacities={1: 1, 2: 1, 3: 1})
        found = runner_up(a, mentors, Weights(), rules, exclude_mentor_id=1)
        assert found is not None
        assert found[0].id == 2
        assert found[1] == score(a, mentors[1], Weights())
        assert runner_up(a, mentors[:1], Weights(), rules, exclude_mentor_id=1) is None
