"""A mentor's own availability: weekly windows, one-off slots, blackouts, defaults."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from mentoring.accounts.models import User
from mentoring.vocabulary import MeetingMode
from programmes.models import Membership

from ..errors import MeetingError
from ..models import AvailabilitySlot, AvailabilityWindow, Blackout, MeetingDefaults


def is_mentor(user: User) -> bool:
    """Is the person a current mentor in any programme?"""
    if not user.is_authenticated:
        return False
    return Membership.objects.active().filter(user=user, role=Membership.Role.MENTOR).exists()


def _check_modes(modes: list[str]) -> list[str]:
    valid = [m for m in modes if m in MeetingMode.values]
    if not valid:
        raise MeetingError("Choose at least one way to meet.", field="modes")
    return valid


def _check_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise MeetingError("Choose a valid time zone.", field="time_zone") from error
    return name


@transaction.atomic
def window_add(
    *,
    mentor: User,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    modes: list[str],
    time_zone: str = "",
) -> AvailabilityWindow:
    if not 0 <= weekday <= 6:
        raise MeetingError("Choose a day of the week.", field="weekday")
    if end_time <= start_time:
        raise MeetingError("The window must end after it starts.", field="end_time")
    return AvailabilityWindow.objects.create(
        mentor=mentor,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        time_zone=_check_zone(time_zone or mentor.time_zone),
        modes=_check_modes(modes),
    )


@transaction.atomic
def slot_add(
    *, mentor: User, starts_at: dt.datetime, ends_at: dt.datetime, modes: list[str]
) -> AvailabilitySlot:
    if ends_at <= starts_at:
        raise MeetingError("The time must end after it starts.", field="ends_at")
    return AvailabilitySlot.objects.create(
        mentor=mentor, starts_at=starts_at, ends_at=ends_at, modes=_check_modes(modes)
    )


@transaction.atomic
def blackout_add(*, mentor: User, starts_on: dt.date, ends_on: dt.date, note: str = "") -> Blackout:
    if ends_on < starts_on:
        raise MeetingError("The last day cannot be before the first.", field="ends_on")
    return Blackout.objects.create(mentor=mentor, starts_on=starts_on, ends_on=ends_on, note=note)


_KINDS = {"window": AvailabilityWindow, "slot": AvailabilitySlot, "blackout": Blackout}


@transaction.atomic
def availability_remove(*, mentor: User, kind: str, pk: int) -> None:
    """Remove one of the mentor's own windows, slots or blackouts."""
    model = _KINDS.get(kind)
    if model is None:
        raise MeetingError("That is not something you can remove.")
    deleted, _ = model.objects.select_for_update().filter(mentor=mentor, pk=pk).delete()
    if not deleted:
        raise MeetingError("That has already been removed.")


@transaction.atomic
def defaults_set(*, mentor: User, video_link: str, location: str) -> MeetingDefaults:
    defaults, _ = MeetingDefaults.objects.select_for_update().get_or_create(mentor=mentor)
    defaults.video_link = video_link
    defaults.location = location
    defaults.save()
    return defaults
