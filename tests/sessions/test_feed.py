"""Each person's private calendar feed: token, revocation, contents."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from sessions.models import CalendarFeed, Meeting
from tests.support.pages import sign_in

from .booking_setup import NOW, london, make_mentorship, meeting_at, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _feed_url(token):
    return reverse("meetings:calendar_feed", kwargs={"token": token})


def _feed(user, token):
    return CalendarFeed.objects.create(user=user, token_hash=CalendarFeed.hash_token(token))


def _make_address(client) -> str:
    """Post for a new address and return the token the page shows (once)."""
    response = client.post(reverse("meetings:calendar_revoke"), follow=True)
    assert response.status_code == 200
    match = re.search(r'value="[^"]*/calendar/([^"/]+)\.ics"', response.content.decode())
    assert match, "the page shows the new address"
    return match.group(1)


def test_the_calendar_page_offers_to_make_an_address_and_changes_nothing_on_get(client, mentee):
    sign_in(client, mentee)
    response = client.get(reverse("meetings:calendar_settings"))
    assert response.status_code == 200
    assert "Make my calendar address" in response.content.decode()
    assert not CalendarFeed.objects.filter(user=mentee).exists()


def test_making_an_address_shows_the_token_once_and_stores_only_its_hash(client, mentee):
    sign_in(client, mentee)
    token = _make_address(client)
    feed = CalendarFeed.objects.get(user=mentee)
    assert len(token) >= 40
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.filter(user=mentee).values().get())
    again = client.get(reverse("meetings:calendar_settings"))
    assert token not in again.content.decode()
    assert "shown only once" in again.content.decode()
    assert "no-store" in again["Cache-Control"]
    client.logout()
    assert client.get(_feed_url(token)).status_code == 200


def test_the_token_hash_is_unique():
    assert CalendarFeed._meta.get_field("token_hash").unique


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
    _feed(mentee, "a" * 43)
    response = client.get(_feed_url("a" * 43))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["UID"]).split("@")[0] for e in events] == [str(kept.uid)]


def test_revoking_makes_a_new_address_and_the_old_one_404s(client, mentee):
    sign_in(client, mentee)
    old = _make_address(client)
    response = client.post(reverse("meetings:calendar_revoke"), follow=True)
    assert "no longer works" in response.content.decode()
    new = re.search(r'/calendar/([^"/]+)\.ics"', response.content.decode()).group(1)
    assert new != old
    assert CalendarFeed.objects.filter(user=mentee).count() == 1
    client.logout()
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200


def test_making_an_address_needs_sign_in_and_a_post(client, mentee):
    response = client.post(reverse("meetings:calendar_revoke"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in(client, mentee)
    assert client.get(reverse("meetings:calendar_revoke")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_a_guessed_token_404s(client, mentee):
    _feed(mentee, "b" * 43)
    assert client.get(_feed_url("b" * 42)).status_code == 404


def test_the_feed_makes_a_fixed_number_of_queries(
    client, programme, mentor, django_assert_max_num_queries
):
    for hour in range(30):
        pair = make_mentorship(programme, mentor, person(programme, "mentee"))
        meeting_at(pair, london(2026, 10, 19, 9, 0) + dt.timedelta(hours=hour))
    _feed(mentor, "c" * 43)
    with django_assert_max_num_queries(3):
        assert client.get(_feed_url("c" * 43)).status_code == 200
