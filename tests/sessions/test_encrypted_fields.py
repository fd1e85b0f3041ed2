"""Meeting places, cancellation reasons and blackout notes are encrypted at rest;
calendar feed tokens are stored only as a hash, and old addresses survive the change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from icalendar import Calendar

from sessions.ics import meeting_invitation
from sessions.models import Blackout, CalendarFeed, Meeting, MeetingDefaults
from sessions.services.booking import meeting_cancel
from tests.encryption import migrate, migrate_to_latest, opens_with, stored

from .booking_setup import NOW, london, make_mentorship, meeting_at

PLACE = "Room 4 <Trust> & Co's annex"


@pytest.fixture
def pair(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.mark.django_db
def test_a_meetings_place_and_cancellation_reason_are_stored_encrypted(pair, mentor):
    with time_machine.travel(NOW, tick=False):
        meeting = meeting_at(pair, london(2026, 10, 19, 9, 0), mode="in_person", location=PLACE)
        meeting_cancel(meeting=meeting, by=mentor, reason="REASON: on call for a colleague")
    assert opens_with(stored(Meeting, meeting.pk, "location")) == PLACE
    assert opens_with(stored(Meeting, meeting.pk, "cancel_reason")).startswith("REASON")
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert fresh.location == PLACE
    assert fresh.cancel_reason == "REASON: on call for a colleague"


@pytest.mark.django_db
def test_the_invitation_shows_the_place_in_plain_text(pair):
    meeting = meeting_at(pair, london(2026, 10, 19, 9, 0), mode="in_person", location=PLACE)
    invitation = meeting_invitation(Meeting.objects.get(pk=meeting.pk))
    event = next(iter(Calendar.from_ical(invitation).walk("VEVENT")))
    assert str(event["LOCATION"]) == PLACE


@pytest.mark.django_db
def test_the_meeting_page_shows_the_place_escaped(client, pair, mentee):
    meeting = meeting_at(pair, london(2026, 10, 19, 9, 0), mode="in_person", location=PLACE)
    client.force_login(mentee)
    html = client.get(reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})).content
    assert b"Room 4 &lt;Trust&gt; &amp; Co&#x27;s annex" in html
    assert stored(Meeting, meeting.pk, "location").encode() not in html


@pytest.mark.django_db
def test_an_empty_place_stays_empty(pair):
    meeting = meeting_at(pair, london(2026, 10, 19, 9, 0))
    assert stored(Meeting, meeting.pk, "location") == ""
    assert Meeting.objects.get(pk=meeting.pk).location == ""


@pytest.mark.django_db
def test_default_places_and_blackout_notes_are_stored_encrypted(mentor):
    defaults = MeetingDefaults.objects.create(mentor=mentor, location="DEFAULT the library")
    blackout = Blackout.objects.create(
        mentor=mentor, starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 6), note="IVF"
    )
    assert opens_with(stored(MeetingDefaults, defaults.pk, "location")) == "DEFAULT the library"
    assert opens_with(stored(Blackout, blackout.pk, "note")) == "IVF"
    assert Blackout.objects.get(pk=blackout.pk).note == "IVF"


@pytest.mark.django_db
def test_the_feed_token_is_never_stored(mentee):
    token = "T" * 43
    feed = CalendarFeed.objects.create(user=mentee, token_hash=CalendarFeed.hash_token(token))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mentoring_sessions_calendarfeed WHERE id = %s", [feed.pk])
        assert token not in str(cursor.fetchone())
    assert CalendarFeed.objects.for_token(token).get() == feed
    assert not CalendarFeed.objects.for_token("").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_old_rows_and_keep_old_feed_addresses_working(
    client, pair, mentor, mentee
):
    meeting = meeting_at(pair, london(2026, 10, 19, 9, 0), mode="in_person", location=PLACE)
    blackout = Blackout.objects.create(
        mentor=mentor, starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 6), note="Leave"
    )
    old_token = "an-old-plain-token-0123456789abcdefghijklmno"
    try:
        migrate(("mentoring_sessions", "0003_meeting_feedback"))
        assert stored(Meeting, meeting.pk, "location") == PLACE
        assert stored(Blackout, blackout.pk, "note") == "Leave"
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO mentoring_sessions_calendarfeed (user_id, token, created_at) "
                "VALUES (%s, %s, now())",
                [mentee.pk, old_token],
            )
        migrate(("mentoring_sessions", "0005_calendar_feed_token_hash"))
    finally:
        migrate_to_latest()
    assert opens_with(stored(Meeting, meeting.pk, "location")) == PLACE
    assert Blackout.objects.get(pk=blackout.pk).note == "Leave"
    assert CalendarFeed.objects.get(user=mentee).token_hash == CalendarFeed.hash_token(old_token)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("meetings:calendar_feed", kwargs={"token": old_token}))
    assert response.status_code == 200
