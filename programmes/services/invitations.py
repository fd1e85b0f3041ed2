"""Invitations: a link that lets one person join a programme in a role, once.

The raw token lives only in the emailed link; the database keeps its SHA-256
hash, so a leaked database does not leak working links. Accepting claims the row
with a conditional update whose row count is checked, so a double submit (two
tabs, a double click) accepts once whatever the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.emails import Later, build_email, emails_queue_later

from ..errors import ProgrammeError
from ..models import Application, Invitation, Membership, Programme

INVITATION_LIFETIME = dt.timedelta(days=14)
MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
STATES = ("pending", "accepted", "expired", "revoked")
ROLES = {choice.value: choice.label for choice in Application.Role}

# Column names people type in spreadsheets, mapped to ours.
COLUMN_ALIASES = {
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "role": "role",
    "full_name": "full_name",
    "name": "full_name",
}
NAME_MAX_LENGTH = Invitation._meta.get_field("full_name").max_length


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("programmes:invitation_accept", kwargs={"token": token})


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # only ever in memory and in the email: the database holds its hash
    replaced_earlier: bool


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


# Reading ---------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link points to; the token itself is the permission to see it."""
    return (
        Invitation.objects.select_related("programme", "accepted_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def email_is_verified_for(*, user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=email).exists()


# Writing ---------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _members_in_role(*, programme: Programme, role: str, emails: Iterable[str]) -> set[str]:
    """Which of these addresses (lower case) belong to an active member in `role`."""
    emails = set(emails)
    if not emails:
        return set()
    active = Membership.objects.active().filter(programme=programme, role=role)
    by_login = (
        active.annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    by_other_address = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=emails, user__in=active.values("user"))
        .values_list("address", flat=True)
    )
    return set(by_login) | set(by_other_address)


def _check_programme_accepts_invitations(programme: Programme) -> None:
    if programme.status == Programme.Status.CLOSED:
        raise ProgrammeError(f"{programme.name} has closed, so it cannot take new members.")


def _email_for(invitation: Invitation, token: str):
    return build_email(
        "invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "programme": invitation.programme,
            "role": ROLES[invitation.role].lower(),
            "invited_by": invitation.invited_by,
            "link": invitation_link(token),
        },
    )


def _queue_emails(issued: Iterable[tuple[Invitation, str]]) -> None:
    """Put the invitations' emails in the outbox, to be rendered and sent by the worker.

    Each row holds only the invitation's id and its link's token (encrypted), so a
    2,000-row import writes its rows in a few statements and returns at once; a mail
    outage delays the emails instead of failing the import.
    """
    emails_queue_later(
        Later("invitation", {"invitation": invitation.pk, "token": token})
        for invitation, token in issued
    )


def invitation_email_render(data: dict):
    """The invitation's email as it is sent; None if it was withdrawn or used meanwhile."""
    invitation = (
        Invitation.objects.select_related("programme", "invited_by")
        .filter(pk=data["invitation"])
        .first()
    )
    if invitation is None or invitation.state != "pending":
        return None
    return _email_for(invitation, data["token"])


def _revoke_pending(*, programme: Programme, role: str, emails: Iterable[str], now) -> int:
    return (
        Invitation.objects.pending()
        .filter(programme=programme, role=role, email__in=list(emails))
        .update(revoked_at=now)
    )


def _new_invitation(*, programme, email, role, full_name, invited_by, now) -> tuple:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        programme=programme,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    return invitation, token


