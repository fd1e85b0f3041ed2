from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def members_url(programme):
    return reverse("programmes:members", kwargs={"slug": programme.slug})


def names(response):
    return [m.user.full_name for m in response.context["page_obj"]]


def test_the_coordinator_sees_current_mentors_and_mentees_with_capacity(
    client, programme, other_programme, coordinator, mentor, mentee
):
    MembershipFactory(
        programme=programme,
        user=UserFactory(full_name="Dr Left Early"),
        role="mentee",
        ended_at=timezone.now(),
    )
    MembershipFactory(
        programme=programme, user=UserFactory(full_name="Wendy Welfare"), role="welfare_lead"
    )
    MembershipFactory(
        programme=other_programme, user=UserFactory(full_name="Dr Elsewhere"), role="mentor"
    )
    client.force_login(coordinator)

    response = client.get(members_url(programme))

    assert response.status_code == 200
    assert names(response) == ["Dr Maya Mentor", "Dr Sam Mentee"]
    body = response.content.decode()
    assert "2 mentees" in body  # the mentor's capacity
    for absent in ["Dr Left Early", "Wendy Welfare", "Dr Elsewhere"]:
        assert absent not in body
    assert response.context["counts"] == {"mentor": 1, "mentee": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": "mentor"}, ["Dr Maya Mentor"]),
        ({"role": "mentee"}, ["Dr Sam Mentee"]),
        ({"q": "sam"}, ["Dr Sam Mentee"]),
        ({"q": "mentor@example"}, ["Dr Maya Mentor"]),
        ({"q": "nobody"}, []),
    ],
)
def test_members_can_be_filtered(client, programme, coordinator, mentor, mentee, query, expected):
    client.force_login(coordinator)
    assert names(client.get(members_url(programme), query)) == expected


def test_an_empty_programme_shows_an_empty_state(client, programme, coordinator):
    client.force_login(coordinator)
    body = client.get(members_url(programme)).content.decode()
    assert "No mentors or mentees yet." in body


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "outsider"])
def test_everyone_else_gets_404(client, request, programme, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(members_url(programme)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(members_url(programme))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_member_list_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    for n in range(40):
        user = UserFactory(full_name=f"Member {n:02d}")
        ProfileFactory(user=user)
        role = Membership.Role.MENTOR if n % 2 else Membership.Role.MENTEE
        MembershipFactory(programme=programme, user=user, role=role, capacity=3 if n % 2 else None)
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(members_url(programme))

    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count == 40
    with django_assert_max_num_queries(12):
        second = client.get(members_url(programme), {"page": 2})
    assert len(second.context["page_obj"]) == 15
