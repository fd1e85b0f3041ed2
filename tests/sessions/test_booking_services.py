"""Booking, proposing, moving, cancelling and marking meetings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from matching.models import Mentorship
from sessions.errors import MeetingError
from sessions.models import AgendaItem, Blackout, Meeting, MeetingDefaults
from sessions.selectors import slots_for
from sessions.services.booking import (
    agenda_item_add,
    meeting_book,
    meeting_cancel,
    meeting_mark,
    meeting_propose,
    meeting_reschedule,
    meeting_respond,
)

from .booking_setup import NOW, UTC, london, make_mentorship, meeting_at, monday_mornings, person

pytestmark = pytest.mark.django_db
Status = Meeting.Status


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(programme, mentor, mentee):
    monday_mornings(mentor)
    return make_mentorship(programme, mentor, mentee)


# Open slots -----------------------------------------------------------------------------


def test_slots_come_from_the_weekly_window_at_the_programme_length(pair):
    slots = slots_for(pair)
    starts = [s.starts_at.astimezone(UTC) for s in slots]
    # Monday 19 October (BST): 09:00, 09:50, 10:40 London are 08:00, 08:50, 09:40 UTC.
    assert starts[:3] == [
        dt.datetime(2026, 10, 19, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 19, 8, 50, tzinfo=UTC),
        dt.datetime(2026, 10, 19, 9, 40, tzinfo=UTC),
    ]
    # Monday 26 October (GMT, after the clocks went back): 09:00 London is 09:00 UTC.
    assert starts[3] == dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert len(slots) == 9  # three Mondays, three 50-minute slots each


def test_slots_are_shown_in_the_viewers_time_zone_across_both_clock_changes(pair, mentee):
    mentee.time_zone = "America/New_York"
    mentee.save()
    slots = slots_for(pair, viewer=mentee)
    firsts: dict = {}
    for slot in slots:
        firsts.setdefault(slot.starts_at.date(), slot.starts_at)
    assert firsts[dt.date(2026, 10, 19)].hour == 4  # 08:00 UTC, New York on EDT
    assert firsts[dt.date(2026, 10, 26)].hour == 5  # 09:00 UTC, New York still on EDT
    assert firsts[dt.date(2026, 11, 2)].hour == 4  # 09:00 UTC, New York now on EST
    assert str(firsts[dt.date(2026, 11, 2)].tzinfo) == "America/New_York"


def test_slots_leave_out_blackouts_and_either_persons_meetings(pair, programme, mentee):
    Blackout.objects.create(
        mentor=pair.mentor, starts_on=dt.date(2026, 10, 26), ends_on=dt.date(2026, 10, 26)
    )
    other_mentor = person(programme, "mentor")
    other = make_mentorship(programme, other_mentor, mentee)
    meeting_at(other, london(2026, 10, 19, 9, 30))  # the mentee is busy 09:30-10:20
    starts = [s.starts_at.astimezone(UTC) for s in slots_for(pair)]
    assert dt.datetime(2026, 10, 19, 8, 0, tzinfo=UTC) not in starts
    assert dt.datetime(2026, 10, 19, 8, 50, tzinfo=UTC) not in starts
    assert dt.datetime(2026, 10, 19, 9, 40, tzinfo=UTC) in starts
    assert not [s for s in starts if s.date() == dt.date(2026, 10, 26)]


def test_one_off_slots_are_offered_too(pair):
    from sessions.models import AvailabilitySlot

    AvailabilitySlot.objects.create(
        mentor=pair.mentor,
        starts_at=london(2026, 10, 21, 18, 0),
        ends_at=london(2026, 10, 21, 19, 0),
        modes=["phone"],
    )
    slots = [s for s in slots_for(pair) if s.starts_at.date() == dt.date(2026, 10, 21)]
    assert len(slots) == 1
    assert slots[0].modes == ("phone",)


# Booking ------------------------------------------------------------------------------


def test_the_mentee_books_an_open_slot_and_both_are_emailed_an_invitation(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    MeetingDefaults.objects.create(mentor=mentor, video_link="https://video.example.org/maya")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_book(
            mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
        )
    assert meeting.status == Status.CONFIRMED
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=50)
    assert meeting.video_link == "https://video.example.org/maya"
    assert meeting.sequence == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentor.email, mentee.email])
    for msg in mailoutbox:
        assert msg.alternatives and msg.alternatives[0][1] == "text/html"
        (name, content, mimetype) = msg.attachments[0]
        assert name == "meeting.ics"
        assert mimetype.startswith("text/calendar; method=REQUEST")
    assert "19 October 2026, 09:00" in mailoutbox[0].body


def test_the_mentor_is_never_double_booked_by_two_mentees(pair, programme, mentor, mentee):
    meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")
    second = make_mentorship(programme, mentor, person(programme, "mentee"))
    with pytest.raises(MeetingError, match="just been taken"):
        meeting_book(
            mentorship=second, by=second.mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
        )
    with pytest.raises(MeetingError, match="just been taken"):
        meeting_propose(
            mentorship=second, by=second.mentee, starts_at=london(2026, 10, 19, 9, 25), mode="video"
        )
    assert Meeting.objects.count() == 1


def test_the_mentee_is_never_double_booked_across_two_mentorships(pair, programme, mentee):
    other = make_mentorship(programme, person(programme, "mentor"), mentee)
    meeting_at(other, london(2026, 10, 19, 9, 20))
    with pytest.raises(MeetingError, match="just been taken"):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")
    assert Meeting.objects.count() == 1


def test_a_cancelled_meeting_frees_its_time(pair, mentee):
    meeting_at(pair, london(2026, 10, 19, 9, 0), status=Status.CANCELLED)
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    assert meeting.status == Status.CONFIRMED


def test_a_blacked_out_day_cannot_be_booked(pair, mentor, mentee):
    Blackout.objects.create(
        mentor=mentor, starts_on=dt.date(2026, 10, 18), ends_on=dt.date(2026, 10, 20)
    )
    with pytest.raises(MeetingError, match="away that day"):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")
    with pytest.raises(MeetingError, match="away that day"):
        meeting_propose(
            mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 15, 0), mode="video"
        )
    assert not Meeting.objects.exists()


def test_a_time_in_the_past_cannot_be_booked(pair, mentee):
    with pytest.raises(MeetingError, match="in the future"):
        meeting_propose(
            mentorship=pair, by=mentee, starts_at=london(2026, 10, 12, 9, 0), mode="video"
        )


@pytest.mark.parametrize("status", [Mentorship.Status.PAUSED, Mentorship.Status.CLOSED])
def test_only_an_active_mentorship_can_book(pair, mentee, status):
    Mentorship.objects.filter(pk=pair.pk).update(status=status)
    with pytest.raises(MeetingError, match="active"):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")


def test_booking_needs_a_time_and_way_the_mentor_offers(pair, mentee):
    with pytest.raises(MeetingError, match="not one your mentor offers"):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 20, 9, 0), mode="video")
    with pytest.raises(MeetingError, match="way to meet"):
        meeting_book(
            mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="in_person"
        )


def test_only_the_mentee_books_from_availability(pair, mentor, outsider):
    for who in (mentor, outsider):
        with pytest.raises(MeetingError):
            meeting_book(
                mentorship=pair, by=who, starts_at=london(2026, 10, 19, 9, 0), mode="video"
            )


def test_a_proposal_waits_for_the_other_person(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_propose(
            mentorship=pair, by=mentor, starts_at=london(2026, 10, 22, 17, 0), mode="phone"
        )
    assert meeting.status == Status.PROPOSED
    assert [m.to for m in mailoutbox] == [[mentee.email]]
    with pytest.raises(MeetingError, match="other person"):
        meeting_respond(meeting=meeting, by=mentor, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_respond(meeting=meeting, by=mentee, accept=True)
    assert meeting.status == Status.CONFIRMED
    assert meeting.sequence == 1
    assert len(mailoutbox) == 3


def test_declining_a_proposal_cancels_it(pair, mentor, mentee):
    meeting = meeting_propose(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 22, 17, 0), mode="phone"
    )
    meeting = meeting_respond(meeting=meeting, by=mentor, accept=False)
    assert meeting.status == Status.CANCELLED


# Changes --------------------------------------------------------------------------------


def test_rescheduling_moves_the_meeting_and_bumps_the_sequence(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    uid = meeting.uid
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_reschedule(
            meeting=meeting, by=mentor, starts_at=london(2026, 10, 27, 14, 0)
        )
    assert meeting.starts_at == london(2026, 10, 27, 14, 0)
    assert meeting.ends_at == london(2026, 10, 27, 14, 50)
    assert meeting.sequence == 1
    assert meeting.uid == uid
    assert {m.subject for m in mailoutbox} and all("moved" in m.subject for m in mailoutbox)


def test_rescheduling_onto_a_busy_time_is_refused(pair, programme, mentor, mentee):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    other = make_mentorship(programme, mentor, person(programme, "mentee"))
    meeting_at(other, london(2026, 10, 27, 14, 0))
    with pytest.raises(MeetingError, match="just been taken"):
        meeting_reschedule(meeting=meeting, by=mentee, starts_at=london(2026, 10, 27, 14, 30))
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    # Moving within its own time is fine: it does not clash with itself.
    meeting_reschedule(meeting=meeting, by=mentee, starts_at=london(2026, 10, 19, 9, 20))


def test_cancelling_records_the_reason_and_sends_a_cancel_invitation(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_cancel(meeting=meeting, by=mentor, reason="On call that day")
    assert meeting.status == Status.CANCELLED
    assert meeting.sequence == 1
    assert meeting.cancelled_by == mentor
    assert len(mailoutbox) == 2
    for msg in mailoutbox:
        assert "On call that day" in msg.body
        assert msg.attachments[0][2].startswith("text/calendar; method=CANCEL")
    with pytest.raises(MeetingError):
        meeting_cancel(meeting=meeting, by=mentee)


def test_a_meeting_is_marked_held_or_missed_only_once_it_has_started(pair, mentor, mentee):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    with pytest.raises(MeetingError, match="once it has started"):
        meeting_mark(meeting=meeting, by=mentor, held=True)
    with time_machine.travel(london(2026, 10, 19, 9, 55), tick=False):
        assert meeting_mark(meeting=meeting, by=mentee, held=True).status == Status.HELD
        assert meeting_mark(meeting=meeting, by=mentor, held=False).status == Status.MISSED


def test_agenda_items_are_added_beforehand_and_stored_encrypted(pair, mentor, mentee):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    agenda_item_add(meeting=meeting, by=mentee, text="Preparing for my consultant interview")
    agenda_item_add(meeting=meeting, by=mentor, text="Your rota")
    assert [a.text for a in AgendaItem.objects.filter(meeting=meeting)] == [
        "Preparing for my consultant interview",
        "Your rota",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM mentoring_sessions_agendaitem")
        stored = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "consultant interview" not in stored
    with pytest.raises(MeetingError):
        agenda_item_add(meeting=meeting, by=mentee, text="   ")
    with (
        time_machine.travel(london(2026, 10, 19, 9, 5), tick=False),
        pytest.raises(MeetingError, match="before the meeting"),
    ):
        agenda_item_add(meeting=meeting, by=mentee, text="Late item")
