"""Download my data: meetings, session notes, reflections and the rest of mentoring."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from sessions.models import (
    ActionItem,
    AgendaItem,
    AvailabilitySlot,
    AvailabilityWindow,
    Blackout,
    CalendarFeed,
    Meeting,
    MentoringAgreement,
    Reflection,
    SessionNote,
)
from tests.support.pages import sign_in
from wellbeing.services.privacy import data_export_build, export_data

from .support_setup import make_member, make_mentorship
from .test_export import URL, download

pytestmark = pytest.mark.django_db

TOKEN = "feedtoken-SECRET-0123456789abcdef"


def make_meeting(mentorship, *, days: int, status=Meeting.Status.HELD) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=days)
    return Meeting.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        mode="video",
        status=status,
        proposed_by=mentorship.mentee,
    )


@pytest.fixture
def mentoring(programme, mentor, mentee):
    """A held meeting with the mentor's note and the mentee's reflection, and the rest."""
    pair = make_mentorship(programme, mentor, mentee)
    held = make_meeting(pair, days=-7)
    upcoming = make_meeting(pair, days=7, status=Meeting.Status.CONFIRMED)
    SessionNote.objects.create(
        meeting=held,
        author=mentor,
        framework="grow",
        shared_summary="SHARED-summary-for-both",
        sections={"goal": "MENTOR-PRIVATE-section-goal"},
        private_notes="MENTOR-PRIVATE-notes",
        tags=["workload"],
    )
    Reflection.objects.create(meeting=held, author=mentee, text="MENTEE-PRIVATE-reflection")
    AgendaItem.objects.create(meeting=upcoming, author=mentee, text="MENTEE-agenda-item")
    AgendaItem.objects.create(meeting=upcoming, author=mentor, text="MENTOR-agenda-item")
    ActionItem.objects.create(
        mentorship=pair,
        meeting=held,
        text="ACTION-read-the-rota",
        owner="mentee",
        created_by=mentor,
    )
    MentoringAgreement.objects.create(
        mentorship=pair,
        meeting_frequency="AGREED-monthly",
        contact="email",
        confidentiality="all of it",
        signposting="occupational health",
        ending="a review",
    )
    start = timezone.now() + dt.timedelta(days=3)
    AvailabilityWindow.objects.create(
        mentor=mentor,
        weekday=1,
        start_time=dt.time(18),
        end_time=dt.time(20),
        time_zone="Europe/London",
        modes=["video"],
    )
    AvailabilitySlot.objects.create(
        mentor=mentor, starts_at=start, ends_at=start + dt.timedelta(hours=1), modes=["phone"]
    )
    Blackout.objects.create(
        mentor=mentor,
        starts_on=dt.date(2026, 12, 24),
        ends_on=dt.date(2026, 12, 28),
        note="MENTOR-blackout-note",
    )
    CalendarFeed.objects.create(user=mentee, token_hash=CalendarFeed.hash_token(TOKEN))
    return {"pair": pair, "held": held, "upcoming": upcoming}


def test_a_mentee_gets_their_meetings_reflections_and_the_shared_summary(client, mentoring, mentee):
    data, summary = download(client, mentee)
    text = json.dumps(data)
    for value in (
        "MENTEE-PRIVATE-reflection",
        "MENTEE-agenda-item",
        "SHARED-summary-for-both",
        "ACTION-read-the-rota",
        "AGREED-monthly",
    ):
        assert value in text, value
        assert value in summary, value
    assert [m["status"] for m in data["meetings"]] == ["Held", "Booked"]
    assert data["meetings"][0]["with"] == "Dr Maya Mentor"
    assert data["session_notes_you_wrote"] == []
    assert data["session_notes_shared_with_you"][0]["shared_summary"] == "SHARED-summary-for-both"
    assert data["calendar_feed"]["has_a_calendar_feed"] is True
    assert "Meetings" in summary and "Your reflections" in summary


def test_a_mentee_never_gets_the_mentors_private_parts(client, mentoring, mentee):
    data, summary = download(client, mentee)
    text = json.dumps(data)
    for value in (
        "MENTOR-PRIVATE-section-goal",
        "MENTOR-PRIVATE-notes",
        "MENTOR-agenda-item",
        "MENTOR-blackout-note",
        "workload",  # the note's tags are the author's
        TOKEN,
    ):
        assert value not in text, value
        assert value not in summary, value


def test_a_mentor_gets_their_whole_note_and_availability_but_not_the_reflection(
    client, mentoring, mentor
):
    data, summary = download(client, mentor)
    text = json.dumps(data)
    for value in (
        "MENTOR-PRIVATE-section-goal",
        "MENTOR-PRIVATE-notes",
        "SHARED-summary-for-both",
        "MENTOR-agenda-item",
        "MENTOR-blackout-note",
        "ACTION-read-the-rota",
        "AGREED-monthly",
    ):
        assert value in text, value
        assert value in summary, value
    note = data["session_notes_you_wrote"][0]
    assert note["framework"] == "GROW" and note["tags"] == ["workload"]
    assert note["with"] == "Dr Sam Mentee"
    assert data["session_notes_shared_with_you"] == []
    assert data["availability"]["weekly_windows"][0]["weekday"] == "Tuesday"
    assert len(data["availability"]["one_off_slots"]) == 1
    assert data["calendar_feed"]["has_a_calendar_feed"] is False
    for value in ("MENTEE-PRIVATE-reflection", "MENTEE-agenda-item"):
        assert value not in text, value
        assert value not in summary, value


def test_the_calendar_token_is_never_in_the_download(client, mentoring, mentee):
    data, summary = download(client, mentee)
    assert TOKEN not in json.dumps(data) and TOKEN not in summary
    assert set(data["calendar_feed"]) == {"has_a_calendar_feed", "set_up_at"}


def test_another_pairs_meetings_are_not_in_the_download(client, programme, mentoring, mentee):
    other = make_mentorship(
        programme, make_member(programme, "mentor"), make_member(programme, "mentee")
    )
    meeting = make_meeting(other, days=-2)
    Reflection.objects.create(meeting=meeting, author=other.mentee, text="OTHER-reflection")
    SessionNote.objects.create(
        meeting=meeting, author=other.mentor, framework="free", shared_summary="OTHER-summary"
    )
    data, _ = download(client, mentee)
    text = json.dumps(data)
    assert "OTHER-reflection" not in text and "OTHER-summary" not in text
    assert len(data["meetings"]) == 2


def test_the_mentoring_sections_make_a_fixed_number_of_queries(
    client, programme, mentor, mentee, mentoring, django_assert_max_num_queries
):
    export_data(user=mentor)  # warm any one-off lookups
    with django_assert_max_num_queries(60) as small:
        data_export_build(user=mentor)
    for n in range(12):
        other = make_member(programme, "mentee")
        pair = make_mentorship(programme, mentor, other)
        meeting = make_meeting(pair, days=-(n + 10))
        SessionNote.objects.create(meeting=meeting, author=mentor, framework="free")
        Reflection.objects.create(meeting=meeting, author=other, text="r")
        AgendaItem.objects.create(meeting=meeting, author=mentor, text="a")
        ActionItem.objects.create(mentorship=pair, text="t", owner="mentor")
        MentoringAgreement.objects.create(
            mentorship=pair,
            meeting_frequency="m",
            contact="c",
            confidentiality="c",
            signposting="s",
            ending="e",
        )
        Blackout.objects.create(
            mentor=mentor, starts_on=dt.date(2027, 1, n + 1), ends_on=dt.date(2027, 1, n + 1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = data_export_build(user=mentor)
    assert data
    sign_in(client, mentor)
    with django_assert_max_num_queries(len(small.captured_queries) + 10):
        assert client.get(URL).status_code == 200


def test_a_mentee_gets_their_meeting_ratings_and_the_mentor_does_not(
    client, mentoring, mentor, mentee
):
    from sessions.models import MeetingFeedback

    MeetingFeedback.objects.create(meeting=mentoring["held"], mentee=mentee, rating=4)
    data, summary = download(client, mentee)
    assert [r["rating"] for r in data["meeting_ratings"]] == [4]
    assert "How you rated your meetings" in summary
    data, _ = download(client, mentor)
    assert data["meeting_ratings"] == []
