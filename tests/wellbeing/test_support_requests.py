"""Asking for contact, the welfare leads' inbox, and who may read a support request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from programmes.models import Membership
from tests.factories import MembershipFactory
from tests.support.pages import sign_in
from wellbeing.models import AccessLog, SupportRequest

from .support_setup import (
    html_part,
    link_in,
    make_member,
    make_mentorship,
    make_support_request,
    make_welfare_lead,
)

pytestmark = pytest.mark.django_db
Status = SupportRequest.Status

SECRET = "Distinctive worry about the night rota"
DETAILS = "07700 900456"


def create_url(programme) -> str:
    return reverse("wellbeing:support_request_create", kwargs={"slug": programme.slug})


def detail_url(support_request) -> str:
    return reverse("wellbeing:support_request_detail", kwargs={"pk": support_request.pk})


def update_url(support_request) -> str:
    return reverse("wellbeing:support_request_update", kwargs={"pk": support_request.pk})


LIST_URL = reverse("wellbeing:support_requests")


@pytest.fixture
def welfare_lead(programme):
    return make_welfare_lead(programme, name="Wendy Welfare")


@pytest.fixture
def other_welfare_lead(other_programme):
    return make_welfare_lead(other_programme, name="Owen Otherlead")


@pytest.fixture
def asked(programme, mentee, welfare_lead):
    return make_support_request(programme, mentee, message=SECRET, contact_details=DETAILS)


def form_data(**overrides) -> dict:
    data = {
        "contact_method": "phone",
        "contact_details": DETAILS,
        "preferred_times": "After 6pm on weekdays",
        "message": SECRET,
    }
    data.update(overrides)
    return data


# Asking ---------------------------------------------------------------------------------


def test_a_mentee_asks_for_contact_and_each_welfare_lead_is_told_only_that_one_is_waiting(
    client, programme, mentee, welfare_lead, coordinator, django_capture_on_commit_callbacks
):
    second_lead = make_welfare_lead(programme, name="Will Second")
    sign_in(client, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(programme), form_data())
    assert response.status_code == 302
    assert response.url == f"{LIST_URL}?view=mine"
    support_request = SupportRequest.objects.get()
    assert support_request.user == mentee and support_request.programme == programme
    assert support_request.contact_details == DETAILS and support_request.message == SECRET
    assert support_request.status == Status.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == sorted([welfare_lead.email, second_lead.email])
    for message in mail.outbox:
        html = html_part(message)
        assert "support request is waiting" in message.subject
        assert link_in(message, detail_url(support_request))
        for detail in (SECRET, DETAILS, "After 6pm", "Sam Mentee", mentee.email):
            assert detail not in message.subject
            assert detail not in message.body
            assert detail not in html
    follow = client.get(response.url)
    assert "has been sent to the welfare team" in follow.content.decode()


def test_the_form_explains_who_reads_the_request(client, programme, mentor, welfare_lead):
    html = sign_in(client, mentor).get(create_url(programme)).content.decode()
    assert "Ask for someone to contact you" in html
    assert "Only they can read what you write here" in html
    assert "116 123" in html  # urgent help is never more than a glance away


def test_without_a_welfare_lead_the_page_points_to_the_directory_and_nothing_is_sent(
    client, programme, mentee, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    html = client.get(create_url(programme)).content.decode()
    assert "does not have a welfare lead" in html
    assert reverse("wellbeing:directory", kwargs={"slug": programme.slug}) in html
    assert "Send my request" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(programme), form_data(), follow=True)
    assert "does not have a welfare lead" in response.content.decode()
    assert not SupportRequest.objects.exists() and mail.outbox == []


def test_a_welfare_lead_whose_role_ended_does_not_count(client, programme, mentee, welfare_lead):
    Membership.objects.filter(user=welfare_lead).update(ended_at="2024-01-01T00:00Z")
    html = sign_in(client, mentee).get(create_url(programme)).content.decode()
    assert "does not have a welfare lead" in html


def test_missing_contact_details_show_an_error_and_send_nothing(
    client, programme, mentee, welfare_lead, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(programme), form_data(contact_details="  "))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not SupportRequest.objects.exists() and mail.outbox == []


def test_only_the_programmes_mentors_and_mentees_can_ask(
    client, programme, welfare_lead, coordinator, other_coordinator, outsider
):
    for person in (coordinator, other_coordinator, outsider):
        assert sign_in(client, person).get(create_url(programme)).status_code == 404
        assert sign_in(client, person).post(create_url(programme), form_data()).status_code == 404
    client.logout()
    response = client.get(create_url(programme))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not SupportRequest.objects.exists()


# Who may read a request --------------------------------------------------------------------


def test_the_owner_and_the_programmes_welfare_lead_can_read_a_request(
    client, asked, mentee, welfare_lead
):
    for person in (mentee, welfare_lead):
        response = sign_in(client, person).get(detail_url(asked))
        html = response.content.decode()
        assert response.status_code == 200
        assert SECRET in html and DETAILS in html


def test_nobody_else_can_read_a_request(
    client,
    programme,
    asked,
    mentee,
    mentor,
    coordinator,
    other_coordinator,
    other_welfare_lead,
    outsider,
):
    make_mentorship(programme, mentor, mentee)  # even the person's own mentor
    for person in (coordinator, other_coordinator, other_welfare_lead, mentor, outsider):
        sign_in(client, person)
        assert client.get(detail_url(asked)).status_code == 404, person
        assert client.post(update_url(asked), {"status": "closed"}).status_code == 404, person
        assert SECRET not in client.get(LIST_URL).content.decode()
    client.logout()
    response = client.get(detail_url(asked))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not AccessLog.objects.exists()
    asked.refresh_from_db()
    assert asked.status == Status.OPEN


def test_a_coordinator_who_is_also_the_welfare_lead_can_read_it(
    client, programme, asked, coordinator
):
    make_welfare_lead(programme, user=coordinator)
    assert sign_in(client, coordinator).get(detail_url(asked)).status_code == 200


def test_a_welfare_lead_whose_role_ended_can_no_longer_read_it(client, asked, welfare_lead):
    Membership.objects.filter(user=welfare_lead).update(ended_at="2024-01-01T00:00Z")
    assert sign_in(client, welfare_lead).get(detail_url(asked)).status_code == 404


# The access log -------------------------------------------------------------------------------


def test_each_read_by_a_welfare_lead_is_written_to_the_access_log(
    client, asked, mentee, welfare_lead
):
    sign_in(client, welfare_lead)
    client.get(detail_url(asked))
    client.get(detail_url(asked))
    entries = list(AccessLog.objects.all())
    assert len(entries) == 2
    for entry in entries:
        assert entry.actor == welfare_lead and entry.subject == mentee
        assert entry.record_type == "support request" and entry.record_id == asked.pk


def test_the_owner_reading_their_own_request_is_not_logged(client, asked, mentee):
    sign_in(client, mentee).get(detail_url(asked))
    assert not AccessLog.objects.exists()


def test_the_inbox_list_is_not_a_read_and_shows_no_details(client, asked, welfare_lead):
    html = sign_in(client, welfare_lead).get(LIST_URL).content.decode()
    assert "Dr Sam Mentee" in html and "Yorkshire Consultant Mentoring" in html
    assert SECRET not in html and DETAILS not in html
    assert not AccessLog.objects.exists()


# Updating ---------------------------------------------------------------------------------------


def test_a_welfare_lead_marks_a_request_contacted_then_closed(client, asked, welfare_lead):
    sign_in(client, welfare_lead)
    response = client.post(update_url(asked), {"status": "contacted"}, follow=True)
    assert "Marked as contacted" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.CONTACTED
    assert asked.handled_by == welfare_lead and asked.handled_at is not None
    response = client.post(update_url(asked), {"status": "closed"}, follow=True)
    assert "The support request is closed" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.CLOSED
    response = client.post(update_url(asked), {"status": "contacted"}, follow=True)
    assert "already closed" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.CLOSED


def test_the_owner_can_withdraw_but_not_mark_contacted(client, asked, mentee):
    sign_in(client, mentee)
    response = client.post(update_url(asked), {"status": "contacted"}, follow=True)
    assert "not possible" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.OPEN
    html = client.get(detail_url(asked)).content.decode()
    assert "Withdraw my request" in html and "Mark as contacted" not in html
    response = client.post(update_url(asked), {"status": "closed"}, follow=True)
    assert "You have withdrawn your request" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.CLOSED


def test_an_unknown_status_changes_nothing(client, asked, welfare_lead):
    sign_in(client, welfare_lead)
    response = client.post(update_url(asked), {"status": "open"}, follow=True)
    assert "Choose whether to mark the request" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.OPEN


def test_updating_needs_a_post(client, asked, welfare_lead):
    assert sign_in(client, welfare_lead).get(update_url(asked)).status_code == 405


# Lists ------------------------------------------------------------------------------------------


def test_the_inbox_lists_the_programmes_requests_open_first(
    client, programme, other_programme, asked, mentee, welfare_lead, other_welfare_lead
):
    handled = make_support_request(programme, make_member(programme, "mentor", name="Dr Closed"))
    handled.status = Status.CLOSED
    handled.save()
    elsewhere = make_member(other_programme, "mentee", name="Dr Elsewhere")
    make_support_request(other_programme, elsewhere)
    html = sign_in(client, welfare_lead).get(LIST_URL).content.decode()
    assert "Dr Elsewhere" not in html
    assert html.index("Dr Sam Mentee") < html.index("Dr Closed")
    assert "Waiting for your team" in html
    html = sign_in(client, other_welfare_lead).get(LIST_URL).content.decode()
    assert "Dr Elsewhere" in html and "Dr Sam Mentee" not in html


def test_a_welfare_lead_also_sees_their_own_requests(client, programme, other_programme):
    lead = make_welfare_lead(programme, name="Wendy Welfare")
    MembershipFactory(programme=other_programme, user=lead, role=Membership.Role.MENTEE)
    make_welfare_lead(other_programme, name="Owen Otherlead")
    mine = make_support_request(other_programme, lead)
    sign_in(client, lead)
    assert detail_url(mine) not in client.get(LIST_URL).content.decode()
    assert detail_url(mine) in client.get(f"{LIST_URL}?view=mine").content.decode()


def test_a_person_sees_only_their_own_requests(client, programme, asked, mentee, mentor):
    other = make_support_request(programme, mentor)
    html = sign_in(client, mentee).get(LIST_URL).content.decode()
    assert detail_url(asked) in html and detail_url(other) not in html
    assert "Waiting for your team" not in html


def test_an_empty_list_offers_the_way_to_ask(client, programme, mentee, welfare_lead):
    html = sign_in(client, mentee).get(LIST_URL).content.decode()
    assert "You have not asked anyone to contact you" in html
    assert create_url(programme) in html


def test_the_lists_need_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_inbox_makes_a_fixed_number_of_queries(
    client, programme, welfare_lead, django_assert_max_num_queries
):
    people = [make_member(programme, "mentee") for _ in range(30)]
    for person in people:
        make_support_request(programme, person, message=SECRET)
    sign_in(client, welfare_lead)
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["page_obj"].object_list) == 25
    with django_assert_max_num_queries(10):
        assert client.get(f"{LIST_URL}?page=2").status_code == 200


def test_a_persons_own_list_makes_a_fixed_number_of_queries(
    client, programme, mentee, welfare_lead, django_assert_max_num_queries
):
    for _ in range(30):
        make_support_request(programme, mentee)
    sign_in(client, mentee)
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    assert len(response.context["page_obj"].object_list) == 25
