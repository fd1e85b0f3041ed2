"""Check-ins a mentee chose to share: their current mentor sees the band and messages only."""

# Fixtures imported from checkin_setup are used as test arguments, which ruff reads as
# redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership
from tests.wellbeing.checkin_setup import (
    LOW_ANSWERS,
    NOT_LOW_ANSWERS,
    VERY_LOW_ANSWERS,
    check_in,
    close,
    former_mentor,  # noqa: F401 (fixture)
    is_login_redirect,
    make_mentorship,
    make_person,
    mentorship,  # noqa: F401 (fixture)
    other_mentor,  # noqa: F401 (fixture)
    other_welfare_lead,  # noqa: F401 (fixture)
    welfare_lead,  # noqa: F401 (fixture)
)
from wellbeing.models import AccessLog, CheckIn
from wellbeing.services.access import CHECKIN, access_record

pytestmark = pytest.mark.django_db

SHARED_URL = reverse("wellbeing:shared_checkins")


@pytest.fixture
def shared(programme, mentee, mentorship):
    return check_in(
        mentee,
        programme,
        NOT_LOW_ANSWERS,  # 68
        anything_on_mind="Quokka feelings about the rota",
        what_would_help="Talking about nights",
        share_with_mentor=True,
    )


@pytest.fixture
def private(programme, mentee, mentorship):
    return check_in(mentee, programme, LOW_ANSWERS, anything_on_mind="Narwhal private thought")


def shared_page(client, user) -> str:
    client.force_login(user)
    response = client.get(SHARED_URL)
    assert response.status_code == 200
    return response.content.decode().split('id="main"')[1]


def test_the_current_mentor_sees_band_date_and_messages(client, mentor, mentee, shared):
    body = shared_page(client, mentor)

    assert "Dr Sam Mentee" in body
    assert "Not low" in body
    assert "Quokka feelings about the rota" in body and "Talking about nights" in body
    assert shared.created_at.strftime("%Y") in body


def test_the_mentor_never_sees_the_answers_or_the_score(client, mentor, shared):
    body = shared_page(client, mentor)
    # The words people read, not ids inside links (a check-in's id can contain "68").
    text = re.sub(r"<[^>]+>", " ", body)

    assert not re.search(r"(?<!\d)68(?!\d)", text) and "out of 100" not in text
    assert "cheerful" not in body and "Most of the time" not in body


def test_a_check_in_that_was_not_shared_stays_private(client, mentor, private):
    body = shared_page(client, mentor)
    assert "Narwhal private thought" not in body
    assert "Nothing has been shared with you." in body


def test_a_former_mentor_no_longer_sees_what_was_shared(client, mentor, mentorship, shared):
    close(mentorship)
    body = shared_page(client, mentor)
    assert "Quokka feelings" not in body
    assert not CheckIn.objects.visible_to(mentor).exists()


def test_a_mentor_who_has_left_the_programme_no_longer_sees_what_was_shared(
    client, programme, mentor, mentorship, shared
):
    # Leaving (withdrawing from the programme) ends the membership; the mentorship row
    # may stay open, but the person is no longer anyone's current mentor there.
    Membership.objects.filter(programme=programme, user=mentor).update(ended_at=timezone.now())

    assert "Quokka feelings" not in shared_page(client, mentor)
    assert not CheckIn.objects.visible_to(mentor).exists()


def test_a_mentee_who_has_left_the_programme_stops_sharing(
    client, programme, mentor, mentee, mentorship, shared
):
    Membership.objects.filter(programme=programme, user=mentee).update(ended_at=timezone.now())

    assert "Quokka feelings" not in shared_page(client, mentor)
    assert not CheckIn.objects.visible_to(mentor).exists()
    assert list(CheckIn.objects.visible_to(mentee)) == [shared]


