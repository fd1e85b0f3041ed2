"""The mentee's "how did it go?" rating: the signed links, the page, who may use them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from sessions.errors import MeetingError
from sessions.models import Meeting, MeetingFeedback
from sessions.services.feedback import feedback_record, feedback_token
from tests.support.pages import sign_in

from .booking_setup import NOW, make_mentorship, meeting_at, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def meeting(pair):
    """Held yesterday."""
    return meeting_at(pair, NOW - dt.timedelta(days=1), status=Meeting.Status.HELD)


def link(meeting, rating=4, mentee_id=None) -> str:
    token = feedback_token(
        meeting_id=meeting.pk, mentee_id=mentee_id or meeting.mentee_id, rating=rating
    )
    return reverse("meetings:feedback_link", kwargs={"token": token})


def page(meeting) -> str:
    return reverse("meetings:feedback", kwargs={"pk": meeting.pk})


def meeting_page(meeting) -> str:
    return reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})


# The mentee -----------------------------------------------------------------------------------


def test_a_link_shows_the_rating_chosen_and_records_nothing_until_sent(client, meeting, mentee):
    sign_in(client, mentee)
    response = client.get(link(meeting, 4))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="4"' in body and "checked" in body.split('value="4"')[1].split(">")[0]
    assert ">Send</button>" in body
    assert not MeetingFeedback.objects.exists()  # a mail scanner's visit changes nothing


def test_sending_from_the_link_records_the_rating(client, meeting, mentee):
    sign_in(client, mentee)
    response = client.post(link(meeting, 4), {"rating": "4"})
    assert response.status_code == 302 and response["Location"] == meeting_page(meeting)
    feedback = MeetingFeedback.objects.get()
    assert (feedback.meeting_id, feedback.mentee_id, feedback.rating) == (meeting.pk, mentee.pk, 4)
    shown = client.get(meeting_page(meeting)).content.decode()
    assert "You rated this meeting 4 out of 5" in shown


def test_the_mentee_may_change_the_rating(client, meeting, mentee):
    sign_in(client, mentee)
    client.post(link(meeting, 4), {"rating": "4"})
    client.post(link(meeting, 2), {"rating": "2"})
    assert list(MeetingFeedback.objects.values_list("rating", flat=True)) == [2]
    response = client.get(page(meeting))
    assert "You rated this meeting 2 out of 5" in response.content.decode()


def test_the_meeting_page_offers_the_rating_to_the_mentee(client, meeting, mentee):
    sign_in(client, mentee)
    body = client.get(meeting_page(meeting)).content.decode()
    assert page(meeting) in body and "Rate this meeting" in body
    response = client.post(page(meeting), {"rating": "5"})
    assert response.status_code == 302
    assert MeetingFeedback.objects.get().rating == 5


def test_a_rating_out_of_range_is_refused(client, meeting, mentee):
    sign_in(client, mentee)
    assert client.post(page(meeting), {"rating": "9"}).status_code == 400
    assert client.post(page(meeting), {}).status_code == 400
    assert not MeetingFeedback.objects.exists()


@pytest.mark.parametrize("status", [Meeting.Status.CANCELLED, Meeting.Status.MISSED])
def test_a_meeting_that_did_not_happen_cannot_be_rated(client, meeting, mentee, status):
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    sign_in(client, mentee)
    assert client.get(link(meeting)).status_code == 302
    response = client.post(link(meeting), {"rating": "4"})
    assert response.status_code == 302 and response["Location"] == meeting_page(meeting)
    assert not MeetingFeedback.objects.exists()


def test_a_meeting_still_ahead_cannot_be_rated(client, pair, mentee):
    ahead = meeting_at(pair, NOW + dt.timedelta(days=2))
    sign_in(client, mentee)
    client.post(link(ahead), {"rating": "4"})
    assert not MeetingFeedback.objects.exists()


# Everyone else ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "coordinator", "other_coordinator", "outsider"])
def test_nobody_but_the_mentee_can_open_or_use_the_link_or_the_page(client, request, meeting, who):
    sign_in(client, request.getfixturevalue(who))
    for url in (link(meeting), page(meeting)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"rating": "1"}).status_code == 404
    assert not MeetingFeedback.objects.exists()


def test_the_mentors_meeting_page_does_not_show_the_rating(client, meeting, mentor, mentee):
    MeetingFeedback.objects.create(meeting=meeting, mentee=mentee, rating=1)
    sign_in(client, mentor)
    body = client.get(meeting_page(meeting)).content.decode()
    assert "You rated" not in body and "Rate this meeting" not in body


def test_signing_in_is_needed(client, meeting):
    for url in (link(meeting), page(meeting)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.post(url, {"rating": "1"})
    assert not MeetingFeedback.objects.exists()


def test_a_tampered_link_is_not_found(client, meeting, mentee):
    sign_in(client, mentee)
    url = link(meeting, 4)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    bad = reverse("meetings:feedback_link", kwargs={"token": tampered})
    assert client.get(bad).status_code == 404
    assert client.post(bad, {"rating": "4"}).status_code == 404
    forged = reverse("meetings:feedback_link", kwargs={"token": "not-a-token"})
    assert client.get(forged).status_code == 404


def test_a_link_for_another_meeting_or_person_is_not_found(client, programme, meeting, mentee):
    other_mentee = person(programme, "mentee")
    other_pair = make_mentorship(programme, meeting.mentor, other_mentee)
    theirs = meeting_at(other_pair, NOW - dt.timedelta(days=2), status=Meeting.Status.HELD)
    sign_in(client, mentee)
    # A genuine link, but for someone else's meeting...
    assert client.get(link(theirs)).status_code == 404
    # ...or naming this mentee for a meeting that is not theirs.
    assert client.get(link(theirs, mentee_id=mentee.pk)).status_code == 404
    # The other mentee cannot use this mentee's link either.
    sign_in(client, other_mentee)
    assert client.post(link(meeting), {"rating": "1"}).status_code == 404
    assert not MeetingFeedback.objects.exists()


def test_an_expired_link_is_not_found(client, meeting, mentee):
    url = link(meeting)
    with time_machine.travel(NOW + dt.timedelta(days=91), tick=False):
        sign_in(client, mentee)
        assert client.get(url).status_code == 404
        assert client.get(page(meeting)).status_code == 200  # the page still works


# The service ------------------------------------------------------------------------------------


def test_only_the_mentee_rates_a_meeting(meeting, mentor):
    with pytest.raises(MeetingError):
        feedback_record(meeting=meeting, by=mentor, rating=3)


def test_a_rating_is_kept_once_per_meeting_and_mentee(meeting, mentee):
    feedback_record(meeting=meeting, by=mentee, rating=3)
    feedback_record(meeting=meeting, by=mentee, rating=5)
    assert MeetingFeedback.objects.count() == 1
    assert MeetingFeedback.objects.visible_to(mentee).get().rating == 5
    assert not MeetingFeedback.objects.visible_to(meeting.mentor).exists()
