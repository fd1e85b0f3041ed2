"""The availability, booking, meeting and list pages: who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from sessions.models import AgendaItem, AvailabilityWindow, Meeting, MeetingDefaults
from tests.support.pages import sign_in

from .booking_setup import (
    NOW,
    london,
    make_mentorship,
    meeting_at,
    monday_mornings,
    person,
)

pytestmark = pytest.mark.django_db
Status = Meeting.Status
SECRET = "Worried about my exam"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(programme, mentor, mentee):
    monday_mornings(mentor)
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def meeting(pair, mentee):
    meeting = meeting_at(
        pair, london(2026, 10, 19, 9, 0), video_link="https://video.example.org/secret-room"
    )
    AgendaItem.objects.create(meeting=meeting, author=mentee, text=SECRET)
    return meeting


@pytest.fixture
def cast(programme, coordinator, other_coordinator, mentor, mentee, outsider):
    other_pair = make_mentorship(
        programme, person(programme, "mentor"), person(programme, "mentee")
    )
    return {
        "mentor": mentor,
        "mentee": mentee,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "other_mentor": other_pair.mentor,
        "other_mentee": other_pair.mentee,
        "outsider": outsider,
    }


def _status(client, user, url, method="get"):
    if user is None:
        client.logout()
    else:
        sign_in(client, user)
    return getattr(client, method)(url).status_code


MATRIX = {
    # page: (who sees 200; everyone else signed in gets 404; anonymous is sent to sign in)
    "meeting_detail": {"mentor", "mentee", "coordinator"},
    "book": {"mentee"},
    "propose": {"mentor", "mentee"},
    "availability": {"mentor", "other_mentor"},
}


@pytest.mark.parametrize("page", sorted(MATRIX))
def test_permission_matrix(client, cast, pair, meeting, page):
    url = {
        "meeting_detail": reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}),
        "book": reverse("meetings:book", kwargs={"mentorship_pk": pair.pk}),
        "propose": reverse("meetings:propose", kwargs={"mentorship_pk": pair.pk}),
        "availability": reverse("meetings:availability"),
    }[page]
    for name, user in cast.items():
        expected = 200 if name in MATRIX[page] else 404
        assert _status(client, user, url) == expected, name
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "action",
    ["meeting_cancel", "meeting_reschedule", "meeting_mark", "agenda_add", "meeting_respond"],
)
def test_only_the_two_members_can_change_a_meeting(client, cast, meeting, action):
    url = reverse(f"meetings:{action}", kwargs={"pk": meeting.pk})
    for name in ("coordinator", "other_coordinator", "other_mentor", "other_mentee", "outsider"):
        assert _status(client, cast[name], url, "post") == 404, name
    client.logout()
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.CONFIRMED and meeting.sequence == 0


def test_a_guessed_meeting_id_404s(client, mentor, meeting):
    sign_in(client, mentor)
    assert (
        client.get(reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk + 999})).status_code
        == 404
    )


def test_members_see_the_agenda_and_link_coordinators_see_only_the_facts(
    client, mentee, coordinator, meeting
):
    url = reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    sign_in(client, mentee)
    page = client.get(url).content.decode()
    assert SECRET in page and "secret-room" in page
    sign_in(client, coordinator)
    page = client.get(url).content.decode()
    assert "50 minutes" in page and "Video" in page and "Booked" in page
    assert SECRET not in page and "secret-room" not in page
    assert "Cancel the meeting" not in page


def test_the_mentorship_page_shows_meetings_to_members_and_only_facts_to_coordinators(
    client, mentee, coordinator, pair, meeting
):
    url = reverse("matching:mentorship_detail", kwargs={"pk": pair.pk})
    sign_in(client, mentee)
    page = client.get(url).content.decode()
    assert reverse("meetings:book", kwargs={"mentorship_pk": pair.pk}) in page
    assert reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}) in page
    sign_in(client, coordinator)
    page = client.get(url).content.decode()
    assert "19 Oct 2026" in page and "50 min" in page
    assert SECRET not in page and "secret-room" not in page
    assert reverse("meetings:book", kwargs={"mentorship_pk": pair.pk}) not in page
    assert reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}) not in page


# Doing things through the pages -------------------------------------------------------------


def test_the_mentee_books_a_slot_from_the_page(
    client, mentee, mentor, pair, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    url = reverse("meetings:book", kwargs={"mentorship_pk": pair.pk})
    page = client.get(url).content.decode()
    assert "Mon 19 Oct, 09:00–09:50" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"slot": "2026-10-19T08:00:00Z", "mode": "video"}, follow=True)
    meeting = Meeting.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "meetings:meeting_detail", kwargs={"pk": meeting.pk}
    )
    assert "Your meeting is booked" in response.content.decode()
    assert meeting.starts_at == london(2026, 10, 19, 9, 0)
    assert len(mailoutbox) == 2


def test_booking_a_time_taken_meanwhile_shows_a_clear_message(
    client, programme, mentor, mentee, pair
):
    sign_in(client, mentee)
    other = make_mentorship(programme, mentor, person(programme, "mentee"))
    meeting_at(other, london(2026, 10, 19, 9, 0))
    response = client.post(
        reverse("meetings:book", kwargs={"mentorship_pk": pair.pk}),
        {"slot": "2026-10-19T08:00:00Z", "mode": "video"},
    )
    assert response.status_code == 400
    assert Meeting.objects.filter(mentorship=pair).count() == 0


def test_proposing_a_time_in_the_clock_change_gap_is_refused_clearly(client, mentor, pair):
    sign_in(client, mentor)
    url = reverse("meetings:propose", kwargs={"mentorship_pk": pair.pk})
    # 29 March 2027: 01:30 London does not exist (clocks go forward at 01:00).
    response = client.post(url, {"day": "2027-03-28", "time": "01:30", "mode": "video"})
    assert response.status_code == 400
    assert "clocks change" in response.content.decode()
    response = client.post(
        url, {"day": "2026-10-22", "time": "18:00", "mode": "phone"}, follow=True
    )
    assert "Time proposed" in response.content.decode()
    assert Meeting.objects.get().status == Status.PROPOSED


def test_the_other_person_accepts_a_proposal_from_the_meeting_page(client, mentor, mentee, pair):
    meeting = meeting_at(
        pair, london(2026, 10, 22, 18, 0), status=Status.PROPOSED, proposed_by=mentor
    )
    sign_in(client, mentee)
    url = reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    assert "proposed this time" in client.get(url).content.decode()
    client.post(
        reverse("meetings:meeting_respond", kwargs={"pk": meeting.pk}), {"answer": "accept"}
    )
    meeting.refresh_from_db()
    assert meeting.status == Status.CONFIRMED


def test_cancel_reschedule_mark_and_agenda_from_the_meeting_page(client, mentor, mentee, meeting):
    sign_in(client, mentee)
    client.post(reverse("meetings:agenda_add", kwargs={"pk": meeting.pk}), {"text": "My portfolio"})
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    client.post(
        reverse("meetings:meeting_reschedule", kwargs={"pk": meeting.pk}),
        {"day": "2026-10-26", "time": "10:00"},
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == london(2026, 10, 26, 10, 0) and meeting.sequence == 1
    with time_machine.travel(london(2026, 10, 26, 11, 0), tick=False):
        sign_in(client, mentor)
        client.post(
            reverse("meetings:meeting_mark", kwargs={"pk": meeting.pk}), {"outcome": "held"}
        )
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    response = client.post(
        reverse("meetings:meeting_cancel", kwargs={"pk": meeting.pk}), {"reason": ""}, follow=True
    )
    assert "Only an upcoming meeting" in response.content.decode()


def test_the_mentor_edits_availability_from_the_page(client, mentor, mentee):
    sign_in(client, mentor)
    response = client.post(
        reverse("meetings:window_add"),
        {"weekday": "2", "start_time": "17:00", "end_time": "19:00", "modes": ["video"]},
        follow=True,
    )
    assert "Weekly time added" in response.content.decode()
    window = AvailabilityWindow.objects.get(mentor=mentor)
    assert window.time_zone == "Europe/London" and window.modes == ["video"]
    response = client.post(
        reverse("meetings:window_add"),
        {"weekday": "2", "start_time": "19:00", "end_time": "17:00", "modes": ["video"]},
    )
    assert response.status_code == 400
    client.post(
        reverse("meetings:blackout_add"), {"starts_on": "2026-12-24", "ends_on": "2026-12-26"}
    )
    client.post(
        reverse("meetings:slot_add"),
        {"day": "2026-10-21", "start_time": "18:00", "end_time": "19:00", "modes": ["phone"]},
    )
    client.post(
        reverse("meetings:defaults_edit"),
        {"video_link": "https://video.example.org/maya", "location": "Room 4"},
    )
    assert MeetingDefaults.objects.get(mentor=mentor).location == "Room 4"
    assert mentor.blackouts.count() == 1 and mentor.availability_slots.count() == 1
    page = client.get(reverse("meetings:availability")).content.decode()
    assert "Wednesday" in page and "24 Dec 2026" in page
    # Nobody removes another mentor's times.
    sign_in(client, person(window.mentor.memberships.first().programme, "mentor"))
    url = reverse("meetings:availability_remove", kwargs={"kind": "window", "pk": window.pk})
    assert client.post(url).status_code == 404
    sign_in(client, mentor)
    client.post(url)
    assert not AvailabilityWindow.objects.filter(pk=window.pk).exists()


# Lists keep a fixed number of queries ---------------------------------------------------


def _many_meetings(programme, mentor, count=30):
    for hour in range(count):
        pair = make_mentorship(programme, mentor, person(programme, "mentee"))
        meeting_at(pair, london(2026, 10, 1, 0, 0) + dt.timedelta(hours=hour))
    return pair


def test_my_meetings_is_paginated_with_a_fixed_number_of_queries(
    client, programme, mentor, django_assert_max_num_queries
):
    _many_meetings(programme, mentor)
    sign_in(client, mentor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:meeting_list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25


def test_the_mentorship_page_with_meetings_makes_a_fixed_number_of_queries(
    client, programme, mentor, mentee, coordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pair = make_mentorship(programme, mentor, mentee)
    url = reverse("matching:mentorship_detail", kwargs={"pk": pair.pk})

    def queries(user):
        sign_in(client, user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    meeting_at(pair, london(2026, 9, 1, 9, 0), status=Status.HELD)
    few = {"mentee": queries(mentee), "coordinator": queries(coordinator)}
    for day in range(1, 30):
        meeting_at(pair, london(2026, 9, 1, 9, 0) + dt.timedelta(days=day), status=Status.HELD)
    assert {"mentee": queries(mentee), "coordinator": queries(coordinator)} == few


def test_the_book_page_makes_a_fixed_number_of_queries(
    client, programme, mentor, mentee, pair, django_assert_max_num_queries
):
    for hour in range(20):
        other = make_mentorship(programme, mentor, person(programme, "mentee"))
        meeting_at(other, london(2026, 10, 20, 0, 0) + dt.timedelta(hours=hour))
    sign_in(client, mentee)
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("meetings:book", kwargs={"mentorship_pk": pair.pk})).status_code
            == 200
        )
