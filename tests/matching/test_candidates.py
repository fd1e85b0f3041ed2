"""People as the engine sees them, and the programme's weights and hard rules."""

from __future__ import annotations

import pytest

from matching.candidates import (
    candidate_for,
    candidates_for_programme,
    places_left,
    weights_and_rules_for,
)
from matching.models import DeclaredConflict, Mentorship
from mentoring.accounts.models import MatchingPreferences
from programmes.models import Membership
from tests.accounts.test_privacy import give_distinctive_preferences

from .mentoring_setup import make_mentee, make_mentor, mentorship, settings_of

pytestmark = pytest.mark.django_db


def test_a_mentee_candidate_carries_profile_and_private_preferences(mentee):
    profile = mentee.profile
    profile.specialty = "Paediatrics"
    profile.languages = "English,  British Sign Language"
    profile.frameworks_taught = ["grow"]
    profile.frameworks_practised = ["egan"]
    profile.department = "Neonates"
    profile.save()
    give_distinctive_preferences(mentee)
    candidate = candidate_for(mentee, Membership.Role.MENTEE)
    assert candidate.id == mentee.pk
    assert candidate.specialty == "Paediatrics"
    assert candidate.years_band == 0
    assert candidate.topics == frozenset(profile.topics_seeking)
    assert candidate.modes == {"video", "phone"}
    assert candidate.languages == {"English", "British Sign Language"}
    assert candidate.frameworks == {"grow", "egan"}
    assert (candidate.employer, candidate.department) == (profile.employer, "Neonates")
    assert candidate.time_zone == "Europe/London"
    assert candidate.prefer_mentor_sex == "other"
    assert candidate.prefer_mentor_age_band == "55_plus"
    assert candidate.prefer_same_ethnicity and candidate.prefer_same_religion
    assert candidate.ethnicity == "mixed" and candidate.religion == "buddhist"


def test_a_mentor_candidate_offers_their_topics_and_characteristics(mentor):
    MatchingPreferences.objects.create(user=mentor, sex="female", age_band="45_54")
    candidate = candidate_for(mentor, Membership.Role.MENTOR)
    assert candidate.topics == frozenset(mentor.profile.topics_offering)
    assert candidate.years_band == 4
    assert (candidate.sex, candidate.age_band) == ("female", "45_54")
    assert candidate.ethnicity is None and not candidate.prefer_same_religion


def test_someone_without_a_profile_or_preferences_is_a_blank_candidate(outsider):
    candidate = candidate_for(outsider, Membership.Role.MENTEE)
    assert candidate.specialty == "" and candidate.years_band is None
    assert candidate.topics == frozenset() and candidate.sex is None


def test_a_programmes_candidates_are_its_current_members_in_one_query(
    programme, other_programme, mentor, mentee, django_assert_num_queries
):
    for _ in range(20):
        give_distinctive_preferences(make_mentor(programme))
    left = make_mentor(programme)
    Membership.objects.filter(user=left).update(ended_at="2024-01-01T00:00Z")
    make_mentor(other_programme)
    with django_assert_num_queries(1):
        mentors = candidates_for_programme(programme, Membership.Role.MENTOR)
    assert len(mentors) == 21
    assert left.pk not in {c.id for c in mentors}
    assert mentee.pk not in {c.id for c in mentors}
    with django_assert_num_queries(1):
        [only] = candidates_for_programme(programme, Membership.Role.MENTEE, user_ids=[mentee.pk])
    assert only.id == mentee.pk


def test_places_left_count_open_mentorships_and_the_pause_on_new_mentees(programme, mentor):
    busy = make_mentor(programme, capacity=3)
    resting = make_mentor(programme, capacity=3, accepting=False)
    mentorship(programme, busy, make_mentee(programme))
    mentorship(programme, busy, make_mentee(programme), status=Mentorship.Status.PAUSED)
    mentorship(programme, busy, make_mentee(programme), status=Mentorship.Status.CLOSED)
    mentorship(programme, mentor, make_mentee(programme), status=Mentorship.Status.PROPOSED)
    places = places_left(programme)
    assert places == {mentor.pk: 1, busy.pk: 1, resting.pk: 0}


def test_weights_and_rules_follow_the_programmes_settings(programme, mentor, mentee):
    settings_of(
        programme,
        weight_specialty=9,
        weight_preferences=0,
        min_career_gap=2,
        min_score=45,
        cross_organisation=True,
    )
    weights, rules = weights_and_rules_for(programme)
    assert weights.specialty == 9 and weights.preferences == 0 and weights.min_career_gap == 2
    assert rules.min_score == 45 and rules.cross_organisation
    assert rules.capacities == {mentor.pk: 2}
    assert rules.locked_pairs == frozenset()


def test_blocked_pairs_are_declared_conflicts_and_pairs_that_closed(programme, mentor, mentee):
    other_mentee = make_mentee(programme)
    third = make_mentee(programme)
    DeclaredConflict.objects.create(programme=programme, mentee=mentee, mentor=mentor, kind="other")
    mentorship(programme, mentor, other_mentee, status=Mentorship.Status.CLOSED)
    mentorship(programme, mentor, third)
    _, rules = weights_and_rules_for(programme)
    assert rules.blocked_pairs == {
        (mentee.pk, mentor.pk),
        (other_mentee.pk, mentor.pk),
        (third.pk, mentor.pk),
    }
    _, narrowed = weights_and_rules_for(programme, mentee_ids=[mentee.pk])
    assert narrowed.blocked_pairs == {(mentee.pk, mentor.pk)}


def test_weights_and_rules_take_a_fixed_number_of_queries(programme, django_assert_max_num_queries):
    for _ in range(30):
        mentorship(programme, make_mentor(programme), make_mentee(programme))
    settings_of(programme)
    with django_assert_max_num_queries(5):
        weights_and_rules_for(programme)


def test_long_id_lists_are_filtered_without_a_huge_query(programme, mentor, mentee, monkeypatch):
    import matching.candidates as candidates

    other = make_mentee(programme)
    DeclaredConflict.objects.create(programme=programme, mentee=mentee, mentor=mentor, kind="other")
    DeclaredConflict.objects.create(programme=programme, mentee=other, mentor=mentor, kind="other")
    monkeypatch.setattr(candidates, "MAX_IN_LIST", 1)
    ids = [mentee.pk, 10_000, 10_001]
    assert [c.id for c in candidates_for_programme(programme, "mentee", user_ids=ids)] == [
        mentee.pk
    ]
    _, rules = weights_and_rules_for(programme, mentee_ids=ids)
    assert rules.blocked_pairs == {(mentee.pk, mentor.pk)}
