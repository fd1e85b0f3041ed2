"""Reminders matching writes: a request still waiting, and a mentorship's milestones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from matching.models import MentorRequest, Mentorship
from matching.reminders import (
    KIND_END_REVIEW,
    KIND_ENDING_SOON,
    KIND_MIDPOINT,
    KIND_REQUEST_PENDING,
    MILESTONE_KINDS,
)
from matching.services.lifecycle import (
    introduction_accept,
    mentorship_close,
    mentorship_pause,
    mentorships_resume_due,
)
from matching.services.mentorships import mentorship_create
from matching.services.requests import (
    request_accept,
    request_decline,
    request_withdraw,
    requests_expire,
)
from mentoring.notifications.models import Notification, NotificationPreference
from mentoring.notifications.services import subject_key
from programmes.models import Programme
from tests.matching.mentoring_setup import ask, html_parts, settings_of

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Monday 2 March 2026, 10:00 in London (GMT); the clocks go forward on 29 March.
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
PENDING = [KIND_REQUEST_PENDING]
MESSAGE = "I would value help with a difficult colleague on my rota."


def on(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    """Everything (the cast too) is made at START; tests move the clock on."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def texts(msg) -> str:
    return msg.body + html_parts(msg)


def rows(kind: str, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def mute(user, kind: str) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, channel="off")


# A request waiting for a reply ---------------------------------------------------------


@pytest.fixture
def waiting(programme, mentor, mentee) -> MentorRequest:
    return ask(programme, mentee, mentor, message=MESSAGE)


def test_a_request_writes_the_mentors_reminder_for_three_days_later(waiting, mentor):
    [row] = rows(KIND_REQUEST_PENDING)
    assert row.recipient == mentor
    assert row.subject_key == subject_key(waiting)
    assert row.due_at == START + dt.timedelta(days=3)


def test_the_mentor_is_reminded_after_three_days(waiting, mentor, mentee, clock, deliver_reminders):
    clock.move_to(START + dt.timedelta(days=3, minutes=1))
    assert deliver_reminders(kinds=PENDING) == ["sent"]
    [msg] = mail.outbox
    assert msg.to == [mentor.email]
    assert "Dr Sam Mentee is waiting for your reply" in msg.subject
    url = reverse("matching:request_detail", kwargs={"pk": waiting.pk})
    for part in (msg.body, html_parts(msg)):
        assert url in part
        assert "9 March 2026" in part  # when it expires, in the mentor's zone
    assert MESSAGE not in texts(msg)  # the mentee's message stays on the page
    assert "List-Unsubscribe" in msg.extra_headers


def test_not_before_three_days(waiting, clock, deliver_reminders):
    clock.move_to(START + dt.timedelta(days=2, hours=23))
    assert deliver_reminders(kinds=PENDING) == []
    assert mail.outbox == []


def test_the_reminder_goes_once(waiting, clock, deliver_reminders):
    clock.move_to(START + dt.timedelta(days=3, minutes=1))
    assert deliver_reminders(kinds=PENDING) == ["sent"]
    assert deliver_reminders(kinds=PENDING) == []
    clock.move_to(START + dt.timedelta(days=4))
    assert deliver_reminders(kinds=PENDING) == []
    assert len(mail.outbox) == 1


def test_a_mentor_who_turned_it_off_gets_no_email(waiting, mentor, clock, deliver_reminders):
    mute(mentor, KIND_REQUEST_PENDING)
    clock.move_to(START + dt.timedelta(days=3, minutes=1))
    assert deliver_reminders(kinds=PENDING) == ["muted"]
    assert mail.outbox == []


def test_it_waits_for_the_morning(programme, mentor, mentee, clock, deliver_reminders):
    clock.move_to(on(START.date(), 21, 30))
    ask(programme, mentee, mentor)
    clock.move_to(on(START.date() + dt.timedelta(days=3), 21, 45))
    assert deliver_reminders(kinds=PENDING) == ["quiet-hours"]
    assert mail.outbox == []
    [row] = rows(KIND_REQUEST_PENDING)
    assert row.due_at == on(START.date() + dt.timedelta(days=4), 7)
    clock.move_to(on(START.date() + dt.timedelta(days=4), 7, 1))
    assert deliver_reminders(kinds=PENDING) == ["sent"]


@pytest.mark.parametrize(
    "answer",
    [
        lambda r: request_accept(request_id=r.pk, mentor=r.mentor),
        lambda r: request_decline(request_id=r.pk, mentor=r.mentor),
        lambda r: request_withdraw(request_id=r.pk, mentee=r.mentee),
    ],
    ids=["accepted", "declined", "withdrawn"],
)
def test_an_answered_request_is_not_reminded(waiting, answer, clock, deliver_reminders):
    answer(waiting)
    clock.move_to(START + dt.timedelta(days=3, minutes=1))
    assert deliver_reminders(kinds=PENDING) == ["cancelled"]
    assert [m for m in mail.outbox if "waiting for your reply" in m.subject] == []


