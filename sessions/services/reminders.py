"""Writing the rows of the meeting reminders, inside the transaction of the change.

Each reminder's occurrence names the time it belongs to ("24h@<start>", "@<end>", a
due date): when a meeting moves or a due date changes, new rows are written beside
the old ones, and the old ones cancel themselves at their kind's re-check (see
sessions/reminders/meetings.py). A move back to the first time finds its rows still
waiting, which would not be so if they had been cancelled at the move.

The kinds are rendered in sessions/reminders/meetings.py; this module only schedules,
so the booking and notes services can call it without importing the renderers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from matching.models import Mentorship
from mentoring.notifications import services as outbox
from mentoring.notifications.models import Notification

from ..models import ActionItem, Meeting, SessionNote
from ..selectors import zone_of

UPCOMING = "meeting_upcoming"
FOLLOW_UP = "meeting_follow_up"
ACTION_POINTS = "meeting_action_points"
FEEDBACK = "meeting_feedback"
ACTION_DUE = "action_item_due"

MEETING_KINDS = (UPCOMING, FOLLOW_UP, ACTION_POINTS, FEEDBACK)

# How long before the start each upcoming-meeting reminder goes.
BEFORE_START = {"24h": dt.timedelta(hours=24), "1h": dt.timedelta(hours=1)}
FOLLOW_UP_AFTER = dt.timedelta(hours=2)
FEEDBACK_AT = dt.time(10)  # the day after, in the mentee's time zone
ACTION_DUE_AT = dt.time(9)  # the day before the due date, in the owner's time zone


def stamp(moment: dt.datetime) -> str:
    """A moment as it appears in an occurrence: UTC to the minute (fits the 40 chars)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def upcoming_occurrence(which: str, meeting: Meeting) -> str:
    return f"{which}@{stamp(meeting.starts_at)}"


def ended_occurrence(meeting: Meeting) -> str:
    return f"@{stamp(meeting.ends_at)}"


def feedback_due(meeting: Meeting, mentee) -> dt.datetime:
    zone = zone_of(mentee)
    day = meeting.ends_at.astimezone(zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, FEEDBACK_AT, tzinfo=zone)


def action_due_at(due_on: dt.date, owner) -> dt.datetime:
    return dt.datetime.combine(due_on - dt.timedelta(days=1), ACTION_DUE_AT, tzinfo=zone_of(owner))


def _meeting_dues(meeting: Meeting, now: dt.datetime) -> list[outbox.Due]:
    key = outbox.subject_key(meeting)
    mentee = meeting.mentorship.mentee  # loaded with the mentorship by the services
    dues = [
        outbox.Due(
            UPCOMING, key, person_id, meeting.starts_at - before, upcoming_occurrence(w, meeting)
        )
        for w, before in BEFORE_START.items()
        for person_id in (meeting.mentor_id, meeting.mentee_id)
    ]
    ended = ended_occurrence(meeting)
    dues.append(
        outbox.Due(FOLLOW_UP, key, meeting.mentor_id, meeting.ends_at + FOLLOW_UP_AFTER, ended)
    )
    dues.append(outbox.Due(FEEDBACK, key, meeting.mentee_id, feedback_due(meeting, mentee), ended))
    # A reminder whose moment has passed (a meeting booked for this afternoon) is not
    # written: it would arrive at once, next to the booking email.
    return [d for d in dues if d.due_at > now]


def meeting_reminders_schedule(*, meeting: Meeting, now: dt.datetime | None = None) -> int:
    """The rows of a booked meeting: before it, after it, the day after. Call in its transaction."""
    if meeting.status != Meeting.Status.CONFIRMED:
        return 0  # a proposal is reminded of once accepted
    return outbox.notifications_schedule(_meeting_dues(meeting, now or timezone.now()))


def meeting_reminders_cancel(*, meeting: Meeting) -> int:
    """A cancelled meeting is final: its waiting reminders are cancelled now, not at their time.

    The pair's quiet check may be waiting for this meeting; bring it forward so it looks
    again at once (it defers itself if the pair is not quiet).
    """
    from ..reminders.milestones import KIND_QUIET

    Notification.objects.filter(
        kind=KIND_QUIET,
        subject_key=outbox.subject_key(meeting.mentorship),
        status=Notification.Status.PENDING,
        due_at__gt=timezone.now(),
    ).update(due_at=timezone.now())
    return outbox.notifications_cancel(subject=meeting, kinds=MEETING_KINDS)


def shared_part_written(note: SessionNote | None) -> bool:
    """The mentee has something to read: a shared summary or action points."""
    if note is None:
        return False
    if (note.shared_summary or "").strip():
        return True
    return ActionItem.objects.filter(meeting_id=note.meeting_id).exists()


def action_points_schedule(*, meeting: Meeting, note: SessionNote) -> None:
    """Tell the mentee once, when the shared part of the note is first written."""
    if not shared_part_written(note):
        return
    outbox.notification_schedule(
        kind=ACTION_POINTS, subject=meeting, recipient_id=meeting.mentee_id, due_at=timezone.now()
    )


def owner_id(item: ActionItem, mentorship: Mentorship) -> int:
    if item.owner == ActionItem.Owner.MENTOR:
        return mentorship.mentor_id
    return mentorship.mentee_id


def action_items_due_schedule(
    *, items: Iterable[ActionItem], mentorship: Mentorship, now: dt.datetime | None = None
) -> int:
    """A reminder to each item's owner the day before it is due (items with a due date)."""
    now = now or timezone.now()
    people = {mentorship.mentor_id: mentorship.mentor, mentorship.mentee_id: mentorship.mentee}
    dues = []
    for item in items:
        if item.due_on is None or item.done_at is not None:
            continue
        person_id = owner_id(item, mentorship)
        due_at = action_due_at(item.due_on, people[person_id])
        if due_at > now:
            key = outbox.subject_key(item)
            dues.append(outbox.Due(ACTION_DUE, key, person_id, due_at, item.due_on.isoformat()))
    return outbox.notifications_schedule(dues)


def meeting_reminders_backfill(*, now: dt.datetime | None = None, chunk: int = 500) -> int:
    """Write the rows of meetings booked before these reminders existed (safe to run twice).

    Only booked meetings from the last two days on (their follow-up and rating request
    may still be due), through the (status, starts_at) index, in chunks.
    """
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.CONFIRMED, starts_at__gt=now - dt.timedelta(days=2)
        )
        .select_related("mentorship__mentee")
        .order_by("starts_at", "pk")
    )
    written = 0
    for meeting in meetings.iterator(chunk_size=chunk):
        written += outbox.notifications_schedule(_meeting_dues(meeting, now))
    return written
