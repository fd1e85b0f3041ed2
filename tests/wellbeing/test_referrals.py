"""Referrals: a mentor suggests, the mentee decides, and only then does anyone else hear."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import Mentorship
from tests.support.pages import sign_in
from wellbeing.models import AccessLog, Referral, SupportRequest

from .support_setup import (
    html_part,
    link_in,
    make_member,
    make_mentorship,
    make_referral,
    make_service,
    make_welfare_lead,
)

pytestmark = pytest.mark.django_db
Status = Referral.Status

NOTE = "Distinctive note about the sleep worries we discussed"
DETAILS = "07700 900789"
MESSAGE = "Distinctive message for the welfare lead only"


def create_url(mentorship) -> str:
    return reverse("wellbeing:referral_create", kwargs={"mentorship_pk": mentorship.pk})


def respond_url(referral) -> str:
    return reverse("wellbeing:referral_respond", kwargs={"pk": referral.pk})


@pytest.fixture
def welfare_lead(programme):
    return make_welfare_lead(programme, name="Wendy Welfare")


@pytest.fixture
def mentorship(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def service(programme):
    return make_service(programme, name="Trust occupational health")


@pytest.fixture
def proposed(mentorship, service):
    return make_referral(mentorship, service=service, note=NOTE)


def confirm_data(**overrides) -> dict:
    data = {
        "decision": "confirm",
        "contact_method": "phone",
        "contact_details": DETAILS,
        "preferred_times": "Mornings",
        "message": MESSAGE,
    }
    data.update(overrides)
    return data


# Proposing ------------------------------------------------------------------------------------


def test_a_mentor_suggests_a_referral_and_only_the_mentee_hears_of_it(
    client, mentorship, mentee, service, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, mentorship.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(mentorship), {"service": service.pk, "note": NOTE})
    assert response.status_code == 302 and response.url == create_url(mentorship)
    referral = Referral.objects.get()
    assert referral.mentorship == mentorship and referral.service == service
    assert referral.note == NOTE and referral.status == Status.PROPOSED
    assert not SupportRequest.objects.exists()
    [message] = mail.outbox
    assert message.to == [mentee.email]
    assert link_in(message, respond_url(referral))
    for text in (message.subject, message.body, html_part(message)):
        assert NOTE not in text and service.name not in text


def test_a_free_text_suggestion_is_enough(client, mentorship):
    sign_in(client, mentorship.mentor)
    client.post(create_url(mentorship), {"service": "", "note": NOTE})
    referral = Referral.objects.get()
    assert referral.service is None and referral.note == NOTE


def test_a_suggestion_needs_a_service_or_a_note(client, mentorship):
    sign_in(client, mentorship.mentor)
    response = client.post(create_url(mentorship), {"service": "", "note": "  "})
    assert response.status_code == 400
    assert "Choose a service from the directory" in response.content.decode()
    assert not Referral.objects.exists() and mail.outbox == []


def test_a_service_from_another_programmes_directory_is_refused(
    client, mentorship, other_programme
):
    elsewhere = make_service(other_programme, name="Elsewhere service")
    sign_in(client, mentorship.mentor)
    response = client.post(create_url(mentorship), {"service": elsewhere.pk, "note": ""})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_only_the_mentor_of_the_mentorship_can_suggest(
    client, programme, mentorship, mentee, coordinator, other_coordinator, outsider, welfare_lead
):
    someone = make_member(programme, "mentor")
    for person in (mentee, coordinator, other_coordinator, outsider, welfare_lead, someone):
        sign_in(client, person)
        assert client.get(create_url(mentorship)).status_code == 404
        assert client.post(create_url(mentorship), {"note": NOTE}).status_code == 404
    client.logout()
    response = client.post(create_url(mentorship), {"note": NOTE})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Referral.objects.exists()


def test_a_closed_mentorship_takes_no_new_suggestions(client, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.CLOSED)
    sign_in(client, mentorship.mentor)
    assert "cannot suggest a referral now" in client.get(create_url(mentorship)).content.decode()
    response = client.post(create_url(mentorship), {"note": NOTE}, follow=True)
    assert "only while the mentorship is open" in response.content.decode()
    assert not Referral.objects.exists()


# Answering --------------------------------------------------------------------------------------


def test_nothing_reaches_welfare_leads_until_the_mentee_confirms(
    client, proposed, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, welfare_lead)
    html = client.get(reverse("wellbeing:support_requests")).content.decode()
    assert "No requests at the moment" in html
    assert client.get(respond_url(proposed)).status_code == 404
    assert not SupportRequest.objects.exists()


def test_the_mentee_reads_the_suggestion(client, proposed, mentee, service, welfare_lead):
    sign_in(client, mentee)
    listing = client.get(reverse("wellbeing:support_requests")).content.decode()
    assert respond_url(proposed) in listing and "Suggested by your mentor" in listing
    html = client.get(respond_url(proposed)).content.decode()
    assert NOTE in html and service.name in html and service.phone in html
    assert "Yes, ask them to contact me" in html and "No thank you" in html


def test_confirming_creates_the_support_request_in_one_step(
    client, proposed, mentee, mentor, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(proposed), confirm_data())
    support_request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "wellbeing:support_request_detail", kwargs={"pk": support_request.pk}
    )
    assert support_request.referral == proposed and support_request.user == mentee
    assert support_request.contact_details == DETAILS and support_request.message == MESSAGE
    proposed.refresh_from_db()
    assert proposed.status == Status.CONFIRMED and proposed.decided_at is not None
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {welfare_lead.email, mentor.email}
    outcome = by_recipient[mentor.email]
    assert "taken up" in outcome.subject and "taken up" in html_part(outcome)
    for text in (outcome.body, html_part(outcome), by_recipient[welfare_lead.email].body):
        assert DETAILS not in text and MESSAGE not in text


def test_a_failed_confirmation_changes_nothing(
    client, proposed, mentee, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(proposed), confirm_data(contact_details=""))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED
    assert not SupportRequest.objects.exists() and mail.outbox == []


def test_without_a_welfare_lead_the_mentee_can_only_contact_the_service_or_decline(
    client, proposed, mentee, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    html = client.get(respond_url(proposed)).content.decode()
    assert "does not have a welfare lead" in html and "Yes, ask them" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(proposed), confirm_data(), follow=True)
    assert "does not have a welfare lead" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED
    assert not SupportRequest.objects.exists() and mail.outbox == []


def test_declining_passes_nothing_on_and_tells_the_mentor(
    client, proposed, mentee, mentor, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(proposed), {"decision": "decline"}, follow=True)
    assert "Nothing has been passed on" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Status.DECLINED
    assert not SupportRequest.objects.exists()
    [message] = mail.outbox
    assert message.to == [mentor.email] and "declined" in message.subject
    assert "declined" in html_part(message)


def test_a_referral_is_answered_once(client, proposed, mentee, welfare_lead):
    sign_in(client, mentee)
    client.post(respond_url(proposed), {"decision": "decline"})
    response = client.post(respond_url(proposed), confirm_data(), follow=True)
    assert "already answered" in response.content.decode()
    assert not SupportRequest.objects.exists()
    html = client.get(respond_url(proposed)).content.decode()
    assert "You declined this suggestion" in html


def test_only_the_mentee_can_answer(
    client, proposed, mentor, coordinator, other_coordinator, outsider, welfare_lead
):
    for person in (mentor, coordinator, other_coordinator, outsider, welfare_lead):
        sign_in(client, person)
        assert client.get(respond_url(proposed)).status_code == 404
        assert client.post(respond_url(proposed), confirm_data()).status_code == 404
    client.logout()
    response = client.get(respond_url(proposed))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED


def test_the_mentor_sees_the_status_but_never_the_resulting_request(
    client, proposed, mentee, mentor, welfare_lead
):
    sign_in(client, mentee).post(respond_url(proposed), confirm_data())
    support_request = SupportRequest.objects.get()
    sign_in(client, mentor)
    html = client.get(create_url(proposed.mentorship)).content.decode()
    assert "Confirmed by the mentee" in html
    assert DETAILS not in html and MESSAGE not in html
    detail = reverse("wellbeing:support_request_detail", kwargs={"pk": support_request.pk})
    assert client.get(detail).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_welfare_lead_sees_it_came_from_a_referral(client, proposed, mentee, welfare_lead):
    sign_in(client, mentee).post(respond_url(proposed), confirm_data())
    support_request = SupportRequest.objects.get()
    detail = reverse("wellbeing:support_request_detail", kwargs={"pk": support_request.pk})
    html = sign_in(client, welfare_lead).get(detail).content.decode()
    assert "A referral suggested by their mentor" in html and "Trust occupational health" in html
    assert MESSAGE in html


def test_the_mentorship_page_offers_the_mentor_a_referral(client, mentorship, mentee):
    page = reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk})
    assert create_url(mentorship) in sign_in(client, mentorship.mentor).get(page).content.decode()
    assert create_url(mentorship) not in sign_in(client, mentee).get(page).content.decode()
