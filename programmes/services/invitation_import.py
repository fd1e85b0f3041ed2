"""Inviting many people at once from a CSV file: every row checked, then all or none.

A file is read as a spreadsheet saves it (UTF-8, comma, semicolon or tab); every problem
is reported with its row number, and one bad row stops the whole import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ..errors import ProgrammeError
from ..models import Invitation, Programme
from .invitations import (
    NAME_MAX_LENGTH,
    ROLES,
    check_programme_accepts_invitations,
    members_in_role,
    new_invitation,
    normalise_email,
    queue_emails,
    revoke_pending,
)

MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Column names people type in spreadsheets, mapped to ours.
COLUMN_ALIASES = {
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "role": "role",
    "full_name": "full_name",
    "name": "full_name",
}


@dataclass(frozen=True, order=True)
class RowError:
    """A problem in an uploaded file; row numbers as a spreadsheet shows them."""

    row: int | None  # None: the whole file
    reason: str


class InvitationImportError(ProgrammeError):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row or 0, e.reason))
        count = len(self.errors)
        super().__init__(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''} "
            "to fix first."
        )


@dataclass(frozen=True)
class InvitationRow:
    row: int
    email: str
    role: str
    full_name: str


def _decode(data: bytes) -> tuple[str | None, list[RowError]]:
    if not data.strip():
        return None, [RowError(None, "The file is empty.")]
    if data.startswith(b"PK\x03\x04"):
        return None, [
            RowError(
                None,
                "This looks like an Excel workbook. Save it as 'CSV UTF-8 (Comma delimited)' "
                "and upload that file.",
            )
        ]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        return None, [
            RowError(
                row,
                "The file is not UTF-8 text (from this row on). "
                "Save it as 'CSV UTF-8 (Comma delimited)' and upload it again.",
            )
        ]


def _delimiter(text: str) -> str:
    """Comma, unless the header row plainly uses semicolons or tabs (some locales' Excel)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_records(text: str) -> tuple[list[list[str]], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        return [], [RowError(len(records) + 1, f"The file is not a readable CSV ({exc}).")]
    return records, []


def _header_columns(row: int, header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors = []
    for index, raw in enumerate(header):
        key = "_".join(raw.strip().lower().replace("-", " ").split())
        name = COLUMN_ALIASES.get(key)
        if name is None:
            continue  # extra columns (notes, department...) are allowed and ignored
        if name in columns:
            errors.append(RowError(row, f"The column '{raw.strip()}' appears twice."))
        columns[name] = index
    for required in ("email", "role"):
        if required not in columns:
            errors.append(
                RowError(
                    row,
                    f"Missing column '{required}'. The first row must name the columns: "
                    "email, role and (optionally) full_name.",
                )
            )
    return columns, errors


def _parse_row(
    number: int, record: list[str], columns: dict[str, int]
) -> tuple[InvitationRow, list[RowError]]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    errors = []
    email, role, full_name = (
        normalise_email(cell("email")),
        cell("role").lower(),
        cell("full_name"),
    )
    if not email:
        errors.append(RowError(number, "The email address is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(number, f"'{cell('email')}' is not a valid email address."))
    if not role:
        errors.append(RowError(number, "The role is missing: use mentor or mentee."))
    elif role not in ROLES:
        errors.append(RowError(number, f"Unknown role '{cell('role')}': use mentor or mentee."))
    if len(full_name) > NAME_MAX_LENGTH:
        errors.append(RowError(number, f"The name is longer than {NAME_MAX_LENGTH} characters."))
    return InvitationRow(number, email, role, full_name), errors


def invitations_parse_csv(*, programme: Programme, data: bytes) -> list[InvitationRow]:
    """Every row of the file, checked; raises InvitationImportError listing every problem."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvitationImportError(
            [RowError(None, f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")]
        )
    text, errors = _decode(data)
    if errors:
        raise InvitationImportError(errors)
    records, errors = _read_records(text)
    if errors:
        raise InvitationImportError(errors)
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InvitationImportError([RowError(None, "The file is empty.")])
    (header_row, header), body = numbered[0], numbered[1:]
    columns, errors = _header_columns(header_row, header)
    if errors:
        raise InvitationImportError(errors)
    if not body:
        raise InvitationImportError(
            [RowError(header_row, "The file has a header row but no invitations below it.")]
        )
    if len(body) > MAX_IMPORT_ROWS:
        raise InvitationImportError(
            [
                RowError(
                    None,
                    f"The file has {len(body)} invitations; the limit is {MAX_IMPORT_ROWS} "
                    "per file. Split it into smaller files.",
                )
            ]
        )
    return _check_rows(programme=programme, body=body, columns=columns, width=len(header))


def _check_rows(*, programme, body, columns, width) -> list[InvitationRow]:
    rows, errors = [], []
    first_seen: dict[tuple[str, str], int] = {}
    for number, record in body:
        row, row_errors = _parse_row(number, record, columns)
        if len(record) > width and any(c.strip() for c in record[width:]):
            row_errors.append(
                RowError(
                    number,
                    f"This row has more values than the header has columns ({width}). "
                    "A name containing a comma must be in double quotes.",
                )
            )
        errors.extend(row_errors)
        if row_errors:
            continue
        key = (row.email, row.role)
        if key in first_seen:
            errors.append(
                RowError(
                    number,
                    f"Duplicate: {row.email} as {row.role} is already on row {first_seen[key]}.",
                )
            )
            continue
        first_seen[key] = number
        rows.append(row)
    errors.extend(_already_members(programme=programme, rows=rows))
    if errors:
        raise InvitationImportError(errors)
    return rows


def _already_members(*, programme: Programme, rows: list[InvitationRow]) -> list[RowError]:
    errors = []
    for role, label in ROLES.items():
        members = members_in_role(
            programme=programme, role=role, emails=(r.email for r in rows if r.role == role)
        )
        errors.extend(
            RowError(r.row, f"{r.email} is already a {label.lower()} in {programme.name}.")
            for r in rows
            if r.role == role and r.email in members
        )
    return errors


@transaction.atomic
def invitations_import_csv(*, programme: Programme, file, invited_by) -> list[Invitation]:
    """Invite everyone in a CSV file, or no one: any bad row stops the whole import."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    check_programme_accepts_invitations(programme)
    rows = invitations_parse_csv(programme=programme, data=file.read(MAX_IMPORT_BYTES + 1))
    now = timezone.now()
    for role in ROLES:
        revoke_pending(
            programme=programme,
            role=role,
            emails=(r.email for r in rows if r.role == role),
            now=now,
        )
    issued = [
        new_invitation(
            programme=programme,
            email=r.email,
            role=r.role,
            full_name=r.full_name,
            invited_by=invited_by,
            now=now,
        )
        for r in rows
    ]
    invitations = Invitation.objects.bulk_create([invitation for invitation, _ in issued])
    queue_emails(issued)
    return invitations