@transaction.atomic
def invitation_create(
    *, programme: Programme, email: str, role: str, full_name: str = "", invited_by
) -> IssuedInvitation:
    """Invite one person; an earlier pending invitation for the same role stops working."""
    email = _normalise_email(email)
    full_name = full_name.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ProgrammeError(
            f"{email or 'That'} is not a valid email address.", field="email"
        ) from None
    if role not in ROLES:
        raise ProgrammeError("Choose whether to invite a mentor or a mentee.", field="role")
    if len(full_name) > NAME_MAX_LENGTH:
        raise ProgrammeError(
            f"The name can be at most {NAME_MAX_LENGTH} characters.", field="full_name"
        )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_programme_accepts_invitations(programme)
    if _members_in_role(programme=programme, role=role, emails=[email]):
        raise ProgrammeError(
            f"{email} is already a {ROLES[role].lower()} in {programme.name}.", field="email"
        )
    now = timezone.now()
    replaced = _revoke_pending(programme=programme, role=role, emails=[email], now=now)
    invitation, token = _new_invitation(
        programme=programme,
        email=email,
        role=role,
        full_name=full_name,
        invited_by=invited_by,
        now=now,
    )
    invitation.full_clean()
    invitation.save()
    _queue_emails([(invitation, token)])
    return IssuedInvitation(invitation=invitation, token=token, replaced_earlier=bool(replaced))


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ProgrammeError(f"{invitation.email} has already accepted this invitation.")
    if invitation.revoked_at:
        raise ProgrammeError(f"The invitation for {invitation.email} was already revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _unavailable_reason(invitation: Invitation, user) -> str | None:
    state = invitation.state
    if state == "accepted":
        if invitation.accepted_by_id == user.pk:
            return "You have already accepted this invitation."
        return "This invitation has already been used. Each link works once."
    if state == "revoked":
        return (
            "This invitation was withdrawn by the programme's coordinators. "
            "Ask them for a new one if you would still like to join."
        )
    if state == "expired":
        return (
            "This invitation has expired. Ask the programme's coordinators to send you a new one."
        )
    return None


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """Join the programme in the invited role. Works once, for the invited address only."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("programme")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise ProgrammeError("This invitation link is not valid.")
    reason = _unavailable_reason(invitation, user)
    if reason:
        raise ProgrammeError(reason)
    if not email_is_verified_for(user=user, email=invitation.email):
        raise ProgrammeError(
            f"This invitation was sent to {invitation.email}. Sign in with that address, "
            "or add it to your account and verify it, then open the link again."
        )
    programme = invitation.programme
    _check_programme_accepts_invitations(programme)
    now = timezone.now()
    # The claim: only one request can move the row out of "pending", even where the
    # database ignores select_for_update (SQLite).
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if claimed != 1:
        raise ProgrammeError("This invitation has already been used. Each link works once.")
    invitation.accepted_at, invitation.accepted_by = now, user
    _approve_application(invitation=invitation, user=user, now=now)
    _ensure_membership(invitation=invitation, user=user, now=now)
    return invitation


def _approve_application(*, invitation: Invitation, user, now) -> Application:
    programme, role = invitation.programme, invitation.role
    capacity = programme.default_mentor_capacity if role == Application.Role.MENTOR else None
    application = (
        Application.objects.select_for_update()
        .live()
        .filter(programme=programme, applicant=user, role=role)
        .first()
    )
    if application is None:
        application = Application(programme=programme, applicant=user, role=role, capacity=capacity)
    if application.status != Application.Status.APPROVED:
        application.status = Application.Status.APPROVED
        application.via_invitation = True
        application.decided_at = now
        application.decided_by = invitation.invited_by
        application.capacity = application.capacity or capacity
        application.save()
    return application


def _ensure_membership(*, invitation: Invitation, user, now) -> None:
    programme, role = invitation.programme, invitation.role
    if Membership.objects.active().filter(programme=programme, user=user, role=role).exists():
        return
    capacity = programme.default_mentor_capacity if role == Membership.Role.MENTOR else None
    Membership.objects.create(
        programme=programme, user=user, role=role, capacity=capacity, joined_at=now
    )


# CSV import ------------------------------------------------------------------------


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
        _normalise_email(cell("email")),
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
        members = _members_in_role(
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
    _check_programme_accepts_invitations(programme)
    rows = invitations_parse_csv(programme=programme, data=file.read(MAX_IMPORT_BYTES + 1))
    now = timezone.now()
    for role in ROLES:
        _revoke_pending(
            programme=programme,
            role=role,
            emails=(r.email for r in rows if r.role == role),
            now=now,
        )
    issued = [
        _new_invitation(
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
    _queue_emails(issued)
    return invitations