def test_a_request_that_expires_first_brings_no_reminder(programme, mentor, mentee):
    settings_of(programme, request_expiry_days=3)
    ask(programme, mentee, mentor)
    assert not rows(KIND_REQUEST_PENDING).exists()


def test_an_expired_request_is_not_reminded(waiting, clock, deliver_reminders):
    MentorRequest.objects.filter(pk=waiting.pk).update(expires_at=START + dt.timedelta(days=2))
    clock.move_to(START + dt.timedelta(days=3, minutes=1))
    assert deliver_reminders(kinds=PENDING) == ["cancelled"]


# The request expiring ------------------------------------------------------------------


def test_the_mentee_is_pointed_to_other_mentors_when_a_request_expires(
    waiting, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire(now=START + dt.timedelta(days=7, minutes=1)) == 1
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    directory = reverse("matching:directory", kwargs={"slug": waiting.programme.slug})
    for part in (msg.body, html_parts(msg)):
        assert "9 March 2026" in part
        assert "You can ask another mentor now" in part
        assert directory in part
    assert MESSAGE not in texts(msg)


def test_when_coordinators_match_the_expiry_email_says_they_will_help(
    waiting, mentee, programme, django_capture_on_commit_callbacks
):
    Programme.objects.filter(pk=programme.pk).update(
        matching_route=Programme.MatchingRoute.COORDINATOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        requests_expire(now=START + dt.timedelta(days=7, minutes=1))
    [msg] = mail.outbox
    for part in (msg.body, html_parts(msg)):
        assert "coordinators of Yorkshire Consultant Mentoring will help" in part
        assert "/mentors/" not in part


# Milestones ------------------------------------------------------------------------------


@pytest.fixture
def mentorship(waiting, mentor) -> Mentorship:
    return request_accept(request_id=waiting.pk, mentor=mentor)


def _day_of(kind: str, m: Mentorship) -> dt.date:
    if kind == KIND_MIDPOINT:
        return m.started_on + (m.planned_end_on - m.started_on) / 2
    if kind == KIND_ENDING_SOON:
        return m.planned_end_on - dt.timedelta(days=14)
    return m.planned_end_on


def test_a_started_mentorship_gets_its_three_milestones_for_both(mentorship, mentor, mentee):
    assert mentorship.started_on == dt.date(2026, 3, 2)
    assert mentorship.planned_end_on == dt.date(2027, 3, 2)
    found = {
        (r.kind, r.recipient_id, r.occurrence, r.due_at)
        for r in Notification.objects.filter(kind__in=MILESTONE_KINDS)
    }
    expected = {
        (KIND_MIDPOINT, dt.date(2026, 8, 31)),
        (KIND_ENDING_SOON, dt.date(2027, 2, 16)),
        (KIND_END_REVIEW, dt.date(2027, 3, 2)),
    }
    assert found == {
        (kind, person.pk, "2027-03-02", on(day, 9))
        for kind, day in expected
        for person in (mentor, mentee)
    }


def test_an_introduction_gets_its_milestones_once_both_accept(programme, mentor, mentee):
    introduced = mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=mentee.pk,
        origin=Mentorship.Origin.MATCHING,
        introduction=True,
    )
    assert not Notification.objects.filter(kind__in=MILESTONE_KINDS).exists()
    introduction_accept(mentorship_id=introduced.pk, user=mentor)
    introduction_accept(mentorship_id=introduced.pk, user=mentee)
    assert Notification.objects.filter(kind__in=MILESTONE_KINDS).count() == 6


def test_a_short_relationship_skips_the_two_weeks_before_reminder(programme, mentor, mentee):
    Programme.objects.filter(pk=programme.pk).update(relationship_months=1)
    programme.refresh_from_db()
    mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {KIND_MIDPOINT, KIND_END_REVIEW} <= kinds
    assert KIND_ENDING_SOON not in kinds


WORDS = {
    KIND_MIDPOINT: ("Half way: a mid-point review with", "mid-point review"),
    KIND_ENDING_SOON: ("ends on 2 March 2027", "closing conversation"),
    KIND_END_REVIEW: ("has reached its planned end", "closing review"),
}


@pytest.mark.parametrize("kind", MILESTONE_KINDS)
def test_each_milestone_goes_to_both_on_its_day(
    kind, mentorship, mentor, mentee, clock, deliver_reminders
):
    day = _day_of(kind, mentorship)
    clock.move_to(on(day, 8, 59))
    assert deliver_reminders(kinds=[kind]) == []
    clock.move_to(on(day, 9, 1))
    assert deliver_reminders(kinds=[kind]) == ["sent", "sent"]
    assert deliver_reminders(kinds=[kind]) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    subject_words, body_words = WORDS[kind]
    url = reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk})
    for msg in mail.outbox:
        assert subject_words in msg.subject
        for part in (msg.body, html_parts(msg)):
            assert body_words in part
            assert url in part
        assert MESSAGE not in texts(msg)
    to_mentee = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "Dr Maya Mentor" in to_mentee.subject


def test_the_end_review_links_to_closing_the_mentorship(mentorship, clock, deliver_reminders):
    clock.move_to(on(mentorship.planned_end_on, 9, 1))
    deliver_reminders(kinds=[KIND_END_REVIEW])
    url = reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk})
    assert all(f"{url}#close-heading" in texts(m) for m in mail.outbox)


