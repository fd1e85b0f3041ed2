from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core import mail

from matching.engine.types import CRITERIA
from matching.errors import MatchingError
from matching.models import (
    DeclaredConflict,
    MatchingRun,
    MatchingSettings,
    MentorRequest,
    Mentorship,
    ProposedPair,
    UnmatchedMentee,
)
from matching.selectors.runs import reassign_options
from matching.services import runs as services
from matching.services.mentorships import mentorship_create
from programmes.models import Membership
from tests.matching.runs_setup import (
    SENSITIVE,
    SENSITIVE_LABELS,
    mentee_in,
    mentor_in,
    two_by_two,
    with_private_preferences,
)

pytestmark = pytest.mark.django_db


def pairs_of(run) -> set[tuple[int, int]]:
    return set(run.pairs.values_list("mentee_id", "mentor_id"))


def set_settings(programme, **values) -> None:
    MatchingSettings.objects.update_or_create(programme=programme, defaults=values)


def pair_for(run, mentee) -> ProposedPair:
    return run.pairs.select_related("mentee", "mentor").get(mentee=mentee)


# -- Creating a run ---------------------------------------------------------------------------


def test_a_run_pairs_each_mentee_with_their_best_mentor(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)

    outcome = services.run_create(programme=programme, by=coordinator)

    run = outcome.run
    assert run.status == MatchingRun.Status.DRAFT and run.created_by == coordinator
    assert pairs_of(run) == {(ada.pk, xena.pk), (ben.pk, yusuf.pk)}
    assert (outcome.pairs, outcome.unmatched, outcome.replaced_draft) == (2, 0, False)
    assert run.total_score == pytest.approx(sum(p.score for p in run.pairs.all()), abs=0.1)


def test_a_pair_stores_the_whole_breakdown_reasons_and_the_runner_up(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)

    run = services.run_create(programme=programme, by=coordinator).run

    pair = pair_for(run, ada)
    assert set(pair.breakdown) == set(CRITERIA)  # "preferences" stored, never shown
    assert all(0 <= value <= 1 for value in pair.breakdown.values())
    assert "Same specialty (Cardiology)" in pair.reasons
    assert pair.runner_up_id == yusuf.pk
    assert pair.runner_up_score < pair.score
    assert set(pair.runner_up_breakdown) == set(CRITERIA)


def test_a_run_respects_capacities_and_lists_the_unmatched_with_a_reason(programme, coordinator):
    mentees = [mentee_in(programme, f"m{i}@example.org", f"Dr Mentee {i}") for i in range(5)]
    roomy = mentor_in(programme, "roomy@example.org", "Dr Roomy", capacity=2)
    mentor_in(programme, "single@example.org", "Dr Single", capacity=1)
    busy = mentor_in(programme, "busy@example.org", "Dr Busy", capacity=1)
    mentorship_create(
        programme=programme,
        mentor_id=busy.pk,
        mentee_id=mentee_in(programme, "taken@example.org", "Dr Taken").pk,
        origin=Mentorship.Origin.REQUEST,
    )

    outcome = services.run_create(programme=programme, by=coordinator)

    per_mentor = Counter(outcome.run.pairs.values_list("mentor_id", flat=True))
    assert per_mentor[roomy.pk] <= 2 and per_mentor[busy.pk] == 0
    assert sum(per_mentor.values()) == 3
    unmatched = list(outcome.run.unmatched.all())
    assert len(unmatched) == 2 and all(row.reason for row in unmatched)
    assert {row.mentee_id for row in unmatched} <= {m.pk for m in mentees}


