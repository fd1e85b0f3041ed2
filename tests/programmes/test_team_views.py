from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from programmes.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_url(programme):
    return reverse("programmes:team", kwargs={"slug": programme.slug})


def remove_url(programme, membership) -> str:
    return reverse(
        "programmes:team_remove",
        kwargs={"slug": programme.slug, "membership_id": membership.pk},
    )


def test_the_team_page_lists_coordinators_and_welfare_leads_only(
    client, programme, coordinator, mentor, team_url
):
    lead = UserFactory(full_name="Dr Wendy Fare")
    MembershipFactory(programme=programme, user=lead, role=Membership.Role.WELFARE_LEAD)
    client.force_login(coordinator)

    response = client.get(team_url)

    body = response.content.decode()
    assert "Cora Ordinator" in body and "Dr Wendy Fare" in body
    assert "Dr Maya Mentor" not in body
    assert "(you)" in body


def test_add_a_co_coordinator_by_email(
    client, programme, coordinator, team_url, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="colleague@example.org", full_name="Dr Colin League")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(team_url, {"email": "colleague@example.org", "role": "coordinator"})

    assert response.status_code == 302 and response["Location"] == team_url
    assert (
        Membership.objects.active()
        .filter(programme=programme, user=colleague, role="coordinator")
        .exists()
    )
    assert messages_of(response) == [
        "Dr Colin League is now a coordinator of Yorkshire Consultant Mentoring. "
        "We have emailed them to let them know."
    ]
    (msg,) = mail.outbox
    assert msg.to == ["colleague@example.org"]
    assert "Cora Ordinator has added you as a coordinator" in msg.body
    assert "Manage the programme" in msg.alternatives[0][0]
    assert msg.alternatives[0][1] == "text/html"


def test_adding_someone_who_is_not_registered_is_a_form_error(
    client, programme, coordinator, team_url
):
    client.force_login(coordinator)

    response = client.post(team_url, {"email": "stranger@example.org", "role": "welfare_lead"})

    assert response.status_code == 400
    assert "stranger@example.org" in response.context["form"].errors["email"][0]
    assert not Membership.objects.filter(programme=programme, role="welfare_lead").exists()
    assert mail.outbox == []


def test_adding_someone_twice_is_a_form_error(client, programme, coordinator, team_url):
    client.force_login(coordinator)

    response = client.post(team_url, {"email": coordinator.email, "role": "coordinator"})

    assert response.status_code == 400
    assert "already a coordinator" in response.context["form"].errors["email"][0]


def test_remove_a_welfare_lead(client, programme, coordinator, team_url):
    membership = MembershipFactory(
        programme=programme, user=UserFactory(full_name="Dr Wendy Fare"), role="welfare_lead"
    )
    client.force_login(coordinator)

    response = client.post(remove_url(programme, membership))

    assert response["Location"] == team_url
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert messages_of(response) == [
        "Dr Wendy Fare is no longer a welfare lead of Yorkshire Consultant Mentoring."
    ]


def test_the_last_coordinator_cannot_be_removed(client, programme, coordinator, team_url):
    membership = Membership.objects.get(programme=programme, user=coordinator)
    client.force_login(coordinator)

    response = client.post(remove_url(programme, membership))

    assert response["Location"] == team_url
    membership.refresh_from_db()
    assert membership.ended_at is None
    assert "at least one coordinator" in messages_of(response)[0]


def test_a_coordinator_who_steps_down_goes_home(client, programme, coordinator):
    MembershipFactory(programme=programme, role="coordinator")
    membership = Membership.objects.get(programme=programme, user=coordinator)
    client.force_login(coordinator)

    response = client.post(remove_url(programme, membership))

    assert response["Location"] == reverse("home")
    assert (
        client.get(reverse("programmes:manage", kwargs={"slug": programme.slug})).status_code == 404
    )


def test_members_and_other_programmes_team_cannot_be_removed_here(
    client, programme, other_programme, coordinator, mentor
):
    other_team = MembershipFactory(programme=other_programme, role="coordinator")
    mentor_membership = Membership.objects.get(programme=programme, user=mentor)
    client.force_login(coordinator)

    assert client.post(remove_url(programme, other_team)).status_code == 404
    assert client.post(remove_url(programme, mentor_membership)).status_code == 404
    assert Membership.objects.filter(ended_at__isnull=False).count() == 0


def test_the_team_page_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, team_url, django_assert_max_num_queries
):
    for _ in range(30):
        MembershipFactory(programme=programme, role="welfare_lead")
    client.force_login(coordinator)

    with django_assert_max_num_queries(10):
        response = client.get(team_url)

    assert len(response.context["members"].object_list) == 25
    assert "?page=2" in response.content.decode()
