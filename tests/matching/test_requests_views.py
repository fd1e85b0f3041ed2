"""Requests on the site: who may open, answer or withdraw one; the lists; my mentoring."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorRequest, Mentorship
from tests.accounts.test_privacy import assert_preferences_hidden, give_distinctive_preferences
from tests.support.pages import sign_in

from .mentoring_setup import ask, make_mentee, make_mentor, mentorship, settings_of

pytestmark = pytest.mark.django_db
Status = MentorRequest.Status


def url(name: str, **kwargs) -> str:
    return reverse(f"matching:{name}", kwargs=kwargs)


@pytest.fixture
def request_(programme, mentor, mentee):
    return ask(programme, mentee, mentor, "I would like help preparing for my CCT.")


# Who may see a request --------------------------------------------------------------------


def test_the_mentee_and_the_mentor_can_open_a_request(client, request_, mentor, mentee):
    for person in (mentee, mentor):
        response = sign_in(client, person).get(url("request_detail", pk=request_.pk))
        assert response.status_code == 200
        assert "preparing for my CCT" in response.content.decode()


def test_nobody_else_can_open_a_request(
    client, programme, request_, coordinator, other_coordinator, outsider
):
    someone_else = make_mentee(programme)
    another_mentor = make_mentor(programme)
    for person in (someone_else, another_mentor, coordinator, other_coordinator, outsider):
        response = sign_in(client, person).get(url("request_detail", pk=request_.pk))
        assert response.status_code == 404, person
    client.logout()
    response = client.get(url("request_detail", pk=request_.pk))
    assert response.status_code == 302 and "login" in response.url


def test_a_mentee_never_sees_another_mentees_requests(client, programme, mentor, mentee):
    other = make_mentee(programme, name="Dr Other Mentee")
    theirs = ask(programme, other, make_mentor(programme), "Something private to them.")
    sign_in(client, mentee)
    assert client.get(url("request_detail", pk=theirs.pk)).status_code == 404
    html = client.get(url("my_requests")).content.decode()
    assert "Dr Other Mentee" not in html
    assert client.post(url("request_withdraw", pk=theirs.pk)).status_code == 404


def test_a_mentor_never_sees_other_mentors_requests(client, programme, mentor, mentee):
    other_mentor = make_mentor(programme)
    theirs = ask(programme, make_mentee(programme, name="Dr Asked Elsewhere"), other_mentor)
    sign_in(client, mentor)
    assert client.get(url("request_detail", pk=theirs.pk)).status_code == 404
    assert "Dr Asked Elsewhere" not in client.get(url("requests_to_me")).content.decode()
    response = client.post(url("request_respond", pk=theirs.pk), {"decision": "accept"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING


def test_only_the_mentor_can_answer_and_only_the_mentee_can_withdraw(
    client, request_, mentor, mentee
):
    sign_in(client, mentee)
    assert (
        client.post(url("request_respond", pk=request_.pk), {"decision": "accept"}).status_code
        == 404
    )
    sign_in(client, mentor)
    assert client.post(url("request_withdraw", pk=request_.pk)).status_code == 404
    request_.refresh_from_db()
    assert request_.status == Status.PENDING


def test_a_request_page_never_shows_private_preferences(client, request_, mentor, mentee):
    give_distinctive_preferences(mentor)
    give_distinctive_preferences(mentee)
    for person in (mentor, mentee):
        html = sign_in(client, person).get(url("request_detail", pk=request_.pk)).content.decode()
        assert_preferences_hidden(html, page="request detail")


# Answering --------------------------------------------------------------------------------


def test_the_mentor_accepts_and_lands_on_the_mentorship(
    client, request_, mentor, mentee, django_capture_on_commit_callbacks
):
    sign_in(client, mentor)
    page = client.get(url("request_detail", pk=request_.pk)).content.decode()
    assert "You have 0 of 2 places in use" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("request_respond", pk=request_.pk),
            {"decision": "accept", "message": "Delighted to."},
            follow=True,
        )
    html = response.content.decode()
    assert "You are now mentoring Dr Sam Mentee" in html
    assert "Mentoring Dr Sam Mentee" in html
    assert Mentorship.objects.filter(mentor=mentor, mentee=mentee, status="active").exists()


def test_a_mentor_at_capacity_is_told_clearly(client, programme, mentee):
    mentor = make_mentor(programme, capacity=1)
    pending = ask(programme, mentee, mentor)
    mentorship(programme, mentor, make_mentee(programme))
    sign_in(client, mentor)
    page = client.get(url("request_detail", pk=pending.pk)).content.decode()
    assert "raise your capacity" in page
    response = client.post(
        url("request_respond", pk=pending.pk), {"decision": "accept"}, follow=True
    )
    assert (
        "All your places in Yorkshire Consultant Mentoring are taken" in response.content.decode()
    )
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_decline_reason_is_seen_by_the_mentor_only(
    client, request_, mentor, mentee, django_capture_on_commit_callbacks
):
    sign_in(client, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("request_respond", pk=request_.pk),
            {"decision": "decline", "reason": "Works with my wife", "message": "Best of luck!"},
            follow=True,
        )
    assert "You declined Dr Sam Mentee" in response.content.decode()
    mine = client.get(url("request_detail", pk=request_.pk)).content.decode()
    assert "Works with my wife" in mine and "Best of luck!" in mine
    theirs = sign_in(client, mentee).get(url("request_detail", pk=request_.pk)).content.decode()
    assert "Works with my wife" not in theirs
    assert "Best of luck!" in theirs


def test_a_bad_decision_changes_nothing(client, request_, mentor):
    sign_in(client, mentor)
    response = client.post(url("request_respond", pk=request_.pk), {"decision": "maybe"})
    assert response.status_code == 400
    request_.refresh_from_db()
    assert request_.status == Status.PENDING


def test_the_mentee_withdraws_a_request(client, request_, mentee):
    sign_in(client, mentee)
    response = client.post(url("request_withdraw", pk=request_.pk), follow=True)
    assert "You have withdrawn your request to Dr Maya Mentor" in response.content.decode()
    request_.refresh_from_db()
    assert request_.status == Status.WITHDRAWN


def test_an_overdue_request_shows_as_expired_and_cannot_be_answered(client, request_, mentor):
    MentorRequest.objects.filter(pk=request_.pk).update(
        expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = sign_in(client, mentor).get(url("request_detail", pk=request_.pk)).content.decode()
    assert "Expired" in html and "Accept and start mentoring" not in html


# Lists ------------------------------------------------------------------------------------


def test_the_lists_are_paginated(client, programme, mentor):
    settings_of(programme, allow_multiple_mentors=True)
    Mentorship.objects.all().delete()
    for _ in range(27):
        mentee = make_mentee(programme)
        MentorRequest.objects.create(
            programme=programme,
            mentee=mentee,
            mentor=mentor,
            message="Hello",
            status=Status.DECLINED,
            expires_at=timezone.now(),
        )
    sign_in(client, mentor)
    first = client.get(url("requests_to_me"))
    assert len(first.context["page_obj"].object_list) == 25
    assert "Showing 1" in first.content.decode()
    assert len(client.get(url("requests_to_me"), {"page": 2}).context["page_obj"].object_list) == 2


def test_my_requests_lists_only_my_own(client, programme, request_, mentee, mentor):
    ask(programme, make_mentee(programme, name="Dr Someone Else"), make_mentor(programme))
    html = sign_in(client, mentee).get(url("my_requests")).content.decode()
    assert "Dr Maya Mentor" in html and "Dr Someone Else" not in html


def test_lists_and_my_mentoring_need_sign_in(client):
    for name in ("my_requests", "requests_to_me", "my_mentoring", "mentorship_list"):
        response = client.get(url(name))
        assert response.status_code == 302 and "login" in response.url


# My mentoring -----------------------------------------------------------------------------


def test_my_mentoring_shows_both_roles_and_what_is_waiting(
    client, programme, other_programme, mentor, mentee
):
    # Maya mentors in one programme and is a mentee in another.
    from programmes.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(programme=other_programme, user=mentor, role=Membership.Role.MENTEE)
    other_mentor = make_mentor(other_programme, name="Dr Far Away")
    ask(other_programme, mentor, other_mentor)
    ask(programme, mentee, mentor)
    mentorship(programme, mentor, make_mentee(programme, name="Dr Current Mentee"))
    html = sign_in(client, mentor).get(url("my_mentoring")).content.decode()
    assert "You mentor Dr Current Mentee" in html
    assert "Dr Sam Mentee" in html  # a request waiting for my reply
    assert "To Dr Far Away" in html  # my own request
    assert "1 of 2 places used" in html
    assert url("mentor_settings", slug=programme.slug) in html
    assert url("directory", slug=other_programme.slug) in html


def test_my_mentoring_makes_a_fixed_number_of_queries(
    client, programme, mentor, django_assert_max_num_queries
):
    settings_of(programme, allow_multiple_mentors=True)
    mentor_membership = mentor.memberships.get()
    mentor_membership.capacity = 10
    mentor_membership.save()
    for n in range(12):
        mentee = make_mentee(programme)
        if n < 8:
            mentorship(programme, mentor, mentee)
        else:
            ask(programme, mentee, mentor)
        mentorship(programme, mentor, make_mentee(programme), status="closed")
    sign_in(client, mentor)
    with django_assert_max_num_queries(12):
        response = client.get(url("my_mentoring"))
    assert response.status_code == 200
    assert "See all my mentorships, including more current ones" in response.content.decode()


def test_my_mentoring_for_someone_in_no_programme(client, outsider):
    html = sign_in(client, outsider).get(url("my_mentoring")).content.decode()
    assert "You are not a mentor or mentee in a programme yet" in html


def test_the_header_links_to_my_mentoring(client, mentee):
    html = sign_in(client, mentee).get(reverse("home")).content.decode()
    assert f'href="{url("my_mentoring")}"' in html