def test_only_mentees_without_a_mentor_or_a_waiting_request_are_matched(
    programme, coordinator, mentor
):
    ada, ben, xena, yusuf = two_by_two(programme)
    waiting = mentee_in(programme, "waiting@example.org", "Dr Wait")
    MentorRequest.objects.create(
        programme=programme,
        mentee=waiting,
        mentor=mentor,
        message="Help with a new role",
        expires_at="2999-01-01T00:00:00Z",
    )
    matched = mentee_in(programme, "matched@example.org", "Dr Matched")
    mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=matched.pk,
        origin=Mentorship.Origin.REQUEST,
    )
    left = mentee_in(programme, "left@example.org", "Dr Left")
    Membership.objects.filter(user=left).update(ended_at="2020-01-01T00:00:00Z")

    run = services.run_create(programme=programme, by=coordinator).run

    considered = set(run.pairs.values_list("mentee_id", flat=True)) | set(
        run.unmatched.values_list("mentee_id", flat=True)
    )
    assert waiting.pk not in considered and matched.pk not in considered
    assert left.pk not in considered
    assert {ada.pk, ben.pk} <= considered


def test_a_run_never_proposes_a_blocked_or_same_organisation_pair(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    DeclaredConflict.objects.create(
        programme=programme, mentee=ada, mentor=xena, kind=DeclaredConflict.Kind.SUPERVISOR
    )
    set_settings(programme, cross_organisation=True, min_score=0)
    for user in (ben, yusuf):
        user.profile.employer, user.profile.department = "St Elsewhere", "Neurology"
        user.profile.save()

    run = services.run_create(programme=programme, by=coordinator).run

    assert pairs_of(run) == {(ada.pk, yusuf.pk), (ben.pk, xena.pk)}


def test_a_mentee_is_left_unmatched_rather_than_given_a_pair_below_the_minimum(
    programme, coordinator
):
    ada, ben, xena, yusuf = two_by_two(programme)
    for user in (ada, ben):
        user.profile.region = "Essex"
        user.profile.save()
    set_settings(programme, min_score=100)

    outcome = services.run_create(programme=programme, by=coordinator)

    assert outcome.pairs == 0 and outcome.unmatched == 2


def test_the_snapshot_summarises_settings_without_anyones_data(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    for user in (ada, ben, xena, yusuf):
        with_private_preferences(user, as_mentee=user in (ada, ben))
    DeclaredConflict.objects.create(
        programme=programme, mentee=ada, mentor=yusuf, kind=DeclaredConflict.Kind.LINE_MANAGER
    )

    run = services.run_create(programme=programme, by=coordinator).run

    snapshot = run.settings_snapshot
    assert snapshot["weights"]["topics"] == 8 and snapshot["min_score"] == 30
    assert (snapshot["mentees"], snapshot["mentors"], snapshot["places"]) == (2, 2, 2)
    assert set(snapshot) == {
        "weights",
        "min_career_gap",
        "min_score",
        "cross_organisation",
        "mentees",
        "mentors",
        "places",
        "locked_pairs",
    }
    text = json.dumps(snapshot)
    for value in [*SENSITIVE.values(), *SENSITIVE_LABELS, "Ada", "ada@", "Heart"]:
        assert value not in text


def test_a_new_run_discards_the_previous_proposal(programme, coordinator):
    two_by_two(programme)
    first = services.run_create(programme=programme, by=coordinator).run

    outcome = services.run_create(programme=programme, by=coordinator)

    first.refresh_from_db()
    assert first.status == MatchingRun.Status.DISCARDED
    assert outcome.replaced_draft
    assert MatchingRun.objects.filter(programme=programme, status="draft").get() == outcome.run


def test_a_run_needs_waiting_mentees_and_mentors_with_places(programme, coordinator):
    with pytest.raises(MatchingError, match="No mentees are waiting"):
        services.run_create(programme=programme, by=coordinator)
    mentee_in(programme, "solo@example.org", "Dr Solo")
    with pytest.raises(MatchingError, match="No mentor has a place left"):
        services.run_create(programme=programme, by=coordinator)
    assert not MatchingRun.objects.exists()


def test_only_the_programmes_coordinators_can_run_matching(programme, other_coordinator, mentor):
    two_by_two(programme)
    for person in (other_coordinator, mentor):
        with pytest.raises(MatchingError, match="Only this programme's coordinators"):
            services.run_create(programme=programme, by=person)
    assert not MatchingRun.objects.exists()


# -- Locks and re-runs ------------------------------------------------------------------------


def test_a_rerun_keeps_locked_pairs_and_updates_the_same_run(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    services.pair_swap(
        run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
    )

    outcome = services.run_rerun(run=run, by=coordinator)

    assert outcome.run.pk == run.pk
    assert pairs_of(run) == {(ada.pk, yusuf.pk), (ben.pk, xena.pk)}
    assert run.pairs.filter(locked=True).count() == 2
    assert (outcome.locks_kept, outcome.locks_dropped) == (2, 0)
    assert MatchingRun.objects.filter(programme=programme).count() == 1


def test_a_rerun_recomputes_the_pairs_that_are_not_locked(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    services.pair_swap(
        run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
    )
    for pair in run.pairs.all():
        services.pair_lock_set(run=run, pair=pair, by=coordinator, locked=False)

    services.run_rerun(run=run, by=coordinator)

    assert pairs_of(run) == {(ada.pk, xena.pk), (ben.pk, yusuf.pk)}


def test_a_rerun_counts_locked_pairs_against_the_mentors_places(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    services.pair_swap(
        run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
    )
    services.pair_lock_set(run=run, pair=pair_for(run, ada), by=coordinator, locked=False)

    services.run_rerun(run=run, by=coordinator)

    # Ada would rather have Xena, but Xena's one place is locked to Ben.
    assert pairs_of(run) == {(ada.pk, yusuf.pk), (ben.pk, xena.pk)}
    assert max(Counter(run.pairs.values_list("mentor_id", flat=True)).values()) == 1


def test_a_locked_pair_that_is_no_longer_possible_is_dropped_on_rerun(
    programme, coordinator, mentor
):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run
    for pair in run.pairs.all():
        services.pair_lock_set(run=run, pair=pair, by=coordinator, locked=True)
    mentorship_create(programme=programme, mentor_id=mentor.pk, mentee_id=ada.pk, origin="request")

    outcome = services.run_rerun(run=run, by=coordinator)

    assert (outcome.locks_kept, outcome.locks_dropped) == (1, 1)
    assert pairs_of(run) == {(ben.pk, yusuf.pk)}


# -- Changing pairs by hand -------------------------------------------------------------------


def test_a_swap_exchanges_mentors_rescoring_and_locking_both_pairs(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    before = pair_for(run, ada).score

    first, second = services.pair_swap(
        run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
    )

    assert (first.mentee_id, first.mentor_id) == (ada.pk, yusuf.pk)
    assert (second.mentee_id, second.mentor_id) == (ben.pk, xena.pk)
    assert first.locked and second.locked
    assert pair_for(run, ada).score < before
    assert "Same specialty (Cardiology)" not in pair_for(run, ada).reasons
    assert pair_for(run, ada).runner_up_id == xena.pk
    run.refresh_from_db()
    assert run.total_score == pytest.approx(first.score + second.score, abs=0.1)


def test_a_swap_into_a_declared_conflict_is_refused(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    DeclaredConflict.objects.create(
        programme=programme, mentee=ada, mentor=yusuf, kind=DeclaredConflict.Kind.SUPERVISOR
    )

    with pytest.raises(MatchingError, match="Dr Ada Heart and Dr Yusuf Neuron cannot be paired"):
        services.pair_swap(
            run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
        )

    assert pairs_of(run) == {(ada.pk, xena.pk), (ben.pk, yusuf.pk)}


def test_a_swap_into_the_same_organisation_is_refused_when_the_programme_forbids_it(
    programme, coordinator
):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0, cross_organisation=True)
    for user in (ada, yusuf):
        user.profile.employer, user.profile.department = "Leeds Trust", "Cardiology"
        user.profile.save()
    run = services.run_create(programme=programme, by=coordinator).run

    with pytest.raises(MatchingError, match="same organisation"):
        services.pair_swap(
            run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
        )

    assert not run.pairs.filter(locked=True).exists()


def test_a_swap_below_the_minimum_score_is_refused(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(
        programme,
        weight_specialty=10,
        weight_topics=0,
        weight_career_stage=0,
        weight_location=0,
        weight_modes=0,
        weight_language=0,
        weight_preferences=0,
        min_score=50,
    )
    run = services.run_create(programme=programme, by=coordinator).run

    with pytest.raises(MatchingError, match="below the programme's minimum of 50"):
        services.pair_swap(
            run=run, pair=pair_for(run, ada), other_pair_id=pair_for(run, ben).pk, by=coordinator
        )


def test_reassigning_gives_the_mentee_a_mentor_with_places_left(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    spare = mentor_in(programme, "spare@example.org", "Dr Spare", capacity=2)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    pair = pair_for(run, ada)
    if pair.mentor_id == spare.pk:  # the engine may prefer the spare mentor: start elsewhere
        pair = pair_for(run, ben)

    changed = services.pair_reassign(run=run, pair=pair, mentor_id=spare.pk, by=coordinator)

    assert changed.mentor_id == spare.pk and changed.locked
    assert set(changed.breakdown) == set(CRITERIA)


def test_reassigning_respects_capacity_within_the_run(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run

    with pytest.raises(MatchingError, match="Dr Yusuf Neuron has no places left in this proposal"):
        services.pair_reassign(run=run, pair=pair_for(run, ada), mentor_id=yusuf.pk, by=coordinator)

    assert pair_for(run, ada).mentor_id == xena.pk


def test_reassigning_refuses_a_blocked_pair_and_the_current_mentor(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    spare = mentor_in(programme, "spare@example.org", "Dr Spare", capacity=3)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    pair = run.pairs.exclude(mentor=spare).select_related("mentee", "mentor").first()
    DeclaredConflict.objects.create(
        programme=programme, mentee=pair.mentee, mentor=spare, kind="line_manager"
    )

    with pytest.raises(MatchingError, match="conflict of interest"):
        services.pair_reassign(run=run, pair=pair, mentor_id=spare.pk, by=coordinator)
    with pytest.raises(MatchingError, match="already this mentee's mentor"):
        services.pair_reassign(run=run, pair=pair, mentor_id=pair.mentor_id, by=coordinator)


def test_reassign_options_list_only_mentors_with_places_and_within_the_rules(
    programme, coordinator
):
    ada, ben, xena, yusuf = two_by_two(programme)
    spare = mentor_in(programme, "spare@example.org", "Dr Spare", capacity=2)
    blocked = mentor_in(programme, "blocked@example.org", "Dr Blocked", capacity=2)
    set_settings(programme, min_score=0)
    run = services.run_create(programme=programme, by=coordinator).run
    pair = run.pairs.exclude(mentor__in=[spare, blocked]).first()
    DeclaredConflict.objects.create(
        programme=programme, mentee_id=pair.mentee_id, mentor=blocked, kind="supervisor"
    )

    options = reassign_options(run=run, pair=pair)

    offered = {option.mentor.pk for option in options}
    assert spare.pk in offered
    assert blocked.pk not in offered and pair.mentor_id not in offered
    assert {xena.pk, yusuf.pk}.isdisjoint(offered)  # both full within the run
    assert [o.score for o in options] == sorted((o.score for o in options), reverse=True)


def test_removing_a_pair_lists_the_mentee_as_unmatched(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run

    services.pair_remove(run=run, pair=pair_for(run, ada), by=coordinator)

    assert pairs_of(run) == {(ben.pk, yusuf.pk)}
    assert UnmatchedMentee.objects.get(run=run, mentee=ada).reason == services.REMOVED_REASON
    run.refresh_from_db()
    assert run.total_score == pytest.approx(pair_for(run, ben).score, abs=0.1)


# -- Publishing -------------------------------------------------------------------------------


def test_publishing_creates_the_mentorships_and_emails_both_people(
    programme, coordinator, django_capture_on_commit_callbacks
):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run

    with django_capture_on_commit_callbacks(execute=True):
        created = services.run_publish(run=run, by=coordinator)

    assert len(created) == 2
    started = Mentorship.objects.filter(programme=programme, run=run)
    assert set(started.values_list("mentee_id", "mentor_id")) == pairs_of(run)
    assert set(started.values_list("status", "origin")) == {("active", "matching")}
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PUBLISHED
    assert run.published_by == coordinator and run.published_at
    by_address = {msg.to[0]: msg for msg in mail.outbox}
    assert set(by_address) == {
        "ada@example.org",
        "ben@example.org",
        "xena@example.org",
        "yusuf@example.org",
    }
    to_mentee, to_mentor = by_address["ada@example.org"], by_address["xena@example.org"]
    assert "Dr Xena Valve will be your mentor" in to_mentee.subject
    assert "Your mentorship has started" in to_mentee.body
    assert "Your new mentee" in to_mentor.subject
    assert "Dr Ada Heart, who is now your mentee" in to_mentor.body
    for msg in (to_mentee, to_mentor):
        html, kind = msg.alternatives[0]
        assert kind == "text/html" and "Why we suggested this pairing" in html
        assert "/mentoring/mentorships/" in msg.body


def test_publishing_as_introductions_creates_proposed_mentorships_to_accept(
    programme, coordinator, django_capture_on_commit_callbacks
):
    ada, ben, xena, yusuf = two_by_two(programme)
    set_settings(programme, publish_as_introductions=True)
    run = services.run_create(programme=programme, by=coordinator).run

    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, by=coordinator)

    statuses = set(Mentorship.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == {Mentorship.Status.PROPOSED}
    assert len(mail.outbox) == 4
    for msg in mail.outbox:
        assert "Please accept the introduction" in msg.body
        assert "Accept the introduction" in msg.alternatives[0][0]


def test_publishing_is_all_or_nothing(programme, coordinator, django_capture_on_commit_callbacks):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run
    Membership.objects.filter(user=yusuf, role="mentor").update(capacity=0)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MatchingError) as caught,
    ):
        services.run_publish(run=run, by=coordinator)

    assert "Nothing has been published" in caught.value.message
    assert "Dr Ben Brain with Dr Yusuf Neuron" in caught.value.message
    assert "no places left" in caught.value.message
    assert not Mentorship.objects.exists()
    assert mail.outbox == []
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DRAFT


def test_publishing_withdraws_requests_made_since_the_run(
    programme, coordinator, mentor, django_capture_on_commit_callbacks
):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run
    late = MentorRequest.objects.create(
        programme=programme,
        mentee=ada,
        mentor=mentor,
        message="Made after the run",
        expires_at="2999-01-01T00:00:00Z",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, by=coordinator)

    late.refresh_from_db()
    assert late.status == MentorRequest.Status.WITHDRAWN


def test_a_published_run_is_read_only(programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run
    services.run_publish(run=run, by=coordinator)
    pair = pair_for(run, ada)

    attempts = [
        lambda: services.pair_lock_set(run=run, pair=pair, by=coordinator, locked=True),
        lambda: services.pair_remove(run=run, pair=pair, by=coordinator),
        lambda: services.pair_swap(
            run=run, pair=pair, other_pair_id=pair_for(run, ben).pk, by=coordinator
        ),
        lambda: services.run_rerun(run=run, by=coordinator),
        lambda: services.run_publish(run=run, by=coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(MatchingError, match="has been published"):
            attempt()
    assert Mentorship.objects.count() == 2


def test_a_discarded_proposal_can_no_longer_be_changed(programme, coordinator):
    two_by_two(programme)
    old = services.run_create(programme=programme, by=coordinator).run
    services.run_create(programme=programme, by=coordinator)

    with pytest.raises(MatchingError, match="replaced by a newer run"):
        services.run_publish(run=old, by=coordinator)
    assert not Mentorship.objects.exists()
