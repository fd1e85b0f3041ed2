"""My action points page, and marking points done."""

# ruff: noqa: F811 (pytest fixtures imported from notes_setup)
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from programmes.models import Membership
from sessions.models import ActionItem
from tests.support.pages import sign_in

from .notes_setup import (  # noqa: F401
    make_mentorship,
    other_pair,
    pair,
    past_meeting,
    person,
)

pytestmark = pytest.mark.django_db


def add(mentorship, text, owner, **extra):
    return ActionItem.objects.create(mentorship=mentorship, text=text, owner=owner, **extra)


def test_page_lists_my_open_points_as_my_role_only(client, pair, mentor, mentee, other_pair):
    add(pair, "Mentee task", "mentee", due_on=dt.date(2030, 1, 1))
    add(pair, "Mentor task", "mentor")
    add(pair, "Finished mentee task", "mentee", done_at="2026-01-01T10:00Z")
    add(other_pair, "Someone else's task", "mentee")
    body = sign_in(client, mentee).get(reverse("meetings:action_items")).content.decode()
    assert "Mentee task" in body
    for words in ("Mentor task", "Finished mentee task", "Someone else"):
        assert words not in body
    done = client.get(reverse("meetings:action_items") + "?show=done").content.decode()
    assert "Finished mentee task" in done and "Mentee task</td>" not in done
    body = sign_in(client, mentor).get(reverse("meetings:action_items")).content.decode()
    assert "Mentor task" in body and "Mentee task" not in body


def test_empty_state(client, outsider):
    body = sign_in(client, outsider).get(reverse("meetings:action_items")).content.decode()
    assert "empty-state" in body


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("meetings:action_items"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_page_makes_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    for _ in range(6):
        ship = make_mentorship(programme, person(programme, Membership.Role.MENTOR), mentee)
        for n in range(6):
            add(ship, f"Task {n}", "mentee", due_on=dt.date(2030, 1, 1 + n))
    sign_in(client, mentee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:action_items"))
    assert response.status_code == 200
    assert "Showing 1" in response.content.decode()  # 36 rows, 25 a page
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meetings:action_items") + "?page=2").status_code == 200


def test_either_member_toggles_and_is_sent_back(client, pair, mentor, mentee):
    item = add(pair, "Mentee task", "mentee")
    url = reverse("meetings:action_item_toggle", kwargs={"pk": item.pk})
    detail = reverse("matching:mentorship_detail", kwargs={"pk": pair.pk})
    response = sign_in(client, mentor).post(url, {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    item.refresh_from_db()
    assert item.done_at is not None
    response = sign_in(client, mentee).post(url, {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("meetings:action_items")
    item.refresh_from_db()
    assert item.done_at is None


def test_toggle_needs_post(client, pair, mentor):
    item = add(pair, "Mentee task", "mentee")
    url = reverse("meetings:action_item_toggle", kwargs={"pk": item.pk})
    assert sign_in(client, mentor).get(url).status_code == 405


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "outsider", "other_member"])
def test_others_cannot_toggle(client, pair, who, request, other_pair):
    item = add(pair, "Mentee task", "mentee")
    person_ = other_pair.mentee if who == "other_member" else request.getfixturevalue(who)
    sign_in(client, person_)
    response = client.post(reverse("meetings:action_item_toggle", kwargs={"pk": item.pk}))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.done_at is None
    guessed = reverse("meetings:action_item_toggle", kwargs={"pk": 99999})
    assert client.post(guessed).status_code == 404


def test_anonymous_cannot_toggle(client, pair):
    item = add(pair, "Mentee task", "mentee")
    response = client.post(reverse("meetings:action_item_toggle", kwargs={"pk": item.pk}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_at is None
