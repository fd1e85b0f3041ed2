"""The mentorship page: what each person may see and do there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import ClosingReview, MentorRequest, Mentorship
from matching.services.lifecycle import closing_review_submit, mentorship_close
from matching.services.mentorships import mentorship_create
from matching.services.requests import request_accept
from tests.accounts.test_privacy import assert_preferences_hidden, give_distinctive_preferences
from tests.support.pages import sign_in

from .mentoring_setup import ask, make_mentee, make_mentor, mentorship

pytestmark = pytest.mark.django_db
Status = Mentorship.Status


def url(name: str, pk: int) -> str:
    return reverse(f"matching:{name}", kwargs={"pk": pk})


@pytest.fixture
def accepted(programme, mentor, mentee):
    """A mentorship started from a request with a private message."""
    request = ask(programme, mentee, mentor, "My secret worry about the rota.")
    return request_accept(request_id=request.pk, mentor=mentor)


@pytest.fixture
def closed(accepted, mentor, mentee):
    mentorship_close(
        mentorship_id=accepted.pk, user=mentor, reason="completed", note="Private close note"
    )
    closing_review_submit(
        mentorship_id=accepted.pk,
        author=mentee,
        helpfulness=5,
        supportive_environment=4,
        comments="Private review words",
    )
    return accepted


def test_both_members_see_the_mentorship_and_its_actions(client, accepted, mentor, mentee):
    for person, heading, other in (
        (mentor, "Mentoring Dr Sam Mentee", "mentee@example.org"),
        (mentee, "Mentored by Dr Maya Mentor", "mentor@example.org"),
    ):
        html = sign_in(client, person).get(url("mentorship_detail", accepted.pk)).content.decode()
        assert heading in html and other in html
        assert "Pause the mentorship" in html and "Close the mentorship" in html
        assert "Yorkshire Consultant Mentoring" in html


def test_a_coordinator_sees_only_names_status_and_dates(client, closed, coordinator):
    response = sign_in(client, coordinator).get(url("mentorship_detail", closed.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dr Maya Mentor mentoring Dr Sam Mentee" in html
    assert "Closed" in html and closed.started_on.strftime("%Y") in html
    for secret in ("Private close note", "Private review words", "My secret worry", "mentee@"):
        assert secret not in html
    assert "Close the mentorship" not in html and "closing review" not in html.lower()


def test_a_coordinator_without_required_mfa_is_sent_to_set_it_up_first(
    client, programme, accepted, coordinator, mentee
):
    from programmes.models import Programme

    Programme.objects.filter(pk=programme.pk).update(coordinators_require_mfa=True)
    response = sign_in(client, coordinator).get(url("mentorship_detail", accepted.pk))
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]
    # The members themselves are not coordinators here: the rule is not theirs.
    assert sign_in(client, mentee).get(url("mentorship_detail", accepted.pk)).status_code == 200


def test_others_cannot_open_a_mentorship(client, programme, accepted, other_coordinator, outsider):
    for person in (make_mentee(programme), make_mentor(programme), other_coordinator, outsider):
        assert sign_in(client, person).get(url("mentorship_detail", accepted.pk)).status_code == 404
    client.logout()
    response = client.get(url("mentorship_detail", accepted.pk))
    assert response.status_code == 302 and "login" in response.url


def test_coordinators_and_others_cannot_act_on_a_mentorship(
    client, programme, accepted, coordinator, outsider
):
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    actions = [
        ("mentorship_pause", {"until": until}),
        ("mentorship_resume", {}),
        ("mentorship_close", {"reason": "other"}),
        ("closing_review", {"helpfulness": 3, "supportive_environment": 3}),
        ("introduction_respond", {"decision": "decline"}),
    ]
    for person in (coordinator, outsider, make_mentee(programme)):
        sign_in(client, person)
        for name, data in actions:
            assert client.post(url(name, accepted.pk), data).status_code == 404, (person, name)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACTIVE


def test_the_close_note_and_review_comments_are_private_to_their_author(
    client, closed, mentor, mentee
):
    mine = sign_in(client, mentor).get(url("mentorship_detail", closed.pk)).content.decode()
    assert "Private close note" in mine and "Private review words" not in mine
    assert "Your closing review" in mine and "Send my review" in mine
    theirs = sign_in(client, mentee).get(url("mentorship_detail", closed.pk)).content.decode()
    assert "Private close note" not in theirs and "Private review words" in theirs
    assert "Send my review" not in theirs


def test_pausing_resuming_and_closing_through_the_page(client, accepted, mentee):
    sign_in(client, mentee)
    until = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(
        url("mentorship_pause", accepted.pk), {"until": until.isoformat()}, follow=True
    )
    assert "Your mentorship is paused until" in response.content.decode()
    assert "Resume now" in response.content.decode()
    response = client.post(url("mentorship_resume", accepted.pk), follow=True)
    assert "active again" in response.content.decode()
    response = client.post(
        url("mentorship_close", accepted.pk), {"reason": "mentee_withdrew", "note": ""}, follow=True
    )
    html = response.content.decode()
    assert "has closed" in html and "Send my review" in html
    response = client.post(
        url("closing_review", accepted.pk),
        {"helpfulness": 4, "supportive_environment": 5, "comments": "Thank you"},
        follow=True,
    )
    assert "Thank you for your closing review" in response.content.decode()
    assert ClosingReview.objects.filter(mentorship=accepted, author=mentee).exists()
    again = client.post(
        url("closing_review", accepted.pk), {"helpfulness": 1, "supportive_environment": 1}
    )
    assert again.status_code == 400
    assert ClosingReview.objects.filter(mentorship=accepted).count() == 1


def test_bad_input_shows_on_the_form_and_changes_nothing(client, accepted, mentee):
    sign_in(client, mentee)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(url("mentorship_pause", accepted.pk), {"until": past})
    assert response.status_code == 400
    assert "Choose a resume date after today" in response.content.decode()
    response = client.post(url("mentorship_close", accepted.pk), {"reason": ""})
    assert response.status_code == 400
    accepted.refresh_from_db()
    assert accepted.status == Status.ACTIVE


def test_introductions_are_answered_on_the_page(client, programme, mentor, mentee):
    intro = mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=mentee.pk,
        origin=Mentorship.Origin.MATCHING,
        introduction=True,
    )
    html = sign_in(client, mentee).get(url("mentorship_detail", intro.pk)).content.decode()
    assert "Accept the introduction" in html and "Pause" not in html
    response = client.post(
        url("introduction_respond", intro.pk), {"decision": "accept"}, follow=True
    )
    assert "We will let you know when Dr Maya Mentor has replied" in response.content.decode()
    sign_in(client, mentor)
    response = client.post(
        url("introduction_respond", intro.pk), {"decision": "accept"}, follow=True
    )
    assert "have both accepted" in response.content.decode()
    intro.refresh_from_db()
    assert intro.status == Status.ACTIVE


def test_declining_an_introduction_on_the_page(client, programme, mentor, mentee):
    intro = mentorship_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_id=mentee.pk,
        origin=Mentorship.Origin.MATCHING,
        introduction=True,
    )
    sign_in(client, mentor)
    response = client.post(
        url("introduction_respond", intro.pk), {"decision": "decline"}, follow=True
    )
    assert "You declined the introduction" in response.content.decode()
    intro.refresh_from_db()
    assert intro.status == Status.CLOSED and intro.close_reason == "not_a_good_fit"


def test_mentorship_pages_never_show_private_preferences(
    client, accepted, mentor, mentee, coordinator
):
    for person in (mentor, mentee):
        give_distinctive_preferences(person)
    for person in (mentor, mentee, coordinator):
        sign_in(client, person)
        for page in (
            url("mentorship_detail", accepted.pk),
            reverse("matching:mentorship_list"),
            reverse("matching:my_mentoring"),
        ):
            assert_preferences_hidden(client.get(page).content.decode(), page=page)


def test_the_mentorship_list_is_mine_and_paginated(client, programme, mentor):
    for _ in range(26):
        mentorship(programme, mentor, make_mentee(programme), status=Status.CLOSED)
    other = mentorship(
        programme, make_mentor(programme), make_mentee(programme, name="Dr Not Mine")
    )
    sign_in(client, mentor)
    response = client.get(reverse("matching:mentorship_list"))
    assert len(response.context["page_obj"].object_list) == 25
    assert "Dr Not Mine" not in response.content.decode()
    assert other.pk not in [m.pk for m in response.context["page_obj"].paginator.object_list]


def test_a_mentorship_started_from_a_request_links_back_from_the_request(client, accepted, mentee):
    request = MentorRequest.objects.get(mentorship=accepted)
    html = sign_in(client, mentee).get(url("request_detail", request.pk)).content.decode()
    assert url("mentorship_detail", accepted.pk) in html
