"""A test-only reminder kind about a meeting, registered in the test and its children.

The worker child only knows the kinds the apps register; this one lets the
integration tests schedule reminders that are due now without depending on the
schedule of a real kind. Like a real kind, `render` re-reads the meeting (a cancelled
one is not reminded of). The page link carries `?reminder=<id>`, so a test can tell
which row each email came from and check that none goes out twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

# Only the registry here: the worker imports this module before Django is set up.
from mentoring.notifications import registry

KIND = "test_meeting_reminder"
_MARKER = re.compile(r"\?reminder=(\d+)")


def _render(n) -> registry.Message | None:
    from mentoring.notifications import services
    from sessions.models import Meeting

    meeting = (
        Meeting.objects.select_related("mentorship__mentor", "mentorship__mentee")
        .filter(pk=services.subject_pk(n))
        .first()
    )
    if meeting is None or meeting.status == Meeting.Status.CANCELLED:
        return None
    mentor, mentee = meeting.mentorship.mentor, meeting.mentorship.mentee
    other = mentee if n.recipient_id == mentor.pk else mentor
    url = reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}) + f"?reminder={n.pk}"
    context = {
        "other": other,
        "by": mentee,
        "by_me": n.recipient_id == mentee.pk,
        "meeting": meeting,
        "when": f"{meeting.starts_at:%Y-%m-%d %H:%M} UTC",
        "mode": meeting.get_mode_display(),
        "meeting_url": settings.SITE_URL + url,
    }
    return registry.Message(template="meeting_booked", context=context, url=url)


TEST_KIND = registry.Kind(
    name=KIND, label="Test reminders about a meeting", render=_render, optional=False
)


def register() -> None:
    registry.register_kind(TEST_KIND)


def unregister() -> None:
    registry._KINDS.pop(KIND, None)


def schedule(meeting, recipient_ids: Iterable[int], *, occurrences: Iterable[str] = ("",)):
    """Rows of the test kind about `meeting`, due a moment ago (no time travel across
    processes), for each recipient and occurrence."""
    from mentoring.notifications import services

    due = timezone.now() - dt.timedelta(seconds=1)
    key = services.subject_key(meeting)
    services.notifications_schedule(
        services.Due(KIND, key, rid, due, occurrence)
        for rid in recipient_ids
        for occurrence in occurrences
    )


def reminder_ids(messages: Iterable[dict]) -> list[int]:
    """The reminder id of each message that is a test reminder (duplicates kept)."""
    found = []
    for message in messages:
        match = _MARKER.search(message["body"])
        if match:
            found.append(int(match.group(1)))
    return found
