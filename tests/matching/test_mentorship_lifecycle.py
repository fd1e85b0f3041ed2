"""A mentorship's life: introductions, pausing, resuming, closing, closing reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from matching.candidates import weights_and_rules_for
from matching.errors import MatchingError
from matching.models import ClosingReview, Mentorship
from matching.services.lifecycle import (
    closing_review_submit,
    introduction_accept,
    introduction_decline,
    mentorship_close,
    mentorship_pause,
    mentorship_resume,
    mentorships_resume_due,
)
from matching.services.mentorships import mentorship_announce, mentorship_create

from .mentoring_setup import html_parts, make_mentee, mentorship

pytestmark = pytest.mark.django_db
Status = Mentorship.Status


@pytest.fixture
def active(programme, mentor, mentee):
    return mentorship(programme, mentor, mentee)


@pytest.fixture
def introduction(programme, mentor, mentee):
    return mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=mentee.pk,
        origin=Mentorship.Origin.MATCHING,
        introduction=True,
    )


# Introductions ----------------------------------------------------------------------------


def test_an_introduction_starts_once_both_accept(
    programme, introduction, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduction_accept(mentorship_id=introduction.pk, user=mentee)
    introduction.refresh_from_db()
    assert introduction.status == Status.PROPOSED and introduction.mentee_accepted_at
    [waiting] = mail.outbox
    assert waiting.to == [mentor.email]
    assert "Dr Sam Mentee has accepted your introduction" in waiting.subject
    with django_capture_on_commit_callbacks(execute=True):
        introduction_accept(mentorship_id=introduction.pk, user=mentor)
    introduction.refresh_from_db()
    today = timezone.localdate()
    assert introduction.status == Status.ACTIVE
    assert introduction.started_on == today
    assert introduction.planned_end_on == today + relativedelta(
        months=programme.relationship_months
    )
    started = mail.outbox[1:]
    assert sorted(m.to[0] for m in started) == sorted([mentor.email, mentee.email])
    assert all("has started" in m.subject and html_parts(m) for m in started)


def test_accepting_twice_is_refused(introduction, mentee):
    introduction_accept(mentorship_id=introduction.pk, user=mentee)
    with pytest.raises(MatchingError, match="already accepted"):
        introduction_accept(mentorship_id=introduction.pk, user=mentee)


def test_declining_an_introduction_closes_it_as_not_a_good_fit_and_blocks_the_pair(
    programme, introduction, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduction_decline(mentorship_id=introduction.pk, user=mentor)
    introduction.refresh_from_db()
    assert introduction.status == Status.CLOSED
    assert introduction.close_reason == Mentorship.CloseReason.NOT_A_GOOD_FIT
    [msg] = mail.outbox
    assert msg.to == [mentee.email] and "no reflection on you" in msg.body
    _, rules = weights_and_rules_for(programme)
    assert (mentee.pk, mentor.pk) in rules.blocked_pairs
    with pytest.raises(MatchingError, match="already been answered"):
        introduction_accept(mentorship_id=introduction.pk, user=mentee)


def test_only_the_pair_can_answer_an_introduction(introduction, coordinator, outsider):
    for person in (coordinator, outsider):
        with pytest.raises(MatchingError, match="Only the mentor and mentee"):
            introduction_accept(mentorship_id=introduction.pk, user=person)


def test_announcing_a_new_mentorship_emails_both_people(
    introduction, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_announce(introduction)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    assert all("An introduction" in m.subject and html_parts(m) for m in mail.outbox)


# Pausing and resuming ---------------------------------------------------------------------


def test_pausing_until_a_date_and_resuming(
    active, mentor, mentee, django_capture_on_commit_callbacks
):
    until = timezone.localdate() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_pause(mentorship_id=active.pk, user=mentee, until=until)
    active.refresh_from_db()
    assert active.status == Status.PAUSED and active.paused_until == until
    [paused] = mail.outbox
    assert paused.to == [mentor.email] and "is paused" in paused.subject
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_resume(mentorship_id=active.pk, user=mentor)
    active.refresh_from_db()
    assert active.status == Status.ACTIVE and active.paused_until is None
    assert mail.outbox[1].to == [mentee.email]


@pytest.mark.parametrize(
    "days, message", [(0, "after today"), (-3, "after today"), (200, "six months")]
)
def test_a_pause_needs_a_sensible_resume_date(active, mentee, days, message):
    with pytest.raises(MatchingError, match=message):
        mentorship_pause(
            mentorship_id=active.pk, user=mentee, until=timezone.localdate() + dt.timedelta(days)
        )


def test_only_an_active_mentorship_can_be_paused_and_only_a_paused_one_resumed(active, mentee):
    with pytest.raises(MatchingError, match="not paused"):
        mentorship_resume(mentorship_id=active.pk, user=mentee)
    mentorship_pause(
        mentorship_id=active.pk, user=mentee, until=timezone.localdate() + dt.timedelta(days=7)
    )
    with pytest.raises(MatchingError, match="Only an active mentorship"):
        mentorship_pause(
            mentorship_id=active.pk, user=mentee, until=timezone.localdate() + dt.timedelta(days=9)
        )


def test_the_resume_sweep_picks_up_paused_mentorships_once(
    active, mentee, django_capture_on_commit_callbacks
):
    mentorship_pause(
        mentorship_id=active.pk, user=mentee, until=timezone.localdate() + dt.timedelta(days=7)
    )
    later = timezone.localdate() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert mentorships_resume_due(today=later - dt.timedelta(days=1)) == 0
        assert mentorships_resume_due(today=later) == 1
        assert mentorships_resume_due(today=later) == 0
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert len(mail.outbox) == 2  # both people, once
    assert all("active again" in m.subject for m in mail.outbox)


# Closing ----------------------------------------------------------------------------------


def test_closing_keeps_the_note_private_and_asks_the_other_for_a_review(
    programme, active, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_close(
            mentorship_id=active.pk,
            user=mentor,
            reason=Mentorship.CloseReason.COMPLETED,
            note="Sam seemed relieved to finish",
        )
    active.refresh_from_db()
    assert active.status == Status.CLOSED and active.closed_by == mentor
    assert active.close_note == "Sam seemed relieved to finish"
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "closing review" in msg.body
    assert "relieved" not in msg.body and "relieved" not in html_parts(msg)
    _, rules = weights_and_rules_for(programme)
    assert (mentee.pk, mentor.pk) in rules.blocked_pairs


def test_closing_needs_a_reason_and_an_open_mentorship(active, mentor):
    with pytest.raises(MatchingError, match="Choose why"):
        mentorship_close(mentorship_id=active.pk, user=mentor, reason="bored")
    mentorship_close(mentorship_id=active.pk, user=mentor, reason="other")
    with pytest.raises(MatchingError, match="already closed"):
        mentorship_close(mentorship_id=active.pk, user=mentor, reason="other")


def test_an_introduction_is_declined_rather_than_closed(introduction, mentor):
    with pytest.raises(MatchingError, match="Accept or decline the introduction"):
        mentorship_close(mentorship_id=introduction.pk, user=mentor, reason="other")


def test_closing_frees_the_mentors_place(programme, mentor, active):
    mentorship(programme, mentor, make_mentee(programme))
    with pytest.raises(MatchingError, match="no places left"):
        mentorship_create(
            programme=programme,
            mentor_id=mentor.pk,
            mentee_id=make_mentee(programme).pk,
            origin="request",
        )
    mentorship_close(mentorship_id=active.pk, user=mentor, reason="completed")
    mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=make_mentee(programme).pk,
        origin="request",
    )


def test_each_person_writes_one_closing_review(active, mentor, mentee):
    with pytest.raises(MatchingError, match="once a mentorship has closed"):
        closing_review_submit(
            mentorship_id=active.pk, author=mentee, helpfulness=4, supportive_environment=5
        )
    mentorship_close(mentorship_id=active.pk, user=mentee, reason="completed")
    for person in (mentor, mentee):
        closing_review_submit(
            mentorship_id=active.pk,
            author=person,
            helpfulness=4,
            supportive_environment=5,
            comments="A steady presence.",
        )
    with pytest.raises(MatchingError, match="already sent your closing review"):
        closing_review_submit(
            mentorship_id=active.pk, author=mentee, helpfulness=1, supportive_environment=1
        )
    assert ClosingReview.objects.filter(mentorship=active).count() == 2


def test_a_review_scale_runs_from_one_to_five(active, mentee):
    mentorship_close(mentorship_id=active.pk, user=mentee, reason="completed")
    with pytest.raises(MatchingError):
        closing_review_submit(
            mentorship_id=active.pk, author=mentee, helpfulness=6, supportive_environment=3
        )


def test_only_members_act_on_a_mentorship(active, coordinator, outsider):
    for person in (coordinator, outsider):
        with pytest.raises(MatchingError, match="Only the mentor and mentee"):
            mentorship_close(mentorship_id=active.pk, user=person, reason="other")
        with pytest.raises(MatchingError, match="Only the mentor and mentee"):
            mentorship_pause(
                mentorship_id=active.pk,
                user=person,
                until=timezone.localdate() + dt.timedelta(days=3),
            )
