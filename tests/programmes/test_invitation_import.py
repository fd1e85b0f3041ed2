from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes.errors import ProgrammeError
from programmes.models import Invitation, Programme
from programmes.services.invitation_import import (
    MAX_IMPORT_ROWS,
    InvitationImportError,
    RowError,
    invitations_import_csv,
)
from programmes.services.invitations import invitation_create, token_hash

pytestmark = pytest.mark.django_db


def upload(text: str | bytes, name: str = "invitations.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_csv(programme, coordinator, text):
    return invitations_import_csv(programme=programme, file=upload(text), invited_by=coordinator)


def import_errors(programme, coordinator, text) -> list[RowError]:
    with pytest.raises(InvitationImportError) as excinfo:
        import_csv(programme, coordinator, text)
    assert not Invitation.objects.exists(), "nothing may be imported from a bad file"
    return excinfo.value.errors


CLEAN = (
    "email,role,full_name\n"
    "priya.shah@example.org,mentor,Dr Priya Shah\n"
    "james.okafor@example.org,Mentee,Dr James Okafor\n"
    "siobhan.reilly@example.org,MENTEE,Dr Siobhán Reilly\n"
)


def test_a_clean_file_invites_everyone_and_emails_each_once(
    programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations = import_csv(programme, coordinator, CLEAN)

    assert len(invitations) == 3
    rows = {i.email: (i.role, i.full_name) for i in Invitation.objects.all()}
    assert rows == {
        "priya.shah@example.org": ("mentor", "Dr Priya Shah"),
        "james.okafor@example.org": ("mentee", "Dr James Okafor"),
        "siobhan.reilly@example.org": ("mentee", "Dr Siobhán Reilly"),
    }
    assert all(i.state == "pending" and i.invited_by == coordinator for i in invitations)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows)
    for msg in mail.outbox:
        html, mimetype = msg.alternatives[0]
        assert mimetype == "text/html"
        assert "/invitations/" in msg.body and "/invitations/" in html
    siobhan = next(m for m in mail.outbox if m.to == ["siobhan.reilly@example.org"])
    assert "Dr Siobhán Reilly" in siobhan.body


def test_each_emailed_link_matches_its_own_invitation(
    programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_csv(programme, coordinator, CLEAN)
    for msg in mail.outbox:
        token = msg.body.split("/invitations/")[1].split("/")[0]
        assert Invitation.objects.get(token_hash=token_hash(token)).email == msg.to[0]


def test_a_bom_and_windows_line_endings_are_accepted(programme, coordinator):
    data = "\ufeff" + CLEAN.replace("\n", "\r\n")
    assert len(import_csv(programme, coordinator, data.encode("utf-8"))) == 3


def test_name_column_alias_semicolons_blank_rows_and_extra_columns_are_accepted(
    programme, coordinator
):
    text = (
        "Email Address;Role;Name;Department\n"
        "a@example.org;mentor;Dr A;Cardiology\n"
        ";;;\n"
        "b@example.org;mentee;;\n"
    )
    invitations = import_csv(programme, coordinator, text)
    assert {(i.email, i.role, i.full_name) for i in invitations} == {
        ("a@example.org", "mentor", "Dr A"),
        ("b@example.org", "mentee", ""),
    }


def test_a_quoted_name_with_a_comma_is_read_whole(programme, coordinator):
    invitations = import_csv(
        programme, coordinator, 'email,role,name\nx@example.org,mentee,"Shah, Priya"\n'
    )
    assert invitations[0].full_name == "Shah, Priya"


def test_every_bad_row_is_reported_by_row_number_and_nothing_is_imported(
    programme, coordinator, mentor
):
    text = (
        "email,role,full_name\n"  # row 1
        "good@example.org,mentee,Good\n"  # row 2
        "not-an-email,mentee,Bad Email\n"  # row 3
        "role@example.org,coordinator,Bad Role\n"  # row 4
        ",mentor,No Email\n"  # row 5
        "norole@example.org,,No Role\n"  # row 6
        "GOOD@example.org,Mentee,Duplicate\n"  # row 7
        "good@example.org,mentor,Same person other role\n"  # row 8
        "mentor@example.org,mentor,Already a mentor\n"  # row 9
        "extra@example.org,mentee,Shah, Priya\n"  # row 10
    )
    errors = import_errors(programme, coordinator, text)

    by_row = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error.reason)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 9, 10]
    assert "'not-an-email' is not a valid email address" in by_row[3][0]
    assert "Unknown role 'coordinator'" in by_row[4][0]
    assert "email address is missing" in by_row[5][0]
    assert "role is missing" in by_row[6][0]
    assert "Duplicate" in by_row[7][0] and "row 2" in by_row[7][0]
    assert "already a mentor" in by_row[9][0]
    assert "double quotes" in by_row[10][0]
    assert [e.row for e in errors] == sorted(e.row for e in errors)


