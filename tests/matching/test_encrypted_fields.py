"""The mentor's reply to a request is encrypted at rest."""

from __future__ import annotations

import pytest

from matching.models import MentorRequest
from matching.services.requests import request_decline
from tests.encryption import migrate, migrate_to_latest, opens_with, stored

from .mentoring_setup import ask

REPLY = "REPLY: I'm full until spring <3, try Dr O'Brien"


@pytest.mark.django_db
def test_the_reply_to_a_request_is_stored_encrypted_and_read_back_plain(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    request_decline(request_id=request.pk, mentor=mentor, reason="busy", message=REPLY)
    assert opens_with(stored(MentorRequest, request.pk, "reply_message")) == REPLY
    assert MentorRequest.objects.get(pk=request.pk).reply_message == REPLY


@pytest.mark.django_db
def test_no_reply_is_stored_as_an_empty_string(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    request_decline(request_id=request.pk, mentor=mentor)
    assert stored(MentorRequest, request.pk, "reply_message") == ""
    assert MentorRequest.objects.get(pk=request.pk).reply_message == ""


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_replies_and_the_way_back_decrypts_them(
    programme, mentor, mentee
):
    request = ask(programme, mentee, mentor)
    request_decline(request_id=request.pk, mentor=mentor, message=REPLY)
    try:
        migrate(("matching", "0002_mentorship_paused_index"))
        assert stored(MentorRequest, request.pk, "reply_message") == REPLY
        migrate(("matching", "0003_encrypt_mentor_request_reply"))
    finally:
        migrate_to_latest()
    assert opens_with(stored(MentorRequest, request.pk, "reply_message")) == REPLY
    assert MentorRequest.objects.get(pk=request.pk).reply_message == REPLY
