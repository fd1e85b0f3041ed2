"""Reads for availability and meetings, always starting from who is asking."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from matching.models import Mentorship
from mentoring.accounts.models import User

from ..models import AvailabilitySlot, AvailabilityWindow, Blackout, Meeting, SessionNote


@dataclass(frozen=True)
class OpenSlot:
    starts_at: dt.datetime  # in the viewer's time zone
    ends_at: dt.datetime
    modes: tuple[str, ...]

    @property
    def value(self) -> str:
        return self.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_of(user: User) -> zoneinfo.ZoneInfo:
    return user.zone


def _exists_locally(moment: dt.datetime) -> bool:
    """False for wall-clock times skipped by a daylight-saving change."""
    round_trip = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def busy_periods(users: list[User], start: dt.datetime, end: dt.datetime) -> list[tuple]:
    ids = [u.pk for u in users]
    return list(
        Meeting.objects.live()
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids), starts_at__lt=end, ends_at__gt=start)
        .values_list("starts_at", "ends_at")
    )


def _blacked_out(blackouts: list[Blackout], day: dt.date) -> bool:
    return any(b.starts_on <= day <= b.ends_on for b in blackouts)


def offered_periods(mentor: User, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """(starts_at, ends_at, modes) the mentor offers between start and end, blackouts removed.

    Weekly windows are laid out day by day in their own time zone, so 09:00 stays
    09:00 local time on both sides of a daylight-saving change.
    """
    mentor_zone = zone_of(mentor)
    blackouts = list(
        Blackout.objects.filter(mentor=mentor, ends_on__gte=start.date() - dt.timedelta(days=1))
    )
    periods = []
    for window in AvailabilityWindow.objects.filter(mentor=mentor):
        zone = zoneinfo.ZoneInfo(window.time_zone)
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        while day <= last:
            if day.weekday() == window.weekday and not _blacked_out(blackouts, day):
                begins = dt.datetime.combine(day, window.start_time, tzinfo=zone)
                finishes = dt.datetime.combine(day, window.end_time, tzinfo=zone)
                periods.append((begins, finishes, tuple(window.modes)))
            day += dt.timedelta(days=1)
    for slot in AvailabilitySlot.objects.filter(
        mentor=mentor, ends_at__gt=start, starts_at__lt=end
    ):
        if not _blacked_out(blackouts, slot.starts_at.astimezone(mentor_zone).date()):
            periods.append((slot.starts_at, slot.ends_at, tuple(slot.modes)))
    return periods


def slots_for(
    mentorship: Mentorship,
    *,
    days: int = 21,
    viewer: User | None = None,
    now: dt.datetime | None = None,
) -> list[OpenSlot]:
    """Open slots of the programme's meeting length, in the viewer's time zone.

    The mentor's windows and one-off slots, minus blackouts and both people's live
    meetings, from now to `days` ahead.
    """
    now = now or timezone.now()
    end = now + dt.timedelta(days=days)
    length = dt.timedelta(minutes=mentorship.programme.meeting_length_minutes or 50)
    viewer_zone = zone_of(viewer or mentorship.mentee)
    busy = busy_periods([mentorship.mentor, mentorship.mentee], now, end)
    found: dict[dt.datetime, OpenSlot] = {}
    for begins, finishes, modes in offered_periods(mentorship.mentor, now, end):
        start = begins
        while start + length <= finishes:
            if _exists_locally(start):
                start_utc = start.astimezone(dt.UTC)
                stop_utc = start_utc + length
                free = all(
                    not (b_start < stop_utc and b_end > start_utc) for b_start, b_end in busy
                )
                if now < start_utc < end and free and start_utc not in found:
                    found[start_utc] = OpenSlot(
                        starts_at=start_utc.astimezone(viewer_zone),
                        ends_at=stop_utc.astimezone(viewer_zone),
                        modes=modes,
                    )
            # Step in real (UTC) time so a DST change inside a window is handled.
            start = (start.astimezone(dt.UTC) + length).astimezone(start.tzinfo)
    return [found[key] for key in sorted(found)]


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    """Meetings the person may see, with what every list shows, in one query."""
    return (
        Meeting.objects.visible_to(user)
        .select_related("mentor", "mentee", "mentorship__programme")
        .annotate(has_note=Exists(SessionNote.objects.filter(meeting=OuterRef("pk"))))
    )


def my_meetings(*, user: User) -> QuerySet[Meeting]:
    return meetings_for(user=user).of_member(user)


def meeting_for(*, user: User, pk: int) -> QuerySet[Meeting]:
    return meetings_for(user=user).filter(pk=pk)


def mentorship_meetings(*, mentorship: Mentorship, user: User) -> QuerySet[Meeting]:
    return meetings_for(user=user).filter(mentorship=mentorship)
