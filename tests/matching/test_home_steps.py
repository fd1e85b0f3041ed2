"""The home page's next step reflects the person's mentoring, not just their membership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorRequest
from matching.services.mentorships import mentorship_create

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_mentee_with_a_mentor_is_pointed_to_the_mentorship_not_to_find_one(
    client, programme, mentor, mentee
):
    mentorship = mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    body = _home(client, mentee)
    assert f"You are mentored by {mentor.full_name}" in body
    assert reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk}) in body
    assert "Find a mentor:" not in body


def test_a_mentor_sees_how_many_requests_wait_for_a_reply(client, programme, mentor, mentee):
    MentorRequest.objects.create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        message="Help preparing for my first consultant interview",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert "1 mentee is waiting for your reply" in _home(client, mentor)
    assert f"Waiting for {mentor.full_name} to reply" in _home(client, mentee)


def test_another_persons_mentoring_never_shows_on_my_home(
    client, programme, mentor, mentee, outsider
):
    mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    body = _home(client, outsider)
    assert mentor.full_name not in body and mentee.full_name not in body
