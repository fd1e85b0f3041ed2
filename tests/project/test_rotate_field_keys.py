"""`manage.py rotate_field_keys`: every encrypted value moves to the newest key."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from matching.models import MentorRequest
from mentoring.accounts.adapters import MFAAdapter
from mentoring.accounts.models import MatchingPreferences
from programmes.models import Application
from sessions.models import SessionNote
from tests.encryption import opens_with, stored
from tests.factories import ApplicationFactory, UserFactory
from tests.sessions.booking_setup import london, make_mentorship, meeting_at

pytestmark = pytest.mark.django_db

NEW = Fernet.generate_key().decode()
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def old():
    # Rows written by the fixtures and the tests use the key configured for tests.
    return settings.FIELD_ENCRYPTION_KEYS[0]


def rotate(tmp_path, **options) -> str:
    out = io.StringIO()
    call_command(
        "rotate_field_keys", progress_file=tmp_path / "progress.json", stdout=out, **options
    )
    return out.getvalue()


def requests(programme, mentor, count: int) -> list[MentorRequest]:
    return [
        MentorRequest.objects.create(
            programme=programme,
            mentee=UserFactory(),
            mentor=mentor,
            message=f"MESSAGE {n}",
            reply_message=f"REPLY {n}",
            status=MentorRequest.Status.DECLINED,
            expires_at=timezone.now() + dt.timedelta(days=7),
        )
        for n in range(count)
    ]


@pytest.fixture
def records(programme, mentor, mentee):
    """One of each kind: text, JSON, yes/no, and a TOTP secret."""
    pair = make_mentorship(programme, mentor, mentee)
    meeting = meeting_at(pair, london(2026, 10, 19, 9, 0), mode="in_person", location="ROOM 4")
    note = SessionNote.objects.create(
        meeting=meeting, author=mentor, sections={"goal": "SECTION"}, private_notes="PRIVATE"
    )
    application = ApplicationFactory(
        programme=programme, applicant=mentee, goals="GOALS", answers={"1": "ANSWER"}
    )
    prefs = MatchingPreferences.objects.create(
        user=mentee, religion="buddhist", prefer_same_religion=True
    )
    totp = Authenticator.objects.create(
        user=mentor,
        type=Authenticator.Type.TOTP,
        data={"secret": MFAAdapter().encrypt(TOTP_SECRET)},
    )
    return {
        "meeting": meeting,
        "note": note,
        "application": application,
        "prefs": prefs,
        "totp": totp,
        "requests": requests(programme, mentor, 3),
    }


def assert_readable(records) -> None:
    note = SessionNote.objects.get(pk=records["note"].pk)
    assert (note.sections, note.private_notes) == ({"goal": "SECTION"}, "PRIVATE")
    application = Application.objects.get(pk=records["application"].pk)
    assert (application.goals, application.answers) == ("GOALS", {"1": "ANSWER"})
    prefs = MatchingPreferences.objects.get(pk=records["prefs"].pk)
    assert prefs.religion == "buddhist" and prefs.prefer_same_religion is True
    assert records["meeting"].__class__.objects.get(pk=records["meeting"].pk).location == "ROOM 4"
    totp = Authenticator.objects.get(pk=records["totp"].pk)
    assert MFAAdapter().decrypt(totp.data["secret"]) == TOTP_SECRET
    replies = MentorRequest.objects.filter(pk__in=[r.pk for r in records["requests"]])
    assert sorted(r.reply_message for r in replies) == ["REPLY 0", "REPLY 1", "REPLY 2"]


def test_without_rotation_the_new_key_alone_cannot_read_the_old_rows(records, old):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        note = SessionNote.objects.get(pk=records["note"].pk)
        assert note.private_notes != "PRIVATE"


def test_after_rotation_every_row_reads_with_only_the_new_key(records, old, tmp_path):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        output = rotate(tmp_path)
    assert "mentoring_sessions.SessionNote: 1 rows read, 1 re-encrypted" in output
    assert "mfa.Authenticator: 1 rows read, 1 re-encrypted" in output
    assert "accounts.MatchingPreferences: 1 rows read, 1 re-encrypted" in output
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert_readable(records)
        assert opens_with(stored(SessionNote, records["note"].pk, "private_notes")) == "PRIVATE"
        section = json.loads(stored(SessionNote, records["note"].pk, "sections"))["goal"]
        assert opens_with(section) == "SECTION"
    assert not (tmp_path / "progress.json").exists()


def test_a_second_run_changes_nothing(records, old, tmp_path):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        rotate(tmp_path)
        before = stored(SessionNote, records["note"].pk, "private_notes")
        output = rotate(tmp_path)
    assert "In all: 0 rows re-encrypted" in output
    assert stored(SessionNote, records["note"].pk, "private_notes") == before


def test_a_dry_run_counts_and_changes_nothing(records, old, tmp_path):
    before = stored(SessionNote, records["note"].pk, "private_notes")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        output = rotate(tmp_path, dry_run=True)
    assert "mentoring_sessions.SessionNote: 1 rows read, 1 would re-encrypt" in output
    assert stored(SessionNote, records["note"].pk, "private_notes") == before
    assert opens_with(before, old) == "PRIVATE"
    assert not (tmp_path / "progress.json").exists()


def test_an_interrupted_run_carries_on_where_it_stopped(programme, mentor, old, tmp_path):
    rows = requests(programme, mentor, 5)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        output = rotate(tmp_path, batch_size=2, max_batches=1)
        assert "run the command again" in output
        on_new = [r for r in rows if _on(NEW, r)]
        assert [r.pk for r in on_new] == [rows[0].pk, rows[1].pk]
        progress = json.loads((tmp_path / "progress.json").read_text())
        assert progress["last"]["matching.MentorRequest"] == rows[1].pk
        output = rotate(tmp_path, batch_size=2)
    assert "matching.MentorRequest: 3 rows read, 3 re-encrypted" in output
    assert all(_on(NEW, r) for r in rows)
    assert not (tmp_path / "progress.json").exists()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert MentorRequest.objects.get(pk=rows[4].pk).reply_message == "REPLY 4"


def test_progress_saved_for_an_older_key_is_ignored(programme, mentor, old, tmp_path):
    rows = requests(programme, mentor, 2)
    (tmp_path / "progress.json").write_text(
        json.dumps({"key": "another", "last": {"matching.MentorRequest": rows[-1].pk}})
    )
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        rotate(tmp_path)
    assert all(_on(NEW, r) for r in rows)


def test_plain_text_left_from_before_encryption_gets_encrypted(programme, mentor, old, tmp_path):
    (row,) = requests(programme, mentor, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_mentorrequest SET reply_message = 'PLAIN' WHERE id = %s", [row.pk]
        )
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]):
        rotate(tmp_path)
    assert opens_with(stored(MentorRequest, row.pk, "reply_message"), NEW) == "PLAIN"


def test_a_value_no_key_opens_is_reported_and_left_alone(programme, mentor, old, tmp_path):
    (row,) = requests(programme, mentor, 1)
    lost = Fernet(Fernet.generate_key()).encrypt(b"LOST").decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_mentorrequest SET reply_message = %s WHERE id = %s", [lost, row.pk]
        )
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW, old]),
        pytest.raises(CommandError, match="Keep the old keys"),
    ):
        rotate(tmp_path)
    assert stored(MentorRequest, row.pk, "reply_message") == lost
    assert _on(NEW, row, column="message")


def _on(key, row, column="reply_message") -> bool:
    try:
        opens_with(stored(MentorRequest, row.pk, column), key)
    except AssertionError:
        return False
    return True
