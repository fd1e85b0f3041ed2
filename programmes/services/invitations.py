"""Invitations: a link that lets one person join a programme in a role, once.

The raw token lives only in the emailed link; the database keeps its SHA-256
hash, so a leaked database does not leak working links. Accepting claims the row
with a conditional update whose row count is checked, so a double submit (two
tabs, a double click) accepts once whatever the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
STATES = ("pending", "accepted", "expired", "revoked")
ROLES = {choice.value: choice.label for choice in Application.Role}
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


def normalise_email(email: str) -> str:
    return email.strip().lower()


def members_in_role(*, programme: Programme, role: str, emails: Iterable[str]) -> set[str]:
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


def check_programme_accepts_invitations(programme: Programme) -> None:
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


def queue_emails(issued: Iterable[tuple[Invitation, str]]) -> None:
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


def revoke_pending(*, programme: Programme, role: str, emails: Iterable[str], now) -> int:
    return (
        Invitation.objects.pending()
        .filter(programme=programme, role=role, email__in=list(emails))
        .update(revoked_at=now)
    )


def new_invitation(*, programme, email, role, full_name, invited_by, now) -> tuple:
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
    email = normalise_email(email)
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
    check_programme_accepts_invitations(programme)
    if members_in_role(programme=programme, role=role, emails=[email]):
        raise ProgrammeError(
            f"{email} is already a {ROLES[role].lower()} in {programme.name}.", field="email"
        )
    now = timezone.now()
    replaced = revoke_pending(programme=programme, role=role, emails=[email], now=now)
    invitation, token = new_invitation(
        programme=programme,
        email=email,
        role=role,
        full_name=full_name,
        invited_by=invited_by,
        now=now,
    )
    invitation.full_clean()
    invitation.save()
    queue_emails([(invitation, token)])
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
    check_programme_accepts_invitations(programme)
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