@pytest.mark.parametrize("kind", MILESTONE_KINDS)
def test_a_member_who_turned_a_milestone_off_gets_no_email(
    kind, mentorship, mentor, mentee, clock, deliver_reminders
):
    mute(mentee, kind)
    clock.move_to(on(_day_of(kind, mentorship), 9, 1))
    assert sorted(deliver_reminders(kinds=[kind])) == ["muted", "sent"]
    assert [m.to for m in mail.outbox] == [[mentor.email]]


@pytest.mark.parametrize("kind", MILESTONE_KINDS)
def test_a_milestone_waits_out_the_night(kind, mentorship, clock, deliver_reminders):
    day = _day_of(kind, mentorship)
    clock.move_to(on(day, 22, 30))
    assert deliver_reminders(kinds=[kind]) == ["quiet-hours", "quiet-hours"]
    assert mail.outbox == []
    clock.move_to(on(day + dt.timedelta(days=1), 7, 1))
    assert deliver_reminders(kinds=[kind]) == ["sent", "sent"]


@pytest.mark.parametrize("kind", MILESTONE_KINDS)
def test_a_closed_mentorship_has_no_milestones(kind, mentorship, mentee, clock, deliver_reminders):
    mentorship_close(mentorship_id=mentorship.pk, user=mentee, reason="completed")
    clock.move_to(on(_day_of(kind, mentorship), 9, 1))
    assert deliver_reminders(kinds=[kind]) == ["cancelled", "cancelled"]
    assert mail.outbox == []


def test_a_paused_mentorship_hears_of_its_mid_point_when_the_pause_ends(
    mentorship, mentee, clock, deliver_reminders
):
    midpoint = _day_of(KIND_MIDPOINT, mentorship)
    clock.move_to(on(midpoint - dt.timedelta(days=3)))
    until = midpoint + dt.timedelta(days=20)
    mentorship_pause(mentorship_id=mentorship.pk, user=mentee, until=until)
    clock.move_to(on(midpoint, 9, 1))
    assert deliver_reminders(kinds=[KIND_MIDPOINT]) == ["deferred", "deferred"]
    assert mail.outbox == []
    assert {r.due_at for r in rows(KIND_MIDPOINT)} == {on(until, 9)}
    clock.move_to(on(until, 9, 1))
    mentorships_resume_due()
    assert deliver_reminders(kinds=[KIND_MIDPOINT]) == ["sent", "sent"]


def test_a_pause_past_the_next_milestone_drops_the_earlier_one(
    mentorship, mentee, clock, deliver_reminders
):
    ending_soon = _day_of(KIND_ENDING_SOON, mentorship)
    clock.move_to(on(ending_soon - dt.timedelta(days=2)))
    until = mentorship.planned_end_on + dt.timedelta(days=3)
    mentorship_pause(mentorship_id=mentorship.pk, user=mentee, until=until)
    clock.move_to(on(ending_soon, 9, 1))
    assert deliver_reminders(kinds=[KIND_ENDING_SOON]) == ["deferred", "deferred"]
    clock.move_to(on(until, 9, 1))
    mentorships_resume_due()
    # Two weeks before the end has gone by: only the end review is still worth sending.
    assert deliver_reminders(kinds=[KIND_ENDING_SOON]) == ["cancelled", "cancelled"]
    assert deliver_reminders(kinds=[KIND_END_REVIEW]) == ["sent", "sent"]


def test_a_moved_planned_end_cancels_the_old_milestones(mentorship, clock, deliver_reminders):
    Mentorship.objects.filter(pk=mentorship.pk).update(planned_end_on=dt.date(2027, 6, 2))
    clock.move_to(on(dt.date(2026, 8, 31), 9, 1))
    assert deliver_reminders(kinds=[KIND_MIDPOINT]) == ["cancelled", "cancelled"]


# The demo ------------------------------------------------------------------------------------


# Written by sessions when matching says a mentorship started.
MEETING_KINDS = ("mentorship_no_meeting", "agreement_unconfirmed", "mentorship_quiet")


def test_demo_mentorships_get_reminders_for_their_real_dates(db):
    call_command("seed_demo", stdout=StringIO())
    active = list(Mentorship.objects.filter(status=Mentorship.Status.ACTIVE))
    assert active
    waiting = Notification.objects.filter(status="pending")
    for ship in active:
        about = waiting.filter(subject_key=subject_key(ship))
        ends = set(about.filter(kind__in=MILESTONE_KINDS).values_list("occurrence", flat=True))
        assert ends == {ship.planned_end_on.isoformat()}
        assert about.filter(kind=KIND_END_REVIEW).count() == 2
        # The meetings' reminders name the moved start date, never the seeding day's.
        others = about.filter(kind__in=MEETING_KINDS).values_list("occurrence", flat=True)
        assert others and all(ship.started_on.isoformat() in o for o in others)
    assert waiting.filter(kind=KIND_REQUEST_PENDING).exists()
