"""Close my account: a person's private session records go; the other person's stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from mentoring.privacy import FORMER_MEMBER
from sessions.models import (
    ActionItem,
    AgendaItem,
    AvailabilitySlot,
    AvailabilityWindow,
    Blackout,
    CalendarFeed,
    Meeting,
    MeetingDefaults,
    MentoringAgreement,
    Reflection,
    SessionNote,
)

from .support_setup import make_member, make_mentorship
from .test_erasure import close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def raw(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
def sessions_world(programme, mentor, mentee):
    pair = make_mentorship(programme, mentor, mentee)
    held = make_meeting(pair, days=-7)
    upcoming = make_meeting(pair, days=7, status=Meeting.Status.CONFIRMED)
    proposed = make_meeting(pair, days=9, status=Meeting.Status.PROPOSED)
    note = SessionNote.objects.create(
        meeting=held,
        author=mentor,
        framework="grow",
        shared_summary="SHARED-summary",
        sections={"goal": "MENTOR-PRIVATE-section"},
        private_notes="MENTOR-PRIVATE-notes",
        tags=["workload"],
    )
    reflection = Reflection.objects.create(meeting=held, author=mentee, text="MENTEE-reflection")
    mentee_agenda = AgendaItem.objects.create(meeting=upcoming, author=mentee, text="MENTEE-agenda")
    mentor_agenda = AgendaItem.objects.create(meeting=upcoming, author=mentor, text="MENTOR-agenda")
    action = ActionItem.objects.create(
        mentorship=pair, meeting=held, text="ACTION-shared", owner="mentee", created_by=mentor
    )
    MentoringAgreement.objects.create(
        mentorship=pair,
        meeting_frequency="AGREED-monthly",
        contact="email",
        confidentiality="all",
        signposting="oh",
        ending="review",
    )
    return {
        "pair": pair,
        "held": held,
        "upcoming": upcoming,
        "proposed": proposed,
        "note": note,
        "reflection": reflection,
        "mentee_agenda": mentee_agenda,
        "mentor_agenda": mentor_agenda,
        "action": action,
    }


def test_a_mentee_closing_erases_their_reflections_and_agenda(client, sessions_world, mentee):
    close(client, mentee)
    mentee.refresh_from_db()
    assert mentee.full_name == FORMER_MEMBER
    assert raw("SELECT id FROM mentoring_sessions_reflection WHERE author_id = %s", mentee.pk) == []
    assert raw("SELECT id FROM mentoring_sessions_agendaitem WHERE author_id = %s", mentee.pk) == []


def test_a_mentee_closing_leaves_the_mentors_note_intact(client, sessions_world, mentee, mentor):
    close(client, mentee)
    note = SessionNote.objects.get(pk=sessions_world["note"].pk)
    assert note.author == mentor
    assert note.shared_summary == "SHARED-summary"
    assert note.sections == {"goal": "MENTOR-PRIVATE-section"}
    assert note.private_notes == "MENTOR-PRIVATE-notes"
    assert note.tags == ["workload"]
    assert AgendaItem.objects.get(pk=sessions_world["mentor_agenda"].pk).text == "MENTOR-agenda"
    assert ActionItem.objects.get(pk=sessions_world["action"].pk).text == "ACTION-shared"
    assert MentoringAgreement.objects.get(mentorship=sessions_world["pair"]).meeting_frequency == (
        "AGREED-monthly"
    )


def test_a_mentor_closing_erases_the_private_parts_and_keeps_the_shared_summary(
    client, sessions_world, mentor, mentee
):
    note_pk = sessions_world["note"].pk
    sql = "SELECT sections FROM mentoring_sessions_sessionnote WHERE id = %s"
    [(sections_before,)] = raw(sql, note_pk)
    close(client, mentor)
    [(private_notes,)] = raw(
        "SELECT private_notes FROM mentoring_sessions_sessionnote WHERE id = %s", note_pk
    )
    assert private_notes in (None, "")
    [(sections,)] = raw(
        "SELECT sections FROM mentoring_sessions_sessionnote WHERE id = %s", note_pk
    )
    # Encrypted at rest, so the text never shows; the stored value is now an empty dict.
    assert "MENTOR-PRIVATE" not in str(sections)
    assert len(str(sections)) < len(str(sections_before))
    note = SessionNote.objects.get(pk=note_pk)
    assert note.sections == {} and note.private_notes is None
    assert note.shared_summary == "SHARED-summary"  # the mentee's record of the meeting
    assert raw("SELECT id FROM mentoring_sessions_agendaitem WHERE author_id = %s", mentor.pk) == []
    # The mentee's own records are theirs.
    assert Reflection.objects.get(pk=sessions_world["reflection"].pk).text == "MENTEE-reflection"
    assert AgendaItem.objects.get(pk=sessions_world["mentee_agenda"].pk).text == "MENTEE-agenda"


def test_closing_cancels_future_meetings_and_keeps_past_ones(client, sessions_world, mentee):
    upcoming = sessions_world["upcoming"]
    close(client, mentee)
    for key in ("upcoming", "proposed"):
        meeting = Meeting.objects.get(pk=sessions_world[key].pk)
        assert meeting.status == Meeting.Status.CANCELLED
        assert meeting.cancelled_by_id == mentee.pk
    assert Meeting.objects.get(pk=upcoming.pk).sequence == upcoming.sequence + 1
    assert Meeting.objects.get(pk=sessions_world["held"].pk).status == Meeting.Status.HELD


def test_closing_removes_availability_and_the_calendar_feed(client, sessions_world, mentor):
    start = timezone.now() + dt.timedelta(days=2)
    MeetingDefaults.objects.create(mentor=mentor, location="Room 4")
    AvailabilityWindow.objects.create(
        mentor=mentor,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(10),
        time_zone="Europe/London",
    )
    AvailabilitySlot.objects.create(mentor=mentor, starts_at=start, ends_at=start + dt.timedelta(1))
    Blackout.objects.create(
        mentor=mentor, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 2)
    )
    CalendarFeed.objects.create(user=mentor, token_hash=CalendarFeed.hash_token("secret"))
    close(client, mentor)
    for model in (MeetingDefaults, AvailabilityWindow, AvailabilitySlot, Blackout):
        assert not model.objects.filter(mentor=mentor).exists(), model
    assert not CalendarFeed.objects.filter(user=mentor).exists()


def test_another_pairs_session_records_are_untouched(client, programme, sessions_world, mentee):
    other = make_mentorship(
        programme, make_member(programme, "mentor"), make_member(programme, "mentee")
    )
    future = make_meeting(other, days=5, status=Meeting.Status.CONFIRMED)
    Reflection.objects.create(meeting=future, author=other.mentee, text="OTHER-reflection")
    close(client, mentee)
    assert Meeting.objects.get(pk=future.pk).status == Meeting.Status.CONFIRMED
    assert Reflection.objects.get(meeting=future).text == "OTHER-reflection"
