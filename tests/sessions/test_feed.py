"""Each person's private calendar feed: token, revocation, contents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from sessions.models import CalendarFeed, Meeting

from .booking_setup import NOW, london, make_mentorship, meeting_at, person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _feed_url(token):
    return reverse("meetings:calendar_feed", kwargs={"token": token})


def test_the_calendar_page_makes_a_private_address_on_first_visit(client, mentee):
    sign_in(client, mentee)
    response = client.get(reverse("meetings:calendar_settings"))
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(user=mentee)
    assert len(feed.token) >= 40
    assert feed.token in response.content.decode()
    client.get(reverse("meetings:calendar_settings"))
    assert CalendarFeed.objects.get(user=mentee).token == feed.token


def test_the_calendar_page_needs_sign_in(client):
    response = client.get(reverse("meetings:calendar_settings"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_feed_lists_the_persons_live_meetings_without_sign_in(
    client, programme, mentor, mentee
):
    pair = make_mentorship(programme, mentor, mentee)
    kept = meeting_at(pair, london(2026, 10, 19, 9, 0))
    meeting_at(pair, london(2026, 10, 20, 9, 0), status=Meeting.Status.CANCELLED)
    others = make_mentorship(programme, person(programme, "mentor"), person(programme, "mentee"))
    meeting_at(others, london(2026, 10, 21, 9, 0))
    feed = CalendarFeed.objects.create(user=mentee, token="a" * 43)
    response = client.get(_feed_url(feed.token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["UID"]).split("@")[0] for e in events] == [str(kept.uid)]


def test_revoking_makes_a_new_address_and_the_old_one_404s(client, mentee):
    sign_in(client, mentee)
    client.get(reverse("meetings:calendar_settings"))
    old = CalendarFeed.objects.get(user=mentee).token
    response = client.post(reverse("meetings:calendar_revoke"), follow=True)
    assert "no longer works" in response.content.decode()
    new = CalendarFeed.objects.get(user=mentee).token
    assert new != old
    client.logout()
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200


def test_a_guessed_token_404s(client, mentee):
    CalendarFeed.objects.create(user=mentee, token="b" * 43)
    assert client.get(_feed_url("b" * 42)).status_code == 404


def test_the_feed_makes_a_fixed_number_of_queries(
    client, programme, mentor, django_assert_max_num_queries
):
    for hour in range(30):
        pair = make_mentorship(programme, mentor, person(programme, "mentee"))
        meeting_at(pair, london(2026, 10, 19, 9, 0) + dt.timedelta(hours=hour))
    feed = CalendarFeed.objects.create(user=mentor, token="c" * 43)
    with django_assert_max_num_queries(3):
        assert client.get(_feed_url(feed.token)).status_code == 200
