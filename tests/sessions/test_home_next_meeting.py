"""The home page points a mentee to their next booked meeting."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sessions.models import Meeting
from tests.sessions.booking_setup import make_mentorship, meeting_at


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_mentee_sees_their_next_meeting(client, programme, mentor, mentee):
    pair = make_mentorship(programme, mentor, mentee)
    later = meeting_at(pair, timezone.now() + dt.timedelta(days=9))
    sooner = meeting_at(pair, timezone.now() + dt.timedelta(days=2))
    page = _home(client, mentee)
    assert "Your next meeting with Dr Maya Mentor" in page
    assert reverse("meetings:meeting_detail", kwargs={"pk": sooner.pk}) in page
    assert reverse("meetings:meeting_detail", kwargs={"pk": later.pk}) not in page


def test_cancelled_and_past_meetings_are_not_next(client, programme, mentor, mentee):
    pair = make_mentorship(programme, mentor, mentee)
    meeting_at(pair, timezone.now() + dt.timedelta(days=2), status=Meeting.Status.CANCELLED)
    meeting_at(pair, timezone.now() - dt.timedelta(days=2), status=Meeting.Status.HELD)
    page = _home(client, mentee)
    assert "Your next meeting" not in page
    assert "You are mentored by Dr Maya Mentor" in page


def test_the_mentor_and_others_do_not_see_the_mentees_meeting_as_theirs(
    client, programme, mentor, mentee, outsider
):
    pair = make_mentorship(programme, mentor, mentee)
    meeting_at(pair, timezone.now() + dt.timedelta(days=2))
    assert "Your next meeting" not in _home(client, mentor)
    assert "Your next meeting" not in _home(client, outsider)
