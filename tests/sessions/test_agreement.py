"""The mentoring agreement: draft, revise, confirm, and who may see it."""

# ruff: noqa: F811, S608 (pytest fixtures from notes_setup; a table name in raw SQL)
from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.errors import MeetingError
from sessions.models import MentoringAgreement
from sessions.services.agreements import agreement_confirm, agreement_defaults, agreement_save
from tests.support.pages import sign_in

from .notes_setup import other_pair, pair  # noqa: F401

pytestmark = pytest.mark.django_db

WORDING = {
    "meeting_frequency": "Monthly for an hour",
    "contact": "Email, replies within a week",
    "confidentiality": "Between us, except serious risk of harm",
    "signposting": "Occupational health when needed",
    "ending": "A closing conversation",
}


def edit_url(ship) -> str:
    return reverse("meetings:agreement_edit", kwargs={"mentorship_pk": ship.pk})


def confirm_url(ship) -> str:
    return reverse("meetings:agreement_confirm", kwargs={"mentorship_pk": ship.pk})


def test_defaults_follow_the_programme(pair, programme):
    programme.meeting_frequency = "fortnightly"
    programme.meeting_length_minutes = 45
    programme.save()
    wording = agreement_defaults(mentorship=pair)
    assert "every two weeks for about 45 minutes" in wording["meeting_frequency"]
    assert all(wording.values())


def test_form_is_prefilled_with_the_defaults(client, pair, mentee):
    body = sign_in(client, mentee).get(edit_url(pair)).content.decode()
    assert "for about 50 minutes" in body
    assert "Draft the agreement" in body


def test_draft_confirm_and_revise(
    client, pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, mentee).post(edit_url(pair), WORDING)
    assert response.status_code == 302
    agreement = MentoringAgreement.objects.get()
    assert agreement.version == 1 and agreement.updated_by == mentee
    assert [m.to for m in mailoutbox] == [[mentor.email]]
    assert "drafted your mentoring agreement" in mailoutbox[0].subject
    assert mailoutbox[0].alternatives  # an HTML part too

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(pair), {"version": "1"})
        sign_in(client, mentor).post(confirm_url(pair), {"version": "1"})
    agreement.refresh_from_db()
    assert agreement.mentor_confirmed_at and agreement.mentee_confirmed_at
    assert [m.to for m in mailoutbox[1:]] == [[mentor.email], [mentee.email]]
    page = client.get(edit_url(pair)).content.decode()
    assert "Dr Maya Mentor (mentor) confirmed on" in page
    assert "Dr Sam Mentee (mentee) confirmed on" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(pair), {**WORDING, "contact": "Phone is fine too"})
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.mentor_confirmed_at is None and agreement.mentee_confirmed_at is None
    assert agreement.contact == "Phone is fine too"
    last = mailoutbox[-1]
    assert "updated your mentoring agreement" in last.subject
    assert last.to == [mentee.email]
    html = last.alternatives[0][0]
    for words in WORDING.values():
        assert words not in last.body and words not in html and words not in last.subject
    assert "Phone is fine too" not in last.body + html


def test_stale_or_repeated_confirmation_is_refused(pair, mentor):
    agreement_save(mentorship=pair, author=mentor, data=WORDING)
    with pytest.raises(MeetingError):
        agreement_confirm(mentorship=pair, user=mentor, version=2)
    agreement_confirm(mentorship=pair, user=mentor, version=1)
    with pytest.raises(MeetingError):
        agreement_confirm(mentorship=pair, user=mentor, version=1)


def test_empty_part_is_refused_and_nothing_changes(client, pair, mentor):
    response = sign_in(client, mentor).post(edit_url(pair), {**WORDING, "ending": ""})
    assert response.status_code == 400
    assert not MentoringAgreement.objects.exists()


def test_unchanged_revision_is_refused(pair, mentor):
    agreement_save(mentorship=pair, author=mentor, data=WORDING)
    with pytest.raises(MeetingError):
        agreement_save(mentorship=pair, author=mentor, data=WORDING)
    assert MentoringAgreement.objects.get().version == 1


def test_agreement_is_encrypted_at_rest(pair, mentor):
    from django.db import connection

    agreement_save(mentorship=pair, author=mentor, data=WORDING)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT meeting_frequency, contact, confidentiality, signposting, ending FROM "
            + MentoringAgreement._meta.db_table
        )
        raw = " ".join(cursor.fetchone())
    for words in WORDING.values():
        assert words not in raw


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "outsider", "other_member"])
def test_others_get_404(client, pair, mentor, who, request, other_pair):
    agreement_save(mentorship=pair, author=mentor, data=WORDING)
    person_ = other_pair.mentor if who == "other_member" else request.getfixturevalue(who)
    sign_in(client, person_)
    response = client.get(edit_url(pair))
    assert response.status_code == 404
    assert "Monthly for an hour" not in response.content.decode()
    assert client.post(edit_url(pair), WORDING).status_code == 404
    assert client.post(confirm_url(pair), {"version": "1"}).status_code == 404
    agreement = MentoringAgreement.objects.get()
    assert agreement.version == 1 and agreement.mentor_confirmed_at is None


def test_anonymous_and_guessed_ids(client, pair, mentor):
    assert client.get(edit_url(pair)).status_code == 302
    sign_in(client, mentor)
    guessed = reverse("meetings:agreement_edit", kwargs={"mentorship_pk": 99999})
    assert client.get(guessed).status_code == 404


def test_mentorship_page_shows_who_confirmed(client, pair, mentor, mentee, coordinator):
    agreement_save(mentorship=pair, author=mentor, data=WORDING)
    agreement_confirm(mentorship=pair, user=mentee, version=1)
    detail = reverse("matching:mentorship_detail", kwargs={"pk": pair.pk})
    body = sign_in(client, mentor).get(detail).content.decode()
    assert "Dr Sam Mentee confirmed on" in body
    assert "Dr Maya Mentor has not confirmed version 1 yet" in body
    body = sign_in(client, coordinator).get(detail).content.decode()
    assert "confirmed on" not in body and "Mentoring agreement" not in body