def test_a_row_with_two_problems_reports_both(programme, coordinator):
    errors = import_errors(programme, coordinator, "email,role\nnope,boss\n")
    assert [e.row for e in errors] == [2, 2]


@pytest.mark.parametrize(
    ("text", "row", "reason"),
    [
        ("name,role\nDr A,mentor\n", 1, "Missing column 'email'"),
        ("email,full_name\na@example.org,Dr A\n", 1, "Missing column 'role'"),
        ("email,role,email\na@example.org,mentor,b@example.org\n", 1, "appears twice"),
        ("email,role\n", 1, "no invitations"),
        ("", None, "The file is empty"),
        ("\r\n  \r\n", None, "The file is empty"),
    ],
)
def test_file_level_problems_are_reported(programme, coordinator, text, row, reason):
    errors = import_errors(programme, coordinator, text)
    assert any(e.row == row and reason in e.reason for e in errors), errors


def test_a_file_that_is_not_utf8_names_the_first_bad_row(programme, coordinator):
    data = "email,role,name\na@example.org,mentee,Zoe\nb@example.org,mentee,Zoë\n".encode("cp1252")
    (error,) = import_errors(programme, coordinator, data)
    assert error.row == 3 and "not UTF-8" in error.reason and "CSV UTF-8" in error.reason


def test_an_excel_workbook_is_refused_with_advice(programme, coordinator):
    (error,) = import_errors(programme, coordinator, b"PK\x03\x04\x14\x00binary")
    assert "Excel workbook" in error.reason


def test_a_file_that_is_not_csv_is_refused(programme, coordinator):
    errors = import_errors(programme, coordinator, 'email,role\n"a@example.org" x,mentee\n')
    assert errors[0].row == 2 and "not a readable CSV" in errors[0].reason


def test_too_many_rows_are_refused(programme, coordinator):
    rows = "".join(f"p{n}@example.org,mentee\n" for n in range(MAX_IMPORT_ROWS + 1))
    (error,) = import_errors(programme, coordinator, "email,role\n" + rows)
    assert error.row is None and f"limit is {MAX_IMPORT_ROWS}" in error.reason


def test_the_row_limit_itself_is_allowed(programme, coordinator, django_assert_max_num_queries):
    rows = "".join(f"p{n}@example.org,mentee\n" for n in range(MAX_IMPORT_ROWS))
    # A handful of reads, one update, and inserts in batches (SQLite caps a batch's size).
    with django_assert_max_num_queries(40):
        invitations = import_csv(programme, coordinator, "email,role\n" + rows)
    assert len(invitations) == MAX_IMPORT_ROWS == Invitation.objects.count()


def test_a_member_known_by_a_secondary_address_is_reported(programme, coordinator, mentee):
    EmailAddress.objects.create(user=mentee, email="sam@trust.example.org", verified=True)
    (error,) = import_errors(programme, coordinator, "email,role\nSam@Trust.example.org,mentee\n")
    assert error.row == 2 and "already a mentee" in error.reason


def test_importing_replaces_earlier_pending_invitations(programme, coordinator):
    earlier = invitation_create(
        programme=programme, email="priya.shah@example.org", role="mentor", invited_by=coordinator
    )
    import_csv(programme, coordinator, CLEAN)
    earlier.invitation.refresh_from_db()
    assert earlier.invitation.state == "revoked"
    assert Invitation.objects.pending().count() == 3


def test_a_closed_programme_takes_no_import(programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.CLOSED)
    with pytest.raises(ProgrammeError, match="has closed"):
        import_csv(programme, coordinator, CLEAN)
    assert not Invitation.objects.exists()


def test_the_import_error_message_counts_the_problems():
    error = InvitationImportError([RowError(3, "b"), RowError(2, "a")])
    assert [e.row for e in error.errors] == [2, 3]
    assert "2 problems" in error.message


def test_the_example_file_imports_cleanly(programme, coordinator, settings):
    path = settings.BASE_DIR / "static" / "examples" / "invitations.csv"
    invitations = invitations_import_csv(
        programme=programme, file=io.BytesIO(path.read_bytes()), invited_by=coordinator
    )
    assert len(invitations) == 3
