"""Book many meetings in a child process, each with its reminders, as web requests would.

The Redis test runs `book_with_reminders` in a process whose broker is stopped: the
bookings (and the emails they send) must not need Redis, and the reminder rows they
write wait in PostgreSQL until it is back.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import zoneinfo

from django.db import transaction
from django.utils import timezone

from . import reminders

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST_HOUR, LAST_HOUR = 8, 20


def open_every_day(mentor) -> None:
    """Weekly windows 07:00-21:00 London time, every day, so any slot below is offered."""
    from sessions.models import AvailabilityWindow

    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            mentor=mentor,
            weekday=day,
            start_time=dt.time(7),
            end_time=dt.time(21),
            time_zone="Europe/London",
            modes=["video", "phone"],
        )
        for day in range(7)
    )


def slots(count: int) -> list[dt.datetime]:
    """`count` hourly starts from tomorrow morning on, inside the windows above."""
    day = timezone.now().astimezone(LONDON).date() + dt.timedelta(days=1)
    found: list[dt.datetime] = []
    while len(found) < count:
        for hour in range(FIRST_HOUR, LAST_HOUR + 1):
            found.append(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON))
        day += dt.timedelta(days=1)
    return found[:count]


def book_with_reminders(mentorship_id: int, count: int) -> None:
    """Book `count` meetings (each with its reminder rows, in the booking's transaction),
    then try to dispatch; prints what happened as JSON."""
    from matching.models import Mentorship
    from mentoring.notifications import services
    from sessions.services.booking import meeting_book

    mentorship = Mentorship.objects.select_related("mentee").get(pk=mentorship_id)
    started = time.monotonic()
    meetings = []
    for starts_at in slots(count):
        with transaction.atomic():
            meeting = meeting_book(
                mentorship=mentorship, by=mentorship.mentee, starts_at=starts_at, mode="video"
            )
            reminders.schedule(meeting, [mentorship.mentor_id, mentorship.mentee_id])
        meetings.append(meeting.pk)
    booked = time.monotonic() - started
    started = time.monotonic()
    handed = services.notifications_dispatch()
    report = {
        "meetings": meetings,
        "booking_seconds": round(booked, 3),
        "dispatched": handed,
        "dispatch_seconds": round(time.monotonic() - started, 3),
    }
    print(json.dumps(report))
