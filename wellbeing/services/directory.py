"""A programme's directory of support services, kept by its coordinators.

A programme's directory starts with the UK services for doctors (`DEFAULT_SERVICES`),
added the first time anyone opens or edits it. The national urgent contacts are also
fixed in code (`NATIONAL_URGENT`): they are shown first to anyone having a very hard
time, whatever a coordinator has changed in the directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from programmes.errors import ProgrammeError
from programmes.models import Membership, Programme

from ..models import SupportService, WellbeingSettings

SERVICE_FIELDS = ("name", "purpose", "phone", "text", "url", "hours", "urgent")

# From domain.md, "Support services for UK doctors".
DEFAULT_SERVICES: tuple[dict, ...] = (
    {
        "name": "Emergency services (999 or A&E)",
        "purpose": "If you might act on thoughts of harming yourself, or someone is in danger: "
        "call 999 or go to your nearest A&E.",
        "phone": "999",
        "hours": "24 hours, every day",
        "urgent": True,
    },
    {
        "name": "NHS 111",
        "purpose": "Urgent medical advice when it is not an emergency.",
        "phone": "111",
        "url": "https://111.nhs.uk/",
        "hours": "24 hours, every day",
        "urgent": True,
    },
    {
        "name": "Samaritans",
        "purpose": "Someone to listen, whatever you are going through. Free to call.",
        "phone": "116 123",
        "url": "https://www.samaritans.org/",
        "hours": "24 hours, every day",
        "urgent": True,
    },
    {
        "name": "BMA counselling and peer support",
        "purpose": "Confidential counselling and peer support for all doctors and medical "
        "students (not an emergency service).",
        "phone": "0330 123 1245",
        "url": "https://www.bma.org.uk/advice-and-support/your-wellbeing",
        "hours": "24 hours, every day",
    },
    {
        "name": "NHS Practitioner Health",
        "purpose": "A free, confidential service for doctors and dentists in England with "
        "mental health concerns. You can refer yourself.",
        "phone": "0300 0303 300",
        "url": "https://www.practitionerhealth.nhs.uk/",
        "hours": "Weekdays 8am-8pm, Saturday 8am-2pm",
    },
    {
        "name": "Your own GP",
        "purpose": "Your GP can help with your physical and mental health and refer you on.",
    },
    {
        "name": "Occupational health",
        "purpose": "Your employer's occupational health service, in confidence: support with "
        "health at work, adjustments and returning to work.",
    },
    {
        "name": "Professional support unit",
        "purpose": "Your deanery's or employer's professional support unit: help with training, "
        "career and personal circumstances.",
    },
)

# Shown first, in this order, to a person whose check-in is very low.
NATIONAL_URGENT: tuple[dict, ...] = (
    {
        "name": "999 or A&E",
        "purpose": "If you might act on thoughts of harming yourself, or someone is in danger.",
        "phone": "999",
        "hours": "24 hours",
    },
    {
        "name": "Samaritans",
        "purpose": "Someone to listen, whatever you are going through. Free to call.",
        "phone": "116 123",
        "hours": "24 hours, every day",
    },
    {
        "name": "BMA counselling and peer support",
        "purpose": "For all doctors and medical students (not an emergency service).",
        "phone": "0330 123 1245",
        "hours": "24 hours",
    },
    {
        "name": "NHS Practitioner Health",
        "purpose": "Doctors and dentists in England; you can refer yourself.",
        "phone": "0300 0303 300",
        "hours": "Weekdays 8am-8pm, Saturday 8am-2pm",
    },
)


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


URGENT_NUMBERS = frozenset(phone_digits(contact["phone"]) for contact in NATIONAL_URGENT)
# Every number the support page (templates/support.html) always shows.
SUPPORT_PAGE_NUMBERS = URGENT_NUMBERS | {"111"}


def without_numbers(
    services: Iterable[SupportService], numbers: frozenset[str] = URGENT_NUMBERS
) -> list[SupportService]:
    """The services a page has not already listed among its fixed national contacts."""
    return [s for s in services if phone_digits(s.phone) not in numbers]


def _raise_from(error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        raise ProgrammeError(messages[0], field=None if field == "__all__" else field)
    raise ProgrammeError(error.messages[0])


def _lock_programme(programme: Programme, actor=None) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if actor is not None:
        coordinates = Membership.objects.active().filter(
            programme=locked, user=actor, role=Membership.Role.COORDINATOR
        )
        if not coordinates.exists():
            raise ProgrammeError("Only this programme's coordinators can change its directory.")
    return locked


@transaction.atomic
def directory_seed_defaults(programme: Programme) -> bool:
    """Add the default services once per programme; True if they were added now."""
    seeded = WellbeingSettings.objects.filter(
        programme=programme, directory_seeded_at__isnull=False
    )
    if seeded.exists():
        return False  # the common case, without taking a lock
    locked = _lock_programme(programme)
    settings, _ = WellbeingSettings.objects.get_or_create(programme=locked)
    if settings.directory_seeded_at is not None:
        return False
    start = locked.support_services.aggregate(top=Max("position"))["top"] or 0
    SupportService.objects.bulk_create(
        SupportService(programme=locked, position=start + i, **values)
        for i, values in enumerate(DEFAULT_SERVICES, start=1)
    )
    settings.directory_seeded_at = timezone.now()
    settings.save(update_fields=["directory_seeded_at"])
    return True


def _apply(service: SupportService, data: dict) -> None:
    for field in SERVICE_FIELDS:
        if field in data:
            value = data[field]
            setattr(service, field, value.strip() if isinstance(value, str) else value)
    try:
        service.full_clean()
    except ValidationError as error:
        _raise_from(error)


@transaction.atomic
def service_create(*, programme: Programme, actor, data: dict) -> SupportService:
    locked = _lock_programme(programme, actor)
    top = locked.support_services.aggregate(top=Max("position"))["top"] or 0
    service = SupportService(programme=locked, position=top + 1)
    _apply(service, data)
    service.save()
    return service


@transaction.atomic
def service_update(*, service: SupportService, actor, data: dict) -> SupportService:
    _lock_programme(service.programme, actor)
    locked = SupportService.objects.select_for_update().get(pk=service.pk)
    _apply(locked, data)
    locked.save()
    return locked


@transaction.atomic
def service_delete(*, service: SupportService, actor) -> None:
    _lock_programme(service.programme, actor)
    SupportService.objects.filter(pk=service.pk).delete()


@transaction.atomic
def service_move(*, service: SupportService, actor, direction: str) -> bool:
    """Move a service up or down among the urgent (or the other) services; False at an end."""
    if direction not in ("up", "down"):
        raise ProgrammeError("Choose whether to move the service up or down.")
    programme = _lock_programme(service.programme, actor)
    group = list(
        SupportService.objects.select_for_update()
        .filter(programme=programme, urgent=service.urgent)
        .order_by("position", "name", "pk")
    )
    index = next((i for i, s in enumerate(group) if s.pk == service.pk), None)
    if index is None:
        raise ProgrammeError("This service is no longer in the directory.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(group):
        return False
    group[index], group[other] = group[other], group[index]
    for position, item in enumerate(group, start=1):
        item.position = position
    SupportService.objects.bulk_update(group, ["position"])
    return True
