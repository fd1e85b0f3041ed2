"""A mentor's capacity and "taking new mentees" in a programme."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.errors import MatchingError
from matching.services.mentorships import mentor_settings_update
from programmes.models import Membership
from tests.support.pages import sign_in

from .mentoring_setup import make_mentee, make_mentor, mentorship

pytestmark = pytest.mark.django_db


def settings_url(programme) -> str:
    return reverse("matching:mentor_settings", kwargs={"slug": programme.slug})


def membership_of(mentor) -> Membership:
    return Membership.objects.get(user=mentor, role=Membership.Role.MENTOR)


def test_a_mentor_sees_their_load_and_changes_capacity(client, programme, mentor):
    mentorship(programme, mentor, make_mentee(programme))
    sign_in(client, mentor)
    html = client.get(settings_url(programme)).content.decode()
    assert "1 of 2" in html and "place" in html
    response = client.post(
        settings_url(programme), {"capacity": 3, "accepting_mentees": "on"}, follow=True
    )
    assert "Your mentor settings for Yorkshire Consultant Mentoring are saved" in (
        response.content.decode()
    )
    assert "1 of 3" in response.content.decode()
    assert membership_of(mentor).capacity == 3


def test_capacity_cannot_go_below_the_current_load(client, programme, mentor):
    mentorship(programme, mentor, make_mentee(programme))
    mentorship(programme, mentor, make_mentee(programme))
    sign_in(client, mentor)
    response = client.post(settings_url(programme), {"capacity": 1, "accepting_mentees": "on"})
    assert response.status_code == 400
    assert "You are mentoring 2 mentees in Yorkshire Consultant Mentoring" in (
        response.content.decode()
    )
    assert membership_of(mentor).capacity == 2


def test_capacity_stays_between_one_and_ten(client, programme, mentor):
    sign_in(client, mentor)
    for bad in (0, 11, "lots"):
        response = client.post(settings_url(programme), {"capacity": bad})
        assert response.status_code == 400
    assert membership_of(mentor).capacity == 2
    with pytest.raises(MatchingError, match="between 1 and 10"):
        mentor_settings_update(
            programme=programme, mentor_id=mentor.pk, capacity=0, accepting_mentees=True
        )


def test_pausing_new_mentees_keeps_capacity_and_hides_the_mentor(client, programme, mentor, mentee):
    sign_in(client, mentor)
    client.post(settings_url(programme), {"capacity": 2})
    membership = membership_of(mentor)
    assert membership.capacity == 2 and not membership.accepting_mentees
    directory = reverse("matching:directory", kwargs={"slug": programme.slug})
    assert "Dr Maya Mentor" not in sign_in(client, mentee).get(directory).content.decode()


def test_mentor_settings_are_for_the_programmes_mentors_only(
    client, programme, mentee, coordinator, other_coordinator, outsider, other_programme
):
    elsewhere = make_mentor(other_programme)
    for person in (mentee, coordinator, other_coordinator, outsider, elsewhere):
        assert sign_in(client, person).get(settings_url(programme)).status_code == 404
        assert client.post(settings_url(programme), {"capacity": 5}).status_code == 404
    client.logout()
    response = client.get(settings_url(programme))
    assert response.status_code == 302 and "login" in response.url
