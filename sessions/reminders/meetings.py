"""Reminders about meetings and action points (rows written by sessions/services/reminders.py).

- meeting_upcoming: both members, 24 hours and 1 hour before the start, with the page
  (agenda) and the video link or place. Goes only if the meeting is still booked at
  the same time and has not started; the 24-hour one is dropped once the 1-hour one
  is due (a late delivery would otherwise send both together).
- meeting_follow_up: the mentor, two hours after the end, to mark it held and write
  the note, unless both are done (or it was cancelled or marked missed).
- meeting_action_points: the mentee, once the shared part of the note is written.
- meeting_feedback: the mentee, the morning after, a one-click "how did it go?" (1-5),
  unless the meeting did not happen or they have already answered.
- action_item_due: the owner of an action point, the day before it is due, while it
  is open and its date unchanged.

Closed mentorships get none of them. For a paused one, a reminder about something
still ahead (a meeting, a due date) waits until the pause ends if it is still ahead
then; a reminder about a meeting already past is dropped.
Emails say what happened and link to the page: never note, agenda or action text.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Mentorship
from mentoring.notifications import registry
from mentoring.notifications.models import Notification
from mentoring.notifications.services import subject_pk

from ..models import ActionItem, Meeting, MeetingFeedback, SessionNote
from ..selectors import zone_of
from ..services import reminders as rows
from ..services.booking import meeting_when
from ..services.feedback import RATING_LABELS, RATINGS, can_give_feedback, feedback_token

Status = Meeting.Status
GO = "go"
RESUME_AT = dt.time(7)  # after the daily sweep that resumes paused mentorships (06:10)


def _resume_at(mentorship: Mentorship, now: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    resume = dt.datetime.combine(mentorship.paused_until, RESUME_AT, tzinfo=zone)
    # The resume sweep has not run yet: look again in an hour rather than at once.
    return resume if resume > now else now + dt.timedelta(hours=1)


def _gate(mentorship: Mentorship, now: dt.datetime, *, before: dt.datetime | None = None):
    """GO for an active mentorship; a Defer to the end of a pause if `before` is after it."""
    if mentorship.status == Mentorship.Status.ACTIVE:
        return GO
    if mentorship.status == Mentorship.Status.PAUSED and before and mentorship.paused_until:
        resume = _resume_at(mentorship, now)
        if resume < before:
            return registry.Defer(until=resume)
    return None


def _meeting(n: Notification) -> Meeting | None:
    return (
        Meeting.objects.select_related("mentorship", "mentor", "mentee")
        .filter(pk=subject_pk(n))
        .first()
    )


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})


def _context(meeting: Meeting, recipient) -> dict:
    other = meeting.mentee if recipient.pk == meeting.mentor_id else meeting.mentor
    return {
        "meeting": meeting,
        "other": other,
        "when": meeting_when(meeting, recipient),
        "mode": meeting.get_mode_display(),
        "is_mentor": recipient.pk == meeting.mentor_id,
    }


# Upcoming meeting --------------------------------------------------------------------------


def render_upcoming(n: Notification):
    meeting = _meeting(n)
    if meeting is None or meeting.status != Status.CONFIRMED:
        return None
    if n.recipient_id not in (meeting.mentor_id, meeting.mentee_id):
        return None
    which = n.occurrence.partition("@")[0]
    if which not in rows.BEFORE_START or n.occurrence != rows.upcoming_occurrence(which, meeting):
        return None  # the meeting moved: the rows of its new time will go instead
    now = timezone.now()
    last_moment = meeting.starts_at - (
        rows.BEFORE_START["1h"] if which == "24h" else dt.timedelta()
    )
    if now >= last_moment:
        return None
    gate = _gate(meeting.mentorship, now, before=last_moment)
    if gate != GO:
        return gate
    context = {**_context(meeting, n.recipient), "soon": which == "1h"}
    return registry.Message("reminder_meeting_upcoming", context, _meeting_url(meeting))


# Follow-up for the mentor ------------------------------------------------------------------


def render_follow_up(n: Notification):
    meeting = _meeting(n)
    if meeting is None or meeting.status in (Status.CANCELLED, Status.MISSED, Status.PROPOSED):
        return None
    if n.recipient_id != meeting.mentor_id or n.occurrence != rows.ended_occurrence(meeting):
        return None
    has_note = SessionNote.objects.filter(meeting=meeting).exists()
    if meeting.status == Status.HELD and has_note:
        return None
    if _gate(meeting.mentorship, timezone.now()) != GO:
        return None
    context = {
        **_context(meeting, n.recipient),
        "needs_marking": meeting.status == Status.CONFIRMED,
        "has_note": has_note,
        "note_url": settings.SITE_URL
        + reverse("meetings:note_edit", kwargs={"meeting_pk": meeting.pk}),
    }
    return registry.Message("reminder_meeting_follow_up", context, _meeting_url(meeting))


# Action points for the mentee ----------------------------------------------------------------


def render_action_points(n: Notification):
    meeting = _meeting(n)
    if meeting is None or meeting.status == Status.CANCELLED or n.recipient_id != meeting.mentee_id:
        return None
    note = SessionNote.objects.filter(meeting=meeting).first()
    if not rows.shared_part_written(note):
        return None
    if _gate(meeting.mentorship, timezone.now()) != GO:
        return None
    url = reverse("meetings:note_edit", kwargs={"meeting_pk": meeting.pk})
    return registry.Message("reminder_meeting_action_points", _context(meeting, n.recipient), url)


# How did it go? ------------------------------------------------------------------------------


def _rating_links(meeting: Meeting) -> list[dict]:
    links = []
    for rating in RATINGS:
        token = feedback_token(meeting_id=meeting.pk, mentee_id=meeting.mentee_id, rating=rating)
        path = reverse("meetings:feedback_link", kwargs={"token": token})
        links.append(
            {"rating": rating, "label": RATING_LABELS[rating], "url": settings.SITE_URL + path}
        )
    return links


def render_feedback(n: Notification):
    meeting = _meeting(n)
    if meeting is None or not can_give_feedback(meeting):
        return None
    if n.recipient_id != meeting.mentee_id or n.occurrence != rows.ended_occurrence(meeting):
        return None
    if MeetingFeedback.objects.filter(meeting=meeting, mentee_id=n.recipient_id).exists():
        return None
    if _gate(meeting.mentorship, timezone.now()) != GO:
        return None
    context = {**_context(meeting, n.recipient), "ratings": _rating_links(meeting)}
    url = reverse("meetings:feedback", kwargs={"pk": meeting.pk})
    return registry.Message("reminder_meeting_feedback", context, url)


# Action point due ----------------------------------------------------------------------------


def render_action_due(n: Notification):
    item = (
        ActionItem.objects.select_related("mentorship__mentor", "mentorship__mentee")
        .filter(pk=subject_pk(n))
        .first()
    )
    if item is None or item.done_at is not None or item.due_on is None:
        return None
    mentorship = item.mentorship
    if n.occurrence != item.due_on.isoformat() or n.recipient_id != rows.owner_id(item, mentorship):
        return None
    now = timezone.now()
    zone = zone_of(n.recipient)
    day_after = dt.datetime.combine(item.due_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    if now >= day_after:
        return None  # the date has passed (a long deferral): the list shows it as overdue
    gate = _gate(mentorship, now, before=day_after)
    if gate != GO:
        return gate
    other = mentorship.mentee if n.recipient_id == mentorship.mentor_id else mentorship.mentor
    context = {
        "other": other,
        "due_text": date_format(item.due_on, "l j F Y"),
        "due_tomorrow": item.due_on == now.astimezone(zone).date() + dt.timedelta(days=1),
    }
    return registry.Message("reminder_action_item_due", context, reverse("meetings:action_items"))


KINDS = (
    registry.Kind(
        name=rows.UPCOMING,
        label="Reminders of upcoming meetings",
        render=render_upcoming,
        audience="member",
        help_text="A day and an hour before each meeting, with the link to join or the place.",
    ),
    registry.Kind(
        name=rows.FOLLOW_UP,
        label="After a meeting: mark it held and write the note",
        render=render_follow_up,
        audience="mentor",
        help_text="Two hours after a meeting ends, if it is not yet marked held with a note.",
    ),
    registry.Kind(
        name=rows.ACTION_POINTS,
        label="Your action points after a meeting",
        render=render_action_points,
        audience="mentee",
        help_text="When your mentor has written up the meeting and the action points you agreed.",
    ),
    registry.Kind(
        name=rows.FEEDBACK,
        label="The day after a meeting: how did it go?",
        render=render_feedback,
        audience="mentee",
        help_text="A one-click rating from 1 to 5 that helps the programme improve.",
    ),
    registry.Kind(
        name=rows.ACTION_DUE,
        label="Action points due tomorrow",
        render=render_action_due,
        audience="member",
        help_text="The day before one of your action points is due.",
    ),
)


def register() -> None:
    """Registers this module's reminder kinds (their rows are written at the change)."""
    for kind in KINDS:
        registry.register_kind(kind)
