"""Calendar invitations parse with icalendar and carry the right UTC times."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from sessions.ics import meeting_invitation
from sessions.services.booking import meeting_book, meeting_cancel, meeting_reschedule

from .booking_setup import NOW, UTC, london, make_mentorship, monday_mornings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(programme, mentor, mentee):
    monday_mornings(mentor)
    return make_mentorship(programme, mentor, mentee)


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        # Before the clocks go back (BST, UTC+1) ...
        ((2026, 10, 19, 9, 0), dt.datetime(2026, 10, 19, 8, 0, tzinfo=UTC)),
        # ... and on the Monday after the last Sunday of October (GMT).
        ((2026, 10, 26, 9, 0), dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),
    ],
)
def test_a_0900_london_meeting_has_the_right_utc_times_across_the_clock_change(
    pair, mentee, local, utc
):
    meeting = meeting_book(mentorship=pair, by=mentee, starts_at=london(*local), mode="video")
    calendar, event = _event(meeting_invitation(meeting))
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == utc
    assert event.decoded("DTEND") == utc + dt.timedelta(minutes=50)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert b"DTSTART:" in meeting_invitation(meeting) and b"Z\r\n" in meeting_invitation(meeting)


def test_the_invitation_names_organiser_attendees_place_and_a_stable_uid(pair, mentor, mentee):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    meeting.video_link = "https://video.example.org/room"
    meeting.save()
    _, first = _event(meeting_invitation(meeting))
    assert str(first["ORGANIZER"]) == f"mailto:{mentor.email}"
    assert sorted(str(a) for a in first["ATTENDEE"]) == sorted(
        [f"mailto:{mentor.email}", f"mailto:{mentee.email}"]
    )
    assert str(first["LOCATION"]) == "https://video.example.org/room"
    assert str(first["URL"]).endswith(f"/meetings/{meeting.pk}/")
    assert first["SEQUENCE"] == 0
    meeting = meeting_reschedule(meeting=meeting, by=mentor, starts_at=london(2026, 10, 26, 10, 0))
    _, moved = _event(meeting_invitation(meeting))
    assert str(moved["UID"]) == str(first["UID"])
    assert str(meeting.uid) in str(moved["UID"])
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") == dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC)


def test_a_cancelled_meeting_sends_method_cancel(pair, mentor, mentee):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    meeting = meeting_cancel(meeting=meeting, by=mentor, reason="")
    calendar, event = _event(meeting_invitation(meeting))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_the_invitation_carries_no_agenda_text(pair, mentee):
    from sessions.services.booking import agenda_item_add

    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    agenda_item_add(meeting=meeting, by=mentee, text="Private worry about my rota")
    assert b"Private worry" not in meeting_invitation(meeting)


def test_the_invitation_part_names_its_charset_once(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")
    assert len(mailoutbox) == 2
    for msg in mailoutbox:
        [part] = [p for p in msg.message().walk() if p.get_content_type() == "text/calendar"]
        content_type = part["Content-Type"]
        assert content_type.lower().count("charset") == 1, content_type
        assert part.get_param("method") == "REQUEST"
        assert part.get_content_charset() == "utf-8"
        assert part.get_filename() == "meeting.ics"
        calendar, event = _event(part.get_payload(decode=True))
        assert calendar["METHOD"] == "REQUEST"
        assert event["SEQUENCE"] == 0


def test_a_proposal_carries_no_invitation_until_it_is_accepted(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    from sessions.services.booking import meeting_propose

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_propose(
            mentorship=pair, by=mentor, starts_at=london(2026, 10, 22, 17, 0), mode="phone"
        )
        meeting_reschedule(meeting=meeting, by=mentor, starts_at=london(2026, 10, 23, 17, 0))
    assert [m.to for m in mailoutbox] == [[mentee.email], [mentee.email]]
    assert all(m.attachments == [] for m in mailoutbox)
