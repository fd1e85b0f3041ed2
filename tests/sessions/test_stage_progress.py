"""Stage progress across a mentorship's notes (Egan and GROW)."""

# ruff: noqa: F811 (pytest fixtures imported from notes_setup)
from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.models import Meeting
from sessions.selectors.notes import stage_progress
from sessions.services.notes import note_save
from tests.support.pages import sign_in

from .notes_setup import make_meeting, pair  # noqa: F401

pytestmark = pytest.mark.django_db


def write(ship, mentor, framework, sections, **meeting):
    note_save(
        meeting=make_meeting(ship, **meeting),
        author=mentor,
        data={"framework": framework, "sections": sections, "tags": []},
        action_items=[],
    )


@pytest.fixture
def worked(pair, mentor):
    write(pair, mentor, "egan", {"story": "Egan story text", "leverage": "Lever text"}, days_ago=30)
    write(pair, mentor, "egan", {"possibilities": "Possibility text"}, days_ago=20)
    write(pair, mentor, "egan", {"blind_spots": "Blind text"}, days_ago=10)
    write(pair, mentor, "grow", {"goal": "Goal text", "will": "Will text"}, days_ago=5)
    write(pair, mentor, "clear", {"action": "Clear text"}, days_ago=3)
    return pair


def test_stages_worked_through_are_counted_per_framework(worked):
    progress = {p["framework"].key: p for p in stage_progress(mentorship=worked)}
    assert set(progress) == {"egan", "grow"}  # CLEAR and OSKAR show no stages
    egan = progress["egan"]
    assert [(s["key"], s["count"]) for s in egan["stages"]] == [
        ("current", 2),
        ("preferred", 1),
        ("forward", 0),
    ]
    assert (egan["done"], egan["total"]) == (2, 3)
    grow = progress["grow"]
    assert [(s["key"], s["count"]) for s in grow["stages"]] == [
        ("goal", 1),
        ("reality", 0),
        ("options", 0),
        ("will", 1),
    ]


def test_cancelled_meetings_do_not_count(pair, mentor):
    write(pair, mentor, "grow", {"goal": "Goal text"}, days_ago=5)
    Meeting.objects.update(status=Meeting.Status.CANCELLED)
    assert stage_progress(mentorship=pair) == []


def test_both_members_see_stage_names_never_the_text(client, worked, mentor, mentee):
    detail = reverse("matching:mentorship_detail", kwargs={"pk": worked.pk})
    for person in (mentor, mentee):
        body = sign_in(client, person).get(detail).content.decode()
        assert "Progress through the stages" in body
        assert "The preferred picture" in body and "2 of 3" in body
        for words in ("Egan story text", "Lever text", "Goal text", "Will text", "Clear text"):
            assert words not in body


def test_coordinators_see_no_progress(client, worked, coordinator):
    detail = reverse("matching:mentorship_detail", kwargs={"pk": worked.pk})
    body = sign_in(client, coordinator).get(detail).content.decode()
    assert "Progress through the stages" not in body
    assert "The preferred picture" not in body
