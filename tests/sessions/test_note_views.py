"""The note page: who reads and writes what (the confidentiality matrix)."""

# ruff: noqa: F811 (pytest fixtures imported from notes_setup)
from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.models import ActionItem, Meeting, Reflection, SessionNote
from sessions.services.notes import note_save, reflection_save
from tests.support.pages import sign_in

from .notes_setup import (  # noqa: F401
    make_meeting,
    other_pair,
    pair,
    past_meeting,
)

pytestmark = pytest.mark.django_db

SECRETS = ("Secret goal words", "Private pondering words", "Career development", "Mentee muse")


@pytest.fixture
def written(past_meeting, mentor, mentee):
    note_save(
        meeting=past_meeting,
        author=mentor,
        data={
            "framework": "grow",
            "sections": {"goal": "Secret goal words"},
            "shared_summary": "Shared summary words",
            "private_notes": "Private pondering words",
            "tags": ["Career development"],
        },
        action_items=[{"text": "Draft the CV", "owner": "mentee", "due_on": None}],
    )
    reflection_save(meeting=past_meeting, author=mentee, text="Mentee muse")
    return past_meeting


def note_url(meeting) -> str:
    return reverse("meetings:note_edit", kwargs={"meeting_pk": meeting.pk})


def reflection_url(meeting) -> str:
    return reverse("meetings:reflection_edit", kwargs={"meeting_pk": meeting.pk})


def test_mentor_sees_the_whole_note_but_not_the_mentees_reflection(client, written, mentor):
    body = sign_in(client, mentor).get(note_url(written)).content.decode()
    for words in ("Secret goal words", "Private pondering words", "Shared summary words"):
        assert words in body
    assert 'value="Career development" checked' in body or "Career development" in body
    assert "Draft the CV" in body
    assert "Mentee muse" not in body


def test_mentee_sees_the_shared_part_only(client, written, mentee):
    response = sign_in(client, mentee).get(note_url(written))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Shared summary words" in body and "Draft the CV" in body
    for words in ("Secret goal words", "Private pondering words", "Career development"):
        assert words not in body
    assert "Goal" not in body  # not even the section titles


def test_mentee_posting_to_the_note_changes_nothing(client, written, mentee):
    sign_in(client, mentee).post(
        note_url(written),
        {
            "framework": "grow",
            "shared_summary": "Rewritten",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert SessionNote.objects.get().shared_summary == "Shared summary words"


def test_only_the_mentee_reads_their_reflection(client, written, mentor, mentee):
    body = sign_in(client, mentee).get(reflection_url(written)).content.decode()
    assert "Mentee muse" in body
    assert sign_in(client, mentor).get(reflection_url(written)).status_code == 404


@pytest.mark.parametrize(
    "who", ["coordinator", "other_coordinator", "outsider", "other_mentor", "other_mentee"]
)
def test_everyone_else_gets_404_and_no_text(
    client, written, who, request, other_pair, coordinator, other_coordinator, outsider
):
    person = {"other_mentor": other_pair.mentor, "other_mentee": other_pair.mentee}.get(who) or (
        request.getfixturevalue(who)
    )
    sign_in(client, person)
    for url in (note_url(written), reflection_url(written)):
        response = client.get(url)
        assert response.status_code == 404
        for words in (*SECRETS, "Shared summary words", "Draft the CV"):
            assert words not in response.content.decode()
    assert client.post(note_url(written), {"framework": "grow"}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, written):
    for url in (note_url(written), reflection_url(written)):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_guessed_ids_give_404(client, written, mentor, mentee):
    for person in (mentor, mentee):
        sign_in(client, person)
        assert (
            client.get(reverse("meetings:note_edit", kwargs={"meeting_pk": 99999})).status_code
            == 404
        )
        assert (
            client.get(
                reverse("meetings:reflection_edit", kwargs={"meeting_pk": 99999})
            ).status_code
            == 404
        )


def test_coordinator_mentorship_page_shows_no_note_text(client, written, coordinator):
    body = (
        sign_in(client, coordinator)
        .get(reverse("matching:mentorship_detail", kwargs={"pk": written.mentorship_id}))
        .content.decode()
    )
    for words in (*SECRETS, "Shared summary words", "Draft the CV", "Progress through the stages"):
        assert words not in body


def test_mentor_writes_a_grow_note_with_two_action_points(client, past_meeting, mentor):
    sign_in(client, mentor)
    page = client.get(note_url(past_meeting)).content.decode()
    assert "Will and way forward" in page  # GROW is the default
    response = client.post(
        note_url(past_meeting),
        {
            "framework": "grow",
            "section_goal": "Become a clinical lead",
            "section_will": "Ask for a shadowing day",
            "shared_summary": "We looked at leadership",
            "private_notes": "Seems tired",
            "tags": ["Career development"],
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Book shadowing",
            "items-0-owner": "mentee",
            "items-0-due_on": "2030-02-01",
            "items-1-text": "Introduce to the lead",
            "items-1-owner": "mentor",
            "items-2-owner": "mentee",
        },
    )
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.sections == {"goal": "Become a clinical lead", "will": "Ask for a shadowing day"}
    assert note.tags == ["Career development"]
    assert ActionItem.objects.count() == 2
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.HELD


def test_switching_framework_shows_its_sections(client, past_meeting, mentor):
    page = sign_in(client, mentor).get(note_url(past_meeting) + "?framework=egan").content.decode()
    assert "Blind spots and new perspectives" in page
    assert 'name="framework" value="egan"' in page


def test_bad_input_shows_an_error_and_saves_nothing(client, past_meeting, mentor):
    response = sign_in(client, mentor).post(
        note_url(past_meeting),
        {
            "framework": "grow",
            "tags": ["Not a topic"],
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Something",
            "items-0-owner": "mentee",
        },
    )
    assert response.status_code == 400
    assert not SessionNote.objects.exists() and not ActionItem.objects.exists()


def test_no_note_before_the_meeting(client, pair, mentor):
    upcoming = make_meeting(pair, days_ago=-2)
    response = sign_in(client, mentor).get(note_url(upcoming))
    assert response.status_code == 302
    assert not SessionNote.objects.exists()


def test_mentee_saves_a_reflection(client, past_meeting, mentee):
    response = sign_in(client, mentee).post(reflection_url(past_meeting), {"text": "Felt heard"})
    assert response.status_code == 302
    assert Reflection.objects.get().text == "Felt heard"
