"""Helpers for the availability, booking, invitation and feed tests."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from django.utils import timezone

from matching.models import Mentorship
from sessions.models import AvailabilityWindow, Meeting
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
_numbers = itertools.count(1)

# Thursday 15 October 2026, 08:00 in London (BST). The clocks go back on Sunday 25th.
NOW = dt.datetime(2026, 10, 15, 7, 0, tzinfo=UTC)


def person(programme, role: str, *, time_zone: str = "Europe/London"):
    n = next(_numbers)
    user = UserFactory(email=f"b{role}{n}@example.org", full_name=f"Dr {role.title()} B{n}")
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    ProfileFactory(user=user)
    MembershipFactory(programme=programme, user=user, role=role)
    return user


def make_mentorship(programme, mentor, mentee, **fields) -> Mentorship:
    values = {"status": Mentorship.Status.ACTIVE, "origin": "request"}
    values.update(fields)
    values.setdefault("started_on", timezone.localdate())
    return Mentorship.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


def monday_mornings(mentor, *, start=dt.time(9), end=dt.time(12), modes=("video", "phone")):
    return AvailabilityWindow.objects.create(
        mentor=mentor,
        weekday=0,
        start_time=start,
        end_time=end,
        time_zone="Europe/London",
        modes=list(modes),
    )


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def meeting_at(mentorship, starts_at, *, minutes=50, status=Meeting.Status.CONFIRMED, **fields):
    return Meeting.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        mode=fields.pop("mode", "video"),
        status=status,
        proposed_by=fields.pop("proposed_by", mentorship.mentee),
        **fields,
    )
