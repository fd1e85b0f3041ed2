"""Reminders that need the meetings data: no meeting booked, the agreement not confirmed
after the first meeting, and a pair gone quiet (nudges, then the coordinators)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from matching.models import Mentorship
from matching.services.lifecycle import mentorship_close, mentorship_pause
from matching.services.requests import request_accept
from mentoring.notifications.models import Notification, NotificationPreference
from programmes.models import Membership, Programme
from sessions.models import Meeting
from sessions.reminders.milestones import (
    KIND_AGREEMENT,
    KIND_NO_MEETING,
    KIND_QUIET,
    KIND_QUIET_COORDINATOR,
)
from sessions.services.agreements import agreement_confirm, agreement_defaults, agreement_save
from tests.matching.mentoring_setup import ask, html_parts
from tests.sessions.booking_setup import meeting_at

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Monday 2 March 2026, 10:00 in London (GMT).
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
MESSAGE = "I would value help with a difficult colleague on my rota."
Status = Meeting.Status


def on(days: int, hour: int = 9, minute: int = 1) -> dt.datetime:
    """`days` after the start, at a London wall-clock time (09:01 by default)."""
    day = START.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ship(programme, coordinator, mentor, mentee) -> Mentorship:
    """A mentorship started through the services on 2 March (monthly meetings)."""
    request = ask(programme, mentee, mentor, message=MESSAGE)
    return request_accept(request_id=request.pk, mentor=mentor)


def texts(msg) -> str:
    return msg.body + html_parts(msg)


def mute(user, kind: str) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, channel="off")


def to(*people) -> list[list[str]]:
    return sorted([p.email] for p in people)


def sent_to() -> list[list[str]]:
    return sorted(m.to for m in mail.outbox)


def held(ship, days: int, status=Status.HELD) -> Meeting:
    return meeting_at(ship, on(days, 10, 0), status=status)


def test_a_started_mentorship_gets_its_rows(ship, mentor, mentee):
    found = {
        (r.kind, r.recipient_id, r.occurrence, r.due_at)
        for r in Notification.objects.filter(kind__in=[KIND_NO_MEETING, KIND_AGREEMENT, KIND_QUIET])
    }
    assert found == {
        (KIND_NO_MEETING, mentee.pk, "day14:2026-03-02", on(14, 9, 0)),
        (KIND_NO_MEETING, mentee.pk, "day21:2026-03-02", on(21, 9, 0)),
        (KIND_NO_MEETING, mentor.pk, "day21:2026-03-02", on(21, 9, 0)),
        (KIND_AGREEMENT, mentee.pk, "start:2026-03-02", on(7, 9, 0)),
        (KIND_AGREEMENT, mentor.pk, "start:2026-03-02", on(7, 9, 0)),
        # Monthly meetings: the first check after twice the interval (60 days).
        (KIND_QUIET, mentee.pk, "2026-03-02:1", on(60, 9, 0)),
        (KIND_QUIET, mentor.pk, "2026-03-02:1", on(60, 9, 0)),
    }


# No meeting booked ------------------------------------------------------------------------

NO_MEETING = [KIND_NO_MEETING]


def test_after_two_weeks_without_a_meeting_the_mentee_is_reminded(
    ship, mentee, clock, deliver_reminders
):
    clock.move_to(on(14, 8, 59))
    assert deliver_reminders(kinds=NO_MEETING) == []
    clock.move_to(on(14))
    assert deliver_reminders(kinds=NO_MEETING) == ["sent"]
    assert deliver_reminders(kinds=NO_MEETING) == []
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "Time to book your first meeting with Dr Maya Mentor" in msg.subject
    book = reverse("meetings:book", kwargs={"mentorship_pk": ship.pk})
    for part in (msg.body, html_parts(msg)):
        assert "started on 2 March 2026" in part
        assert book in part
    assert MESSAGE not in texts(msg)


def test_a_week_later_both_are_reminded(ship, mentor, mentee, clock, deliver_reminders):
    clock.move_to(on(21))
    assert deliver_reminders(kinds=NO_MEETING) == ["sent", "sent", "sent"]  # day 14 late
    clock.move_to(on(22))
    assert deliver_reminders(kinds=NO_MEETING) == []
    assert sent_to() == to(mentor, mentee, mentee)
    to_mentor = next(m for m in mail.outbox if m.to == [mentor.email])
    propose = reverse("meetings:propose", kwargs={"mentorship_pk": ship.pk})
    assert propose in to_mentor.body and propose in html_parts(to_mentor)


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.PROPOSED, Status.HELD])
def test_a_meeting_booked_or_held_stops_them(ship, status, clock, deliver_reminders):
    held(ship, 10, status=status)
    clock.move_to(on(21))
    assert deliver_reminders(kinds=NO_MEETING) == ["cancelled"] * 3
    assert mail.outbox == []


def test_a_cancelled_meeting_does_not_count(ship, clock, deliver_reminders):
    held(ship, 10, status=Status.CANCELLED)
    clock.move_to(on(14))
    assert deliver_reminders(kinds=NO_MEETING) == ["sent"]


def test_a_mentee_who_turned_it_off_gets_no_email(ship, mentee, clock, deliver_reminders):
    mute(mentee, KIND_NO_MEETING)
    clock.move_to(on(14))
    assert deliver_reminders(kinds=NO_MEETING) == ["muted"]
    assert mail.outbox == []


def test_the_no_meeting_reminder_waits_for_the_morning(ship, clock, deliver_reminders):
    clock.move_to(on(14, 23, 0))
    assert deliver_reminders(kinds=NO_MEETING) == ["quiet-hours"]
    clock.move_to(on(15, 7, 1))
    assert deliver_reminders(kinds=NO_MEETING) == ["sent"]


def test_a_paused_pair_hears_when_the_pause_ends(ship, mentee, clock, deliver_reminders):
    clock.move_to(on(10))
    mentorship_pause(mentorship_id=ship.pk, user=mentee, until=on(30).date())
    clock.move_to(on(14))
    assert deliver_reminders(kinds=NO_MEETING) == ["deferred"]
    assert Notification.objects.get(occurrence__startswith="day14").due_at == on(30, 9, 0)
    assert mail.outbox == []


def test_a_closed_mentorship_brings_no_reminder(ship, mentee, clock, deliver_reminders):
    mentorship_close(mentorship_id=ship.pk, user=mentee, reason="not_a_good_fit")
    clock.move_to(on(21))
    assert deliver_reminders(kinds=NO_MEETING) == ["cancelled"] * 3
    assert mail.outbox == []


# The agreement after the first meeting ------------------------------------------------------

AGREEMENT = [KIND_AGREEMENT]


def test_both_are_reminded_three_days_after_the_first_meeting(
    ship, mentor, mentee, clock, deliver_reminders
):
    held(ship, 5)  # 10:00-10:50 on day 5
    clock.move_to(on(7))
    assert deliver_reminders(kinds=AGREEMENT) == ["deferred", "deferred"]
    assert {r.due_at for r in Notification.objects.filter(kind=KIND_AGREEMENT)} == {on(8, 10, 50)}
    clock.move_to(on(8, 10, 51))
    assert deliver_reminders(kinds=AGREEMENT) == ["sent", "sent"]
    assert deliver_reminders(kinds=AGREEMENT) == []
    assert sent_to() == to(mentor, mentee)
    url = reverse("meetings:agreement_edit", kwargs={"mentorship_pk": ship.pk})
    for msg in mail.outbox:
        assert "Your mentoring agreement with" in msg.subject
        for part in (msg.body, html_parts(msg)):
            assert "Write the agreement" in part
            assert url in part


def test_a_booked_meeting_whose_time_has_passed_counts_as_the_first(ship, clock, deliver_reminders):
    held(ship, 5, status=Status.CONFIRMED)
    clock.move_to(on(8, 11, 0))
    assert deliver_reminders(kinds=AGREEMENT) == ["sent", "sent"]


def test_without_a_first_meeting_it_waits(ship, clock, deliver_reminders):
    clock.move_to(on(7))
    assert deliver_reminders(kinds=AGREEMENT) == ["deferred", "deferred"]
    assert {r.due_at for r in Notification.objects.filter(kind=KIND_AGREEMENT)} == {on(14, 9, 1)}
    held(ship, 12, status=Status.CONFIRMED)  # booked now, for day 12
    clock.move_to(on(14))
    assert deliver_reminders(kinds=AGREEMENT) == ["deferred", "deferred"]
    clock.move_to(on(15, 10, 51))
    assert deliver_reminders(kinds=AGREEMENT) == ["sent", "sent"]


def test_an_upcoming_first_meeting_sets_the_time(ship, clock, deliver_reminders):
    held(ship, 10, status=Status.CONFIRMED)
    clock.move_to(on(7))
    assert deliver_reminders(kinds=AGREEMENT) == ["deferred", "deferred"]
    assert {r.due_at for r in Notification.objects.filter(kind=KIND_AGREEMENT)} == {on(13, 10, 50)}


def test_only_the_person_who_has_not_confirmed_is_reminded(
    ship, mentor, mentee, clock, deliver_reminders
):
    held(ship, 5)
    agreement = agreement_save(
        mentorship=ship, author=mentor, data=agreement_defaults(mentorship=ship)
    )
    agreement_confirm(mentorship=ship, user=mentor, version=agreement.version)
    clock.move_to(on(9))
    assert sorted(deliver_reminders(kinds=AGREEMENT)) == ["cancelled", "sent"]
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "Read and confirm the agreement" in msg.body
    assert "Read and confirm the agreement" in html_parts(msg)
    # The agreement's own words never travel by email.
    for wording in agreement_defaults(mentorship=ship).values():
        assert wording not in texts(msg)


def test_an_agreement_confirmed_by_both_stops_it(ship, mentor, mentee, clock, deliver_reminders):
    held(ship, 5)
    agreement = agreement_save(
        mentorship=ship, author=mentee, data=agreement_defaults(mentorship=ship)
    )
    for person in (mentor, mentee):
        agreement_confirm(mentorship=ship, user=person, version=agreement.version)
    clock.move_to(on(9))
    assert deliver_reminders(kinds=AGREEMENT) == ["cancelled", "cancelled"]
    assert mail.outbox == []


def test_the_agreement_reminder_respects_choices_nights_pauses_and_closing(
    ship, mentor, mentee, clock, deliver_reminders
):
    held(ship, 5)
    mute(mentor, KIND_AGREEMENT)
    clock.move_to(on(8, 22, 0))
    assert sorted(deliver_reminders(kinds=AGREEMENT)) == ["muted", "quiet-hours"]
    clock.move_to(on(9, 6, 0))
    mentorship_pause(mentorship_id=ship.pk, user=mentee, until=on(20).date())
    clock.move_to(on(9, 7, 1))
    assert deliver_reminders(kinds=AGREEMENT) == ["deferred"]
    mentorship_close(mentorship_id=ship.pk, user=mentee, reason="other")
    clock.move_to(on(20))
    assert deliver_reminders(kinds=AGREEMENT) == ["cancelled"]
    assert mail.outbox == []


# A quiet pair: nudges and the coordinators --------------------------------------------------

QUIET = [KIND_QUIET, KIND_QUIET_COORDINATOR]


def quiet_rows(kind=KIND_QUIET, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def test_a_pair_that_never_met_is_nudged_after_twice_the_interval(
    ship, mentor, mentee, clock, deliver_reminders
):
    clock.move_to(on(59))
    assert deliver_reminders(kinds=QUIET) == []
    clock.move_to(on(60))
    assert deliver_reminders(kinds=QUIET) == ["sent", "sent"]
    assert deliver_reminders(kinds=QUIET) == []
    assert sent_to() == to(mentor, mentee)
    for msg in mail.outbox:
        assert "Time to catch up with" in msg.subject
        for part in (msg.body, html_parts(msg)):
            assert "have not met since your mentorship" in part
            assert "started on 2 March 2026" in part
        assert MESSAGE not in texts(msg)
    to_mentee = next(m for m in mail.outbox if m.to == [mentee.email])
    assert reverse("meetings:book", kwargs={"mentorship_pk": ship.pk}) in to_mentee.body


def test_after_a_nudge_the_next_check_and_the_coordinators_alert_are_written(
    ship, coordinator, clock, deliver_reminders
):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    assert {(r.occurrence, r.due_at) for r in quiet_rows(status="pending")} == {
        ("2026-03-02:2", on(120))
    }
    [alert] = quiet_rows(KIND_QUIET_COORDINATOR)
    assert alert.recipient == coordinator
    assert alert.due_at == on(90, 9, 0)


def test_the_coordinators_are_told_once_and_the_nudges_keep_going(
    ship, mentor, mentee, coordinator, clock, deliver_reminders
):
    clock.move_to(on(60))
    assert deliver_reminders(kinds=QUIET) == ["sent", "sent"]
    clock.move_to(on(89))
    assert deliver_reminders(kinds=QUIET) == []
    clock.move_to(on(90))
    assert deliver_reminders(kinds=QUIET) == ["sent"]
    alert = mail.outbox[-1]
    assert alert.to == [coordinator.email]
    assert "A quiet pair in Yorkshire Consultant Mentoring" in alert.subject
    for part in (alert.body, html_parts(alert)):
        assert "Dr Maya Mentor (mentor) and Dr Sam Mentee (mentee)" in part
        assert "since their mentorship started on 2 March 2026" in part
        assert reverse("matching:mentorship_detail", kwargs={"pk": ship.pk}) in part
    assert MESSAGE not in texts(alert)
    clock.move_to(on(120, 9, 2))
    assert deliver_reminders(kinds=QUIET) == ["sent", "sent"]  # the second nudge
    clock.move_to(on(185))
    assert deliver_reminders(kinds=QUIET) == ["sent", "sent"]  # and a third
    assert [m.to for m in mail.outbox].count([coordinator.email]) == 1


def test_a_meeting_held_since_moves_the_check_on(ship, coordinator, clock, deliver_reminders):
    held(ship, 40)
    clock.move_to(on(60))
    assert deliver_reminders(kinds=QUIET) == ["deferred", "deferred"]
    assert {r.due_at for r in quiet_rows()} == {on(100, 10, 0)}
    assert mail.outbox == []
    clock.move_to(on(100, 10, 1))
    assert deliver_reminders(kinds=QUIET) == ["sent", "sent"]
    assert all("since 11 April 2026" in texts(m) for m in mail.outbox)
    clock.move_to(on(130, 10, 1))
    assert deliver_reminders(kinds=QUIET) == ["sent"]
    alert = mail.outbox[-1]
    assert "since 11 April 2026 (their mentorship started on 2 March 2026)" in alert.body


def test_a_booked_meeting_stops_the_nudges(ship, mentee, clock, deliver_reminders):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    mail.outbox.clear()
    clock.move_to(on(70))
    held(ship, 95, status=Status.CONFIRMED)  # booked for day 95
    clock.move_to(on(90))
    assert deliver_reminders(kinds=QUIET) == ["cancelled"]  # the coordinators' alert
    clock.move_to(on(120, 9, 2))
    assert deliver_reminders(kinds=QUIET) == ["deferred", "deferred"]
    assert {r.due_at for r in quiet_rows(status="pending")} == {on(155, 10, 0)}
    assert mail.outbox == []


def test_a_weekly_programme_waits_for_the_no_meeting_reminders_first(programme, mentor, mentee):
    Programme.objects.filter(pk=programme.pk).update(meeting_frequency="weekly")
    programme.refresh_from_db()
    request = ask(programme, mentee, mentor)
    request_accept(request_id=request.pk, mentor=mentor)
    assert {r.due_at for r in quiet_rows()} == {on(28, 9, 0)}


def test_a_paused_pair_is_exempt_until_the_pause_ends(ship, mentee, clock, deliver_reminders):
    clock.move_to(on(50))
    mentorship_pause(mentorship_id=ship.pk, user=mentee, until=on(80).date())
    clock.move_to(on(60))
    assert deliver_reminders(kinds=QUIET) == ["deferred", "deferred"]
    # Twice the interval after the pause ends: time to meet again first.
    assert {r.due_at for r in quiet_rows()} == {on(140, 9, 0)}
    assert mail.outbox == []


def test_a_paused_pair_is_not_reported_to_the_coordinators(ship, mentee, clock, deliver_reminders):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    clock.move_to(on(85))
    mentorship_pause(mentorship_id=ship.pk, user=mentee, until=on(100).date())
    clock.move_to(on(90))
    assert deliver_reminders(kinds=QUIET) == ["deferred"]
    assert quiet_rows(KIND_QUIET_COORDINATOR).get().due_at == on(190, 9, 0)


def test_a_closed_mentorship_ends_the_chain(ship, mentee, clock, deliver_reminders):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    mentorship_close(mentorship_id=ship.pk, user=mentee, reason="completed")
    clock.move_to(on(120, 9, 2))
    assert deliver_reminders(kinds=QUIET) == ["cancelled"] * 3
    assert not quiet_rows(status="pending").exists()


def test_one_member_turning_nudges_off_keeps_the_chain_going(
    ship, mentor, mentee, clock, deliver_reminders
):
    mute(mentee, KIND_QUIET)
    clock.move_to(on(60))
    assert sorted(deliver_reminders(kinds=QUIET)) == ["muted", "sent"]
    assert sent_to() == to(mentor)
    assert quiet_rows(occurrence="2026-03-02:2").count() == 2


def test_a_nudge_waits_for_the_morning(ship, clock, deliver_reminders):
    clock.move_to(on(60, 21, 30))
    assert deliver_reminders(kinds=QUIET) == ["quiet-hours", "quiet-hours"]
    assert mail.outbox == []


def test_a_coordinator_who_turned_it_off_or_left_gets_no_email(
    ship, coordinator, clock, deliver_reminders
):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    mail.outbox.clear()
    mute(coordinator, KIND_QUIET_COORDINATOR)
    clock.move_to(on(90))
    assert deliver_reminders(kinds=QUIET) == ["muted"]
    assert mail.outbox == []


def test_a_coordinator_who_stepped_down_is_not_told(ship, coordinator, clock, deliver_reminders):
    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    mail.outbox.clear()
    Membership.objects.filter(user=coordinator).update(ended_at=on(70))
    clock.move_to(on(90))
    assert deliver_reminders(kinds=QUIET) == ["cancelled"]
    assert mail.outbox == []


def test_cancelling_the_meeting_the_check_waits_for_brings_it_forward(
    ship, mentor, clock, deliver_reminders
):
    from sessions.services.booking import meeting_cancel

    clock.move_to(on(60))
    deliver_reminders(kinds=QUIET)
    clock.move_to(on(70))
    booked = held(ship, 95, status=Status.CONFIRMED)
    clock.move_to(on(120, 9, 2))
    deliver_reminders(kinds=QUIET)  # the check defers to day 155 for the booked meeting
    assert {r.due_at for r in quiet_rows(status="pending")} == {on(155, 10, 0)}
    clock.move_to(on(121))
    meeting_cancel(meeting=booked, by=mentor)
    assert {r.due_at for r in quiet_rows(status="pending")} == {on(121)}
