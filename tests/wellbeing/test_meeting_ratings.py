"""The programme's meeting ratings on the coordinators' figures page: fewer than 5 hidden."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Meeting, MeetingFeedback
from tests.wellbeing.checkin_setup import make_mentorship, make_person
from wellbeing.selectors.aggregates import RatingFigures, meeting_ratings

pytestmark = pytest.mark.django_db


def rate(programme, ratings: list[int], *, mentee=None, mentor=None) -> None:
    """A mentorship per mentee (unless given), one held meeting per rating."""
    mentor = mentor or make_person(programme, "mentor")
    mentee = mentee or make_person(programme, "mentee")
    pair = make_mentorship(programme, mentor, mentee)
    for n, rating in enumerate(ratings):
        starts = timezone.now() - dt.timedelta(days=n + 1)
        meeting = Meeting.objects.create(
            mentorship=pair,
            mentor=mentor,
            mentee=mentee,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=50),
            mode="video",
            status="held",
        )
        MeetingFeedback.objects.create(meeting=meeting, mentee=mentee, rating=rating)


def url(programme) -> str:
    return reverse("wellbeing:aggregates", kwargs={"slug": programme.slug})


def test_nothing_is_shown_until_five_mentees_have_rated(programme):
    for rating in (5, 4, 4, 1):
        rate(programme, [rating])
    assert meeting_ratings(programme=programme) == RatingFigures(small=True)


def test_many_ratings_from_few_mentees_are_still_a_small_group(programme):
    mentee = make_person(programme, "mentee")
    rate(programme, [5, 4, 3, 2, 1, 5], mentee=mentee)
    for _ in range(3):
        rate(programme, [4])
    assert meeting_ratings(programme=programme).small


def test_the_average_and_count_once_five_mentees_have_rated(programme, other_programme):
    for ratings in ([5, 3], [4], [4], [2], [5]):
        rate(programme, ratings)
    rate(other_programme, [1, 1, 1])  # another programme's ratings are not counted
    figures = meeting_ratings(programme=programme)
    assert (figures.small, figures.ratings, figures.people) == (False, 6, 5)
    assert figures.average == pytest.approx(23 / 6)


def test_the_figure_is_one_query(programme, django_assert_num_queries):
    for _ in range(6):
        rate(programme, [3, 4])
    with django_assert_num_queries(1):
        meeting_ratings(programme=programme)


def test_the_coordinator_sees_the_average_once_the_group_is_large(client, programme, coordinator):
    for rating in (5, 4, 4, 2):
        rate(programme, [rating])
    client.force_login(coordinator)
    body = client.get(url(programme)).content.decode()
    assert "How meetings went" in body
    assert "fewer than 5 mentees have rated a meeting" in body
    assert "Average rating" not in body

    rate(programme, [5])
    body = client.get(url(programme)).content.decode()
    assert "fewer than 5 mentees have rated" not in body
    assert "4.0 out of 5" in body and "5 from 5 mentees" in body


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "outsider"])
def test_the_ratings_are_for_the_programmes_coordinators_only(client, request, programme, who):
    for rating in (5, 4, 4, 2, 1):
        rate(programme, [rating])
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(programme)).status_code == 404
