"""The meeting reminders: upcoming, follow-up, action points, how did it go, action point due.

Each kind: due, not yet due, already sent, opted out, quiet hours, cancelled or moved,
paused, closed. Time is travelled; the dispatcher runs in-process (`deliver_reminders`).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import mail
from django.urls import resolve, reverse

from matching.models import Mentorship
from mentoring.notifications.models import Notification, NotificationPreference
from mentoring.notifications.services import subject_key
from sessions.models import ActionItem, Meeting, MeetingDefaults, MeetingFeedback
from sessions.services import reminders as rows
from sessions.services.booking import (
    agenda_item_add,
    meeting_cancel,
    meeting_mark,
    meeting_propose,
    meeting_reschedule,
    meeting_respond,
)
from sessions.services.feedback import feedback_token_read
from sessions.services.notes import action_item_set_due, action_item_toggle, note_save

from .booking_setup import NOW, UTC, london, make_mentorship, meeting_at

pytestmark = pytest.mark.django_db
Status = Notification.Status

START = london(2026, 10, 19, 9, 0)  # Monday, 08:00 UTC (BST)
VIDEO = "https://video.example.org/maya-room"
SECRET_AGENDA = "SECRET-AGENDA my rota worries"
SECRET_SUMMARY = "SECRET-SUMMARY we talked about leaving"
SECRET_ACTION = "SECRET-ACTION speak to the clinical director"


@pytest.fixture
def pair(programme, mentor, mentee):
    MeetingDefaults.objects.create(mentor=mentor, video_link=VIDEO)
    return make_mentorship(programme, mentor, mentee, started_on=NOW.date())


def book(pair, starts_at=START, *, at=NOW) -> Meeting:
    """The mentee proposes a time and the mentor accepts: a booked meeting, with reminders."""
    with time_machine.travel(at, tick=False):
        meeting = meeting_propose(
            mentorship=pair, by=pair.mentee, starts_at=starts_at, mode="video"
        )
        return meeting_respond(meeting=meeting, by=pair.mentor, accept=True)


def deliver(deliver_reminders, moment, kind) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return sorted(deliver_reminders(sweeps=False, kinds=[kind]))


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def parts(message) -> tuple[str, str]:
    return message.body, message.alternatives[0].content


def assert_no_secrets(message) -> None:
    for part in parts(message):
        for secret in (SECRET_AGENDA, SECRET_SUMMARY, SECRET_ACTION, "SECRET"):
            assert secret not in part


def opt_out(user, kind) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, channel="off")


def set_zone(user, zone: str) -> None:
    user.time_zone = zone
    user.save(update_fields=["time_zone"])


def pause(mentorship, until: dt.date) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.PAUSED, paused_until=until
    )


def resume(mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ACTIVE, paused_until=None
    )


def close(mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.CLOSED)


def of(meeting_or_item, kind) -> list[Notification]:
    return list(
        Notification.objects.filter(subject_key=subject_key(meeting_or_item), kind=kind).order_by(
            "due_at", "recipient_id"
        )
    )


DAY_BEFORE = START - dt.timedelta(hours=24)
HOUR_BEFORE = START - dt.timedelta(hours=1)


# Writing the rows ---------------------------------------------------------------------------


def test_booking_writes_the_reminders_of_the_meeting(pair, mentor, mentee):
    meeting = book(pair)
    written = {
        (n.kind, n.recipient_id, n.occurrence, n.due_at)
        for n in Notification.objects.filter(subject_key=subject_key(meeting))
    }
    ends = meeting.ends_at
    assert written == {
        (rows.UPCOMING, mentor.pk, "24h@2026-10-19T08:00Z", DAY_BEFORE),
        (rows.UPCOMING, mentee.pk, "24h@2026-10-19T08:00Z", DAY_BEFORE),
        (rows.UPCOMING, mentor.pk, "1h@2026-10-19T08:00Z", HOUR_BEFORE),
        (rows.UPCOMING, mentee.pk, "1h@2026-10-19T08:00Z", HOUR_BEFORE),
        (rows.FOLLOW_UP, mentor.pk, rows.ended_occurrence(meeting), ends + dt.timedelta(hours=2)),
        # The morning after, 10:00 in the mentee's time zone.
        (rows.FEEDBACK, mentee.pk, rows.ended_occurrence(meeting), london(2026, 10, 20, 10, 0)),
    }


def test_a_proposal_has_no_reminders_until_it_is_accepted(pair):
    with time_machine.travel(NOW, tick=False):
        meeting = meeting_propose(mentorship=pair, by=pair.mentee, starts_at=START, mode="video")
        assert not reminders().exists()
        meeting_respond(meeting=meeting, by=pair.mentor, accept=False)
    assert not reminders().exists()


def reminders():
    """Reminder rows, not the events already told by email (shown under the bell) nor
    the transactional emails waiting in the same outbox."""
    return Notification.objects.exclude(kind__startswith="event:").exclude(
        kind__startswith="email:"
    )


def test_a_meeting_booked_for_today_gets_only_the_hour_before(pair):
    meeting = book(pair, london(2026, 10, 15, 15, 0))
    assert [n.occurrence.partition("@")[0] for n in of(meeting, rows.UPCOMING)] == ["1h", "1h"]


# Upcoming meeting ---------------------------------------------------------------------------


def test_both_are_reminded_a_day_before_with_the_link_and_never_the_agenda(
    pair, mentor, mentee, deliver_reminders
):
    meeting = book(pair)
    with time_machine.travel(NOW, tick=False):
        agenda_item_add(meeting=meeting, by=mentee, text=SECRET_AGENDA)
    mail.outbox.clear()

    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["sent", "sent"]

    (to_mentor,) = to(mentor)
    (to_mentee,) = to(mentee)
    assert "Coming up: your meeting with Dr Sam Mentee" in to_mentor.subject
    assert "Dr Maya Mentor" in to_mentee.subject
    page = f"/meetings/{meeting.pk}/"
    for message in (to_mentor, to_mentee):
        for part in parts(message):
            assert VIDEO in part and page in part
            assert "Monday 19 October 2026, 09:00–09:50 (Europe/London)" in part
        assert_no_secrets(message)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Dear Sam," in to_mentee.body and "Dear Sam," in parts(to_mentee)[1]


def test_the_hour_before_says_it_starts_soon(pair, mentor, deliver_reminders):
    book(pair)
    deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING)
    mail.outbox.clear()
    assert deliver(deliver_reminders, HOUR_BEFORE, rows.UPCOMING) == ["sent", "sent"]
    assert to(mentor)[0].subject.startswith("[") and "Starting soon" in to(mentor)[0].subject
    assert "starts within the hour" in to(mentor)[0].body


def test_the_place_is_given_for_a_meeting_in_person(pair, mentor, deliver_reminders):
    MeetingDefaults.objects.filter(mentor=mentor).update(location="Room 4, Education Centre")
    with time_machine.travel(NOW, tick=False):
        meeting = meeting_propose(
            mentorship=pair, by=pair.mentee, starts_at=START, mode="in_person"
        )
        meeting_respond(meeting=meeting, by=pair.mentor, accept=True)
    deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING)
    for part in parts(to(mentor)[0]):
        assert "Room 4, Education Centre" in part and VIDEO not in part


def test_an_upcoming_reminder_waits_until_it_is_due(pair, deliver_reminders):
    book(pair)
    assert deliver(deliver_reminders, DAY_BEFORE - dt.timedelta(minutes=1), rows.UPCOMING) == []
    assert mail.outbox == []


def test_an_upcoming_reminder_is_sent_once(pair, deliver_reminders):
    book(pair)
    deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING)
    assert deliver(deliver_reminders, DAY_BEFORE + dt.timedelta(minutes=5), rows.UPCOMING) == []
    assert len(mail.outbox) == 2


def test_someone_who_turned_upcoming_reminders_off_gets_no_email(
    pair, mentor, mentee, deliver_reminders
):
    book(pair)
    opt_out(mentee, rows.UPCOMING)
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["muted", "sent"]
    assert to(mentee) == [] and len(to(mentor)) == 1


def test_an_upcoming_reminder_waits_for_the_morning_in_the_recipients_zone(
    pair, mentor, mentee, deliver_reminders
):
    set_zone(mentor, "America/Los_Angeles")  # 08:00 UTC is 01:00 there
    book(pair)
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["quiet-hours", "sent"]
    assert to(mentor) == []
    morning = dt.datetime(2026, 10, 18, 14, 0, tzinfo=UTC)  # 07:00 in Los Angeles
    assert deliver(deliver_reminders, morning, rows.UPCOMING) == ["sent"]
    assert "Monday 19 October 2026, 01:00–01:50 (America/Los Angeles)" in to(mentor)[0].body


def test_a_cancelled_meeting_is_not_reminded_of(pair, deliver_reminders):
    meeting = book(pair)
    with time_machine.travel(NOW, tick=False):
        meeting_cancel(meeting=meeting, by=pair.mentee, reason="Clinic overran")
    assert {n.status for n in of(meeting, rows.UPCOMING)} == {Status.CANCELLED}
    assert deliver(deliver_reminders, HOUR_BEFORE, rows.UPCOMING) == []
    assert mail.outbox == []


def test_a_moved_meeting_is_reminded_of_at_its_new_time_only(pair, mentor, deliver_reminders):
    meeting = book(pair)
    new_start = london(2026, 10, 20, 10, 0)  # Tuesday 09:00 UTC
    with time_machine.travel(NOW, tick=False):
        meeting_reschedule(meeting=meeting, by=pair.mentor, starts_at=new_start)

    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["cancelled", "cancelled"]
    assert mail.outbox == []
    new_day_before = new_start - dt.timedelta(hours=24)
    # The old hour-before rows came due too, and went the same way.
    outcomes = deliver(deliver_reminders, new_day_before, rows.UPCOMING)
    assert outcomes == ["cancelled", "cancelled", "sent", "sent"]
    assert "Tuesday 20 October 2026, 10:00" in to(mentor)[0].body


def test_a_meeting_moved_away_and_back_is_still_reminded_of(pair, deliver_reminders):
    meeting = book(pair)
    with time_machine.travel(NOW, tick=False):
        meeting_reschedule(meeting=meeting, by=pair.mentor, starts_at=london(2026, 10, 20, 10))
        meeting_reschedule(meeting=meeting, by=pair.mentor, starts_at=START)
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["sent", "sent"]


def test_the_day_before_reminder_is_dropped_once_the_hour_before_is_due(pair, deliver_reminders):
    book(pair)
    late = START - dt.timedelta(minutes=30)  # e.g. the dispatcher was down all day
    assert deliver(deliver_reminders, late, rows.UPCOMING) == [
        "cancelled",
        "cancelled",
        "sent",
        "sent",
    ]
    assert all("Starting soon" in m.subject for m in mail.outbox)


def test_a_meeting_that_has_started_is_not_reminded_of(pair, deliver_reminders):
    book(pair)
    after = START + dt.timedelta(minutes=5)
    assert set(deliver(deliver_reminders, after, rows.UPCOMING)) == {"cancelled"}
    assert mail.outbox == []


def test_a_pause_over_the_meeting_drops_its_reminders(pair, deliver_reminders):
    book(pair)
    pause(pair, dt.date(2026, 11, 1))
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["cancelled", "cancelled"]
    assert mail.outbox == []


def test_a_pause_ending_before_the_meeting_holds_the_reminder_until_it_ends(
    pair, deliver_reminders
):
    meeting = book(pair)
    pause(pair, dt.date(2026, 10, 19))  # resumes on the morning of the meeting
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["deferred", "deferred"]
    resumes = london(2026, 10, 19, 7, 0)
    assert {n.due_at for n in of(meeting, rows.UPCOMING) if n.occurrence.startswith("24h")} == {
        resumes
    }
    resume(pair)
    assert deliver(deliver_reminders, resumes, rows.UPCOMING) == ["sent", "sent"]


def test_a_closed_mentorship_gets_no_upcoming_reminders(pair, deliver_reminders):
    book(pair)
    close(pair)
    assert deliver(deliver_reminders, DAY_BEFORE, rows.UPCOMING) == ["cancelled", "cancelled"]
    assert mail.outbox == []


# Follow-up for the mentor ---------------------------------------------------------------------


def follow_up_due(meeting) -> dt.datetime:
    return meeting.ends_at + dt.timedelta(hours=2)


def write_note(meeting, *, summary=SECRET_SUMMARY, items=(), at=None):
    with time_machine.travel(at or meeting.ends_at + dt.timedelta(minutes=30), tick=False):
        return note_save(
            meeting=meeting,
            author=meeting.mentor,
            data={"framework": "free", "sections": {"notes": "x"}, "shared_summary": summary},
            action_items=list(items),
        )


def test_the_mentor_is_asked_to_mark_the_meeting_and_write_the_note(
    pair, mentor, mentee, deliver_reminders
):
    meeting = book(pair)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["sent"]
    (message,) = mail.outbox
    assert message.to == [mentor.email] and "did it go ahead?" in message.subject
    for part in parts(message):
        assert f"/meetings/{meeting.pk}/" in part and f"/meetings/{meeting.pk}/note/" in part
        assert "Dr Sam Mentee" in part
    assert to(mentee) == []


def test_the_follow_up_waits_two_hours_after_the_end(pair, deliver_reminders):
    meeting = book(pair)
    early = follow_up_due(meeting) - dt.timedelta(minutes=1)
    assert deliver(deliver_reminders, early, rows.FOLLOW_UP) == []


def test_the_follow_up_is_sent_once(pair, deliver_reminders):
    meeting = book(pair)
    deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == []
    assert len(mail.outbox) == 1


def test_no_follow_up_once_the_meeting_is_held_and_the_note_written(pair, deliver_reminders):
    meeting = book(pair)
    write_note(meeting)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["cancelled"]
    assert mail.outbox == []


def test_a_meeting_marked_held_without_a_note_still_asks_for_the_note(
    pair, mentor, deliver_reminders
):
    meeting = book(pair)
    with time_machine.travel(meeting.ends_at, tick=False):
        meeting_mark(meeting=meeting, by=mentor, held=True)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["sent"]
    assert "time to write the note" in mail.outbox[0].subject
    assert "mark on the meeting's page" not in mail.outbox[0].body


def test_a_missed_or_cancelled_meeting_has_no_follow_up(pair, mentee, deliver_reminders):
    missed = book(pair)
    with time_machine.travel(missed.ends_at, tick=False):
        meeting_mark(meeting=missed, by=mentee, held=False)
    cancelled = book(pair, london(2026, 10, 26, 9, 0))
    with time_machine.travel(NOW, tick=False):
        meeting_cancel(meeting=cancelled, by=mentee)
    assert deliver(deliver_reminders, follow_up_due(missed), rows.FOLLOW_UP) == ["cancelled"]
    assert deliver(deliver_reminders, follow_up_due(cancelled), rows.FOLLOW_UP) == []
    assert mail.outbox == []


def test_a_mentor_who_turned_follow_ups_off_gets_no_email(pair, mentor, deliver_reminders):
    meeting = book(pair)
    opt_out(mentor, rows.FOLLOW_UP)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["muted"]
    assert mail.outbox == []


def test_a_follow_up_late_in_the_evening_waits_for_the_morning(pair, deliver_reminders):
    meeting = book(pair, london(2026, 10, 19, 19, 30))  # ends 20:20, due 22:20
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["quiet-hours"]
    assert deliver(deliver_reminders, london(2026, 10, 20, 7, 0), rows.FOLLOW_UP) == ["sent"]


@pytest.mark.parametrize("change", [pause, close])
def test_a_paused_or_closed_mentorship_has_no_follow_up(pair, deliver_reminders, change):
    meeting = book(pair)
    if change is pause:
        pause(pair, dt.date(2026, 11, 1))
    else:
        close(pair)
    assert deliver(deliver_reminders, follow_up_due(meeting), rows.FOLLOW_UP) == ["cancelled"]


# Your action points ---------------------------------------------------------------------------


@pytest.fixture
def past(pair):
    """A meeting that took place yesterday (made directly: it has no other reminders)."""
    return meeting_at(pair, NOW - dt.timedelta(days=1))


def test_the_mentee_is_told_when_the_shared_note_is_written(
    past, mentor, mentee, deliver_reminders
):
    item = {"text": SECRET_ACTION, "owner": "mentee", "due_on": None}
    write_note(past, items=[item], at=NOW)
    (row,) = of(past, rows.ACTION_POINTS)
    assert row.recipient_id == mentee.pk and row.due_at == NOW

    assert deliver(deliver_reminders, NOW, rows.ACTION_POINTS) == ["sent"]
    (message,) = mail.outbox
    assert message.to == [mentee.email]
    assert "Your action points from your meeting with Dr Maya Mentor" in message.subject
    for part in parts(message):
        assert f"/meetings/{past.pk}/note/" in part
    assert_no_secrets(message)


def test_a_note_with_nothing_shared_tells_the_mentee_nothing_until_it_has(past, deliver_reminders):
    write_note(past, summary="", at=NOW)
    assert of(past, rows.ACTION_POINTS) == []
    write_note(past, summary=SECRET_SUMMARY, at=NOW)
    assert deliver(deliver_reminders, NOW, rows.ACTION_POINTS) == ["sent"]


def test_action_points_alone_count_as_the_shared_part(past, deliver_reminders):
    write_note(past, summary="", items=[{"text": "x", "owner": "mentor", "due_on": None}], at=NOW)
    assert deliver(deliver_reminders, NOW, rows.ACTION_POINTS) == ["sent"]


def test_the_action_points_email_goes_once_however_often_the_note_is_edited(
    past, deliver_reminders
):
    write_note(past, at=NOW)
    deliver(deliver_reminders, NOW, rows.ACTION_POINTS)
    write_note(past, summary="Edited", at=NOW + dt.timedelta(hours=1))
    assert deliver(deliver_reminders, NOW + dt.timedelta(hours=1), rows.ACTION_POINTS) == []
    assert len(mail.outbox) == 1


def test_a_note_that_fails_to_save_writes_no_reminder(past):
    with pytest.raises(Exception), time_machine.travel(NOW, tick=False):  # noqa: B017, PT011
        note_save(
            meeting=past,
            author=past.mentor,
            data={"framework": "nonsense", "shared_summary": SECRET_SUMMARY},
            action_items=[],
        )
    assert not Notification.objects.exists()


def test_a_mentee_who_turned_action_points_off_gets_no_email(past, mentee, deliver_reminders):
    opt_out(mentee, rows.ACTION_POINTS)
    write_note(past, at=NOW)
    assert deliver(deliver_reminders, NOW, rows.ACTION_POINTS) == ["muted"]
    assert mail.outbox == []


def test_a_note_written_late_at_night_reaches_the_mentee_in_the_morning(past, deliver_reminders):
    night = london(2026, 10, 15, 22, 30)
    write_note(past, at=night)
    assert deliver(deliver_reminders, night, rows.ACTION_POINTS) == ["quiet-hours"]
    assert deliver(deliver_reminders, london(2026, 10, 16, 7, 0), rows.ACTION_POINTS) == ["sent"]


@pytest.mark.parametrize("change", ["pause", "close"])
def test_a_paused_or_closed_mentorship_gets_no_action_points_email(
    past, pair, deliver_reminders, change
):
    write_note(past, at=NOW)
    pause(pair, dt.date(2026, 11, 1)) if change == "pause" else close(pair)
    assert deliver(deliver_reminders, NOW, rows.ACTION_POINTS) == ["cancelled"]


# How did it go? -------------------------------------------------------------------------------

FEEDBACK_DUE = london(2026, 10, 20, 10, 0)


def test_the_mentee_gets_a_one_click_rating_the_day_after(pair, mentor, mentee, deliver_reminders):
    meeting = book(pair)
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["sent"]
    (message,) = mail.outbox
    assert message.to == [mentee.email]
    assert "How did your meeting with Dr Maya Mentor go?" in message.subject
    text, html = parts(message)
    links = [line.rsplit(": ", 1)[1] for line in text.splitlines() if "/feedback/" in line]
    assert len(links) == 5
    for rating, link in enumerate(links, start=1):
        assert link in html
        match = resolve(urlparse(link).path)
        assert match.view_name == "meetings:feedback_link"
        read = feedback_token_read(match.kwargs["token"])
        assert (read.meeting_id, read.mentee_id, read.rating) == (meeting.pk, mentee.pk, rating)
    assert Notification.objects.get(kind=rows.FEEDBACK).url == reverse(
        "meetings:feedback", kwargs={"pk": meeting.pk}
    )


def test_the_rating_request_waits_for_the_day_after(pair, deliver_reminders):
    book(pair)
    early = FEEDBACK_DUE - dt.timedelta(minutes=1)
    assert deliver(deliver_reminders, early, rows.FEEDBACK) == []


def test_the_rating_request_is_sent_once(pair, deliver_reminders):
    book(pair)
    deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK)
    assert deliver(deliver_reminders, FEEDBACK_DUE + dt.timedelta(hours=1), rows.FEEDBACK) == []
    assert len(mail.outbox) == 1


def test_no_rating_request_once_the_mentee_has_rated(pair, mentee, deliver_reminders):
    meeting = book(pair)
    MeetingFeedback.objects.create(meeting=meeting, mentee=mentee, rating=5)
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["cancelled"]


def test_no_rating_request_for_a_missed_or_cancelled_meeting(pair, mentee, deliver_reminders):
    missed = book(pair)
    with time_machine.travel(missed.ends_at, tick=False):
        meeting_mark(meeting=missed, by=mentee, held=False)
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["cancelled"]
    cancelled = book(pair, london(2026, 10, 26, 9, 0))
    with time_machine.travel(NOW, tick=False):
        meeting_cancel(meeting=cancelled, by=mentee)
    assert deliver(deliver_reminders, london(2026, 10, 27, 10, 0), rows.FEEDBACK) == []
    assert mail.outbox == []


def test_a_moved_meeting_asks_for_a_rating_after_its_new_time(pair, deliver_reminders):
    meeting = book(pair)
    with time_machine.travel(NOW, tick=False):
        meeting_reschedule(meeting=meeting, by=pair.mentor, starts_at=london(2026, 10, 26, 9, 0))
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["cancelled"]
    assert deliver(deliver_reminders, london(2026, 10, 27, 10, 0), rows.FEEDBACK) == ["sent"]


def test_a_mentee_who_turned_rating_requests_off_gets_no_email(pair, mentee, deliver_reminders):
    book(pair)
    opt_out(mentee, rows.FEEDBACK)
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["muted"]
    assert mail.outbox == []


def test_a_rating_request_waits_for_the_morning_where_the_mentee_now_is(
    pair, mentee, deliver_reminders
):
    book(pair)
    set_zone(mentee, "America/Los_Angeles")  # 10:00 London is 02:00 there
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["quiet-hours"]
    morning = dt.datetime(2026, 10, 20, 14, 0, tzinfo=UTC)
    assert deliver(deliver_reminders, morning, rows.FEEDBACK) == ["sent"]


@pytest.mark.parametrize("change", ["pause", "close"])
def test_a_paused_or_closed_mentorship_gets_no_rating_request(pair, deliver_reminders, change):
    book(pair)
    pause(pair, dt.date(2026, 11, 1)) if change == "pause" else close(pair)
    assert deliver(deliver_reminders, FEEDBACK_DUE, rows.FEEDBACK) == ["cancelled"]


# Action point due --------------------------------------------------------------------------

DUE_ON = dt.date(2026, 10, 22)  # a Thursday
REMIND_AT = london(2026, 10, 21, 9, 0)


def items_for(past, *items):
    write_note(past, items=items, at=NOW)
    return list(ActionItem.objects.filter(meeting=past).order_by("pk"))


def mine(due_on=DUE_ON, owner="mentee"):
    return {"text": SECRET_ACTION, "owner": owner, "due_on": due_on}


def test_each_owner_is_reminded_the_day_before_an_action_point_is_due(
    past, mentor, mentee, deliver_reminders
):
    for_mentee, for_mentor, undated = items_for(
        past, mine(), mine(dt.date(2026, 10, 23), "mentor"), mine(None)
    )
    assert [(n.recipient_id, n.due_at, n.occurrence) for n in of(for_mentee, rows.ACTION_DUE)] == [
        (mentee.pk, REMIND_AT, "2026-10-22")
    ]
    assert [n.recipient_id for n in of(for_mentor, rows.ACTION_DUE)] == [mentor.pk]
    assert of(undated, rows.ACTION_DUE) == []

    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["sent"]
    (message,) = mail.outbox
    assert message.to == [mentee.email]
    assert message.subject.endswith("An action point is due tomorrow")
    for part in parts(message):
        assert "Thursday 22 October 2026" in part and "/action-items/" in part
        assert "Dr Maya Mentor" in part
    assert_no_secrets(message)


def test_an_action_point_reminder_waits_until_the_day_before(past, deliver_reminders):
    items_for(past, mine())
    assert deliver(deliver_reminders, REMIND_AT - dt.timedelta(minutes=1), rows.ACTION_DUE) == []


def test_an_action_point_reminder_is_sent_once(past, deliver_reminders):
    items_for(past, mine())
    deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE)
    assert deliver(deliver_reminders, REMIND_AT + dt.timedelta(hours=2), rows.ACTION_DUE) == []
    assert len(mail.outbox) == 1


def test_an_action_point_done_is_not_reminded_of(past, mentee, deliver_reminders):
    (item,) = items_for(past, mine())
    with time_machine.travel(NOW, tick=False):
        action_item_toggle(item_id=item.pk, user=mentee)
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["cancelled"]


def test_a_new_due_date_moves_the_reminder(past, mentee, deliver_reminders):
    (item,) = items_for(past, mine())
    with time_machine.travel(NOW, tick=False):
        action_item_set_due(item_id=item.pk, user=mentee, due_on=dt.date(2026, 10, 29))
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["cancelled"]
    assert deliver(deliver_reminders, london(2026, 10, 28, 9, 0), rows.ACTION_DUE) == ["sent"]
    assert "Thursday 29 October 2026" in mail.outbox[0].body


def test_an_action_point_due_too_soon_gets_no_reminder(past):
    (item,) = items_for(past, mine(NOW.date()))
    assert of(item, rows.ACTION_DUE) == []


def test_an_owner_who_turned_action_point_reminders_off_gets_no_email(
    past, mentee, deliver_reminders
):
    items_for(past, mine())
    opt_out(mentee, rows.ACTION_DUE)
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["muted"]
    assert mail.outbox == []


def test_an_action_point_reminder_waits_for_the_owners_morning(past, mentee, deliver_reminders):
    items_for(past, mine())
    set_zone(mentee, "Pacific/Auckland")  # 08:00 UTC is 21:00 there
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["quiet-hours"]
    morning = dt.datetime(2026, 10, 21, 18, 0, tzinfo=UTC)  # 07:00 on the 22nd in Auckland
    assert deliver(deliver_reminders, morning, rows.ACTION_DUE) == ["sent"]


def test_a_pause_over_the_due_date_drops_the_reminder(past, pair, deliver_reminders):
    items_for(past, mine())
    pause(pair, dt.date(2026, 11, 1))
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["cancelled"]


def test_a_pause_ending_on_the_due_date_holds_the_reminder_until_then(
    past, pair, deliver_reminders
):
    items_for(past, mine())
    pause(pair, DUE_ON)
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["deferred"]
    resume(pair)
    resumed = london(2026, 10, 22, 7, 0)
    assert deliver(deliver_reminders, resumed, rows.ACTION_DUE) == ["sent"]
    assert mail.outbox[0].subject.endswith("due on Thursday 22 October 2026")


def test_a_closed_mentorship_gets_no_action_point_reminders(past, pair, deliver_reminders):
    items_for(past, mine())
    close(pair)
    assert deliver(deliver_reminders, REMIND_AT, rows.ACTION_DUE) == ["cancelled"]


def test_meetings_booked_before_the_reminders_get_their_rows_once(pair, mentor, mentee):
    meeting = meeting_at(pair, START)  # written directly, as an older booking was
    past = meeting_at(pair, NOW - dt.timedelta(days=5))
    with time_machine.travel(NOW, tick=False):
        rows.meeting_reminders_backfill()
        rows.meeting_reminders_backfill()
    assert len(of(meeting, rows.UPCOMING)) == 4
    assert len(of(meeting, rows.FOLLOW_UP)) == len(of(meeting, rows.FEEDBACK)) == 1
    assert not Notification.objects.filter(subject_key=subject_key(past)).exists()
