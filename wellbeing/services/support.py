"""Support requests to a programme's welfare leads, and mentors' referrals.

What a person writes in a support request (how to reach them, their message) stays on
the site: emails only say that something is waiting and link to it, so nothing
confidential sits in anyone's mailbox. A referral goes nowhere until the mentee
confirms it in their own account; only then does it become their support request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentoring.accounts.models import User
from mentoring.notifications.emails import send_email
from programmes.errors import ProgrammeError
from programmes.models import Membership, Programme

from ..models import Referral, SupportRequest, SupportService

Role = Membership.Role
Status = SupportRequest.Status
# Who may ask for contact: the programme's participants. Coordinators and welfare
# leads have their own routes to support.
ASKING_ROLES = (Role.MENTOR, Role.MENTEE)
DETAILS_MAX = 300
MESSAGE_MAX = 2000
REFERRAL_OPEN_STATUSES = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)


def site_url(name: str, **kwargs) -> str:
    """An absolute address of a wellbeing page, for emails."""
    return settings.SITE_URL + reverse(f"wellbeing:{name}", kwargs=kwargs)


# Who is who -------------------------------------------------------------------------


def welfare_leads_of(programme: Programme, *, excluding: User | None = None) -> list[User]:
    """The programme's current welfare leads who can still sign in."""
    leads = User.objects.filter(
        is_active=True,
        memberships__programme=programme,
        memberships__role=Role.WELFARE_LEAD,
        memberships__ended_at__isnull=True,
    )
    if excluding is not None:
        leads = leads.exclude(pk=excluding.pk)
    return list(leads.distinct().order_by("pk"))


def is_welfare_lead(*, user: User, programme_id: int) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, programme_id=programme_id, role=Role.WELFARE_LEAD)
        .exists()
    )


def can_ask(*, user: User, programme: Programme) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, programme=programme, role__in=ASKING_ROLES)
        .exists()
    )


# Support requests ------------------------------------------------------------------


def _check_text(value: str, *, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ProgrammeError(f"Please keep {label} under {limit} characters.", field=field)
    return value


def _contact(
    *, contact_method: str, contact_details: str, preferred_times: str, message: str
) -> dict:
    if contact_method not in SupportRequest.ContactMethod.values:
        raise ProgrammeError("Choose how you would like to be contacted.", field="contact_method")
    details = _check_text(
        contact_details, limit=DETAILS_MAX, field="contact_details", label="the contact details"
    )
    if not details:
        raise ProgrammeError("Tell us the number or address to use.", field="contact_details")
    return {
        "contact_method": contact_method,
        "contact_details": details,
        "preferred_times": _check_text(
            preferred_times, limit=DETAILS_MAX, field="preferred_times", label="the times"
        )
        or None,
        "message": _check_text(message, limit=MESSAGE_MAX, field="message", label="your message")
        or None,
    }


def no_welfare_lead_message(programme: Programme) -> str:
    return (
        f"{programme.name} does not have a welfare lead at the moment, so there is nobody "
        "to pass a request to. The programme's support directory lists services you can "
        "contact directly."
    )


def _tell_welfare_leads(support_request: SupportRequest, leads: list[User]) -> None:
    # One email each, naming nobody and saying nothing of what was written.
    url = site_url("support_request_detail", pk=support_request.pk)
    for lead in leads:
        send_email(
            "support_request_waiting",
            to=[lead.email],
            context={"recipient": lead, "programme": support_request.programme, "url": url},
            in_app_for=lead,
        )


@transaction.atomic
def support_request_create(
    *,
    user: User,
    programme: Programme,
    contact_method: str,
    contact_details: str,
    preferred_times: str = "",
    message: str = "",
    referral: Referral | None = None,
) -> SupportRequest:
    """Ask the programme's welfare leads to contact the person, and tell them one is waiting."""
    if not can_ask(user=user, programme=programme):
        raise ProgrammeError(
            f"Only mentors and mentees of {programme.name} can ask its welfare team for contact."
        )
    leads = welfare_leads_of(programme, excluding=user)
    if not leads:
        raise ProgrammeError(no_welfare_lead_message(programme))
    support_request = SupportRequest(
        user=user,
        programme=programme,
        referral=referral,
        **_contact(
            contact_method=contact_method,
            contact_details=contact_details,
            preferred_times=preferred_times,
            message=message,
        ),
    )
    try:
        support_request.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ProgrammeError(messages[0], field=field) from exc
    support_request.save()
    _tell_welfare_leads(support_request, leads)
    return support_request


# The statuses each person may set, from each status.
LEAD_MOVES = {Status.OPEN: (Status.CONTACTED, Status.CLOSED), Status.CONTACTED: (Status.CLOSED,)}
OWNER_MOVES = {Status.OPEN: (Status.CLOSED,), Status.CONTACTED: (Status.CLOSED,)}


@transaction.atomic
def support_request_update(*, support_request_id: int, user: User, status: str) -> SupportRequest:
    """A welfare lead marks a request contacted or closed; its owner may withdraw (close) it."""
    support_request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .visible_to(user)
        .filter(pk=support_request_id)
        .select_related("programme")
        .first()
    )
    if support_request is None:
        raise ProgrammeError("This support request is not one you can change.")
    allowed: set[str] = set()
    if is_welfare_lead(user=user, programme_id=support_request.programme_id):
        allowed.update(LEAD_MOVES.get(support_request.status, ()))
    if support_request.user_id == user.pk:
        allowed.update(OWNER_MOVES.get(support_request.status, ()))
    if status not in allowed:
        if support_request.status == Status.CLOSED:
            raise ProgrammeError("This support request is already closed.")
        raise ProgrammeError("That change is not possible for this support request.")
    support_request.status = status
    support_request.handled_by = user
    support_request.handled_at = timezone.now()
    support_request.save(update_fields=["status", "handled_by", "handled_at"])
    return support_request


# Referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *, mentorship_id: int, mentor: User, service_id: int | None = None, note: str = ""
) -> Referral:
    """A mentor suggests support for their mentee; it waits for the mentee's answer."""
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .filter(pk=mentorship_id, mentor=mentor, status__in=REFERRAL_OPEN_STATUSES)
        .select_related("programme", "mentee", "mentor")
        .first()
    )
    if mentorship is None:
        raise ProgrammeError("You can suggest a referral only for a mentee you are mentoring now.")
    service = None
    if service_id:
        service = SupportService.objects.filter(
            programme=mentorship.programme, pk=service_id
        ).first()
        if service is None:
            raise ProgrammeError(
                "Choose a service from the programme's directory.", field="service"
            )
    note = _check_text(note, limit=MESSAGE_MAX, field="note", label="the note")
    if service is None and not note:
        raise ProgrammeError(
            "Choose a service from the directory, or describe the support you have in mind.",
            field="note",
        )
    referral = Referral.objects.create(mentorship=mentorship, service=service, note=note or None)
    send_email(
        "referral_proposed",
        to=[mentorship.mentee.email],
        context={
            "recipient": mentorship.mentee,
            "mentor": mentorship.mentor,
            "programme": mentorship.programme,
            "url": site_url("referral_respond", pk=referral.pk),
        },
        in_app_for=mentorship.mentee,
    )
    return referral


def _lock_referral(*, referral_id: int, mentee: User) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(pk=referral_id, mentorship__mentee=mentee)
        .select_related("mentorship__programme", "mentorship__mentor", "mentorship__mentee")
        .first()
    )
    if referral is None:
        raise ProgrammeError("This referral is not one you can answer.")
    if referral.status != Referral.Status.PROPOSED:
        raise ProgrammeError("You have already answered this referral.")
    return referral


def _decide(referral: Referral, status: str) -> None:
    referral.status = status
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decided_at"])
    mentorship = referral.mentorship
    send_email(
        "referral_outcome",
        to=[mentorship.mentor.email],
        context={
            "recipient": mentorship.mentor,
            "mentee": mentorship.mentee,
            "programme": mentorship.programme,
            "confirmed": status == Referral.Status.CONFIRMED,
            "url": site_url("referral_create", mentorship_pk=mentorship.pk),
        },
        in_app_for=mentorship.mentor,
    )


@transaction.atomic
def referral_confirm(
    *,
    referral_id: int,
    mentee: User,
    contact_method: str,
    contact_details: str,
    preferred_times: str = "",
    message: str = "",
) -> SupportRequest:
    """The mentee agrees: the referral becomes their support request to the welfare leads."""
    referral = _lock_referral(referral_id=referral_id, mentee=mentee)
    support_request = support_request_create(
        user=mentee,
        programme=referral.mentorship.programme,
        contact_method=contact_method,
        contact_details=contact_details,
        preferred_times=preferred_times,
        message=message,
        referral=referral,
    )
    _decide(referral, Referral.Status.CONFIRMED)
    return support_request


@transaction.atomic
def referral_decline(*, referral_id: int, mentee: User) -> Referral:
    """The mentee says no thank you: nothing is passed on."""
    referral = _lock_referral(referral_id=referral_id, mentee=mentee)
    _decide(referral, Referral.Status.DECLINED)
    return referral