def test_a_new_mentor_does_not_see_what_was_shared_with_the_previous_one(
    client, programme, mentor, mentee, mentorship, shared
):
    close(mentorship)
    successor = make_person(programme, "mentor", name="Dr Nia New")
    make_mentorship(programme, successor, mentee)

    assert "Quokka feelings" not in shared_page(client, successor)
    later = check_in(mentee, programme, VERY_LOW_ANSWERS, share_with_mentor=True)
    assert list(CheckIn.objects.visible_to(successor).exclude(user=successor)) == [later]


def test_a_paused_mentorship_still_lets_the_mentor_read(client, mentor, mentorship, shared):
    type(mentorship).objects.filter(pk=mentorship.pk).update(status="paused")
    assert "Quokka feelings" in shared_page(client, mentor)


@pytest.mark.parametrize(
    "who",
    [
        "former_mentor",
        "other_mentor",
        "coordinator",
        "other_coordinator",
        "welfare_lead",
        "other_welfare_lead",
        "outsider",
    ],
)
def test_nobody_else_sees_a_shared_check_in(client, request, who, shared):
    body = shared_page(client, request.getfixturevalue(who))
    assert "Quokka feelings" not in body and "Not low" not in body
    assert not AccessLog.objects.exists()


def test_the_owner_does_not_see_their_own_check_ins_here(client, mentee, shared):
    assert "Quokka feelings" not in shared_page(client, mentee)


def test_the_shared_page_needs_signing_in(client, shared):
    assert is_login_redirect(client.get(SHARED_URL))


# The access log -----------------------------------------------------------------------


def test_each_read_of_a_shared_check_in_is_logged(client, mentor, mentee, shared):
    shared_page(client, mentor)

    entry = AccessLog.objects.get()
    assert (entry.actor, entry.subject, entry.record_type, entry.record_id) == (
        mentor,
        mentee,
        "check-in",
        shared.pk,
    )
    assert entry.action == "viewed" and entry.at is not None

    shared_page(client, mentor)
    assert AccessLog.objects.count() == 2
    assert list(AccessLog.objects.visible_to(mentee)) == list(AccessLog.objects.all())
    assert not AccessLog.objects.visible_to(mentor).exists()


def test_only_the_check_ins_on_the_page_are_logged(client, programme, mentor, mentee, mentorship):
    for _ in range(30):
        check_in(mentee, programme, share_with_mentor=True)
    shared_page(client, mentor)
    assert AccessLog.objects.count() == 25


def test_reading_ones_own_record_is_not_logged(mentee, shared):
    assert access_record(actor=mentee, subject=mentee, record_type=CHECKIN, record_id=1) is None
    assert not AccessLog.objects.exists()


def test_access_record_writes_who_what_and_when(mentor, mentee):
    entry = access_record(actor=mentor, subject=mentee, record_type=CHECKIN, record_id=42)
    assert (entry.actor, entry.subject_id, entry.record_type, entry.record_id) == (
        mentor,
        mentee.pk,
        "check-in",
        42,
    )


def test_access_record_refuses_an_unknown_record_type(mentor, mentee):
    with pytest.raises(ValueError):
        access_record(actor=mentor, subject=mentee, record_type="diary", record_id=1)


def test_the_shared_page_is_paginated_with_a_fixed_number_of_queries(
    client, programme, mentor, mentorship, django_assert_max_num_queries
):
    mentees = [make_person(programme, "mentee") for _ in range(3)]
    for person in mentees:
        make_mentorship(programme, mentor, person)
        check_in(person, programme, share_with_mentor=True, anything_on_mind="Hello")
    client.force_login(mentor)
    with django_assert_max_num_queries(20) as few:
        client.get(SHARED_URL)
    for person in mentees:
        for _ in range(15):
            check_in(person, programme, share_with_mentor=True, anything_on_mind="Hello")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SHARED_URL)
    assert response.context["page_obj"].paginator.num_pages == 2
    assert len(response.context["checkins"]) == 25
