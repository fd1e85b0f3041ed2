"""The access log page: a person sees who has read their records, and nobody else does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.pages import sign_in
from wellbeing.models import AccessLog

from .support_setup import make_member, make_support_request, make_welfare_lead

pytestmark = pytest.mark.django_db
URL = reverse("wellbeing:access_log")


def log(actor, subject, record_type="support request", record_id=1) -> AccessLog:
    return AccessLog.objects.create(
        actor=actor, subject=subject, record_type=record_type, record_id=record_id
    )


def test_a_person_sees_who_read_their_records_and_when(client, programme, mentee, mentor):
    lead = make_welfare_lead(programme, name="Wendy Welfare")
    support_request = make_support_request(programme, mentee)
    sign_in(client, lead).get(
        reverse("wellbeing:support_request_detail", kwargs={"pk": support_request.pk})
    )
    log(mentor, mentee, record_type="check-in")
    html = sign_in(client, mentee).get(URL).content.decode()
    assert "Wendy Welfare" in html and "Viewed your support request" in html
    assert "Dr Maya Mentor" in html and "Viewed your check-in" in html
    entry = AccessLog.objects.filter(actor=lead).get()
    assert entry.at.strftime("%Y") in html


def test_nobody_sees_another_persons_log(
    client, programme, other_programme, mentee, mentor, coordinator, other_coordinator, outsider
):
    lead = make_welfare_lead(programme, name="Wendy Welfare")
    other_lead = make_welfare_lead(other_programme, name="Owen Otherlead")
    log(lead, mentee)
    for person in (mentor, coordinator, other_coordinator, outsider, lead, other_lead):
        html = sign_in(client, person).get(URL).content.decode()
        assert "Wendy Welfare" not in html or person == lead
        assert "Nobody else has opened" in html


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_reader_who_has_since_closed_their_account_shows_as_a_former_member(
    client, programme, mentee
):
    log(None, mentee)
    html = sign_in(client, mentee).get(URL).content.decode()
    assert "A former member" in html


def test_the_account_menu_links_to_it(client, mentee):
    html = sign_in(client, mentee).get(URL).content.decode()
    assert 'aria-current="page" href="/wellbeing/access-log/"' in html
    assert reverse("wellbeing:my_data") in html


def test_the_log_is_paginated_with_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    readers = [make_member(programme, "welfare_lead") for _ in range(6)]
    for n in range(30):
        log(readers[n % 6], mentee, record_id=n)
    sign_in(client, mentee)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["page_obj"].object_list) == 25
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{URL}?page=2").context["page_obj"].object_list) == 5
