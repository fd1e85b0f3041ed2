"""Reminders about requests and the milestones of a mentorship.

Rows are written in the transaction of the change that makes them due: a request's
reminder when it is sent, a mentorship's milestones when it starts. Each kind re-reads
its subject when the reminder is about to go, so an answered request, a closed
mentorship or a moved planned end sends nothing. The kinds that need meetings data
(no meeting booked, a quiet pair) live in sessions, which answers `mentorship_started`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.notifications import registry
from mentoring.notifications.models import Notification
from mentoring.notifications.services import Due, notifications_schedule, subject_key, subject_pk

from .models import MentorRequest, Mentorship

KIND_REQUEST_PENDING = "request_pending"
KIND_MIDPOINT = "mentorship_midpoint"
KIND_ENDING_SOON = "mentorship_ending_soon"
KIND_END_REVIEW = "mentorship_end_review"
MILESTONE_KINDS = (KIND_MIDPOINT, KIND_ENDING_SOON, KIND_END_REVIEW)

REQUEST_REMINDER_AFTER = dt.timedelta(days=3)
ENDING_SOON_BEFORE = dt.timedelta(days=14)
# A two-weeks-before reminder this close to the mid-point review (a one-month
# relationship) would be a second email about the same thing.
ENDING_SOON_MIN_GAP = dt.timedelta(days=7)
# Milestones go in the morning; the dispatcher still holds them for quiet hours in the
# recipient's own zone.
MORNING = dt.time(9)
# A deferral never lands in the past, or the row would be claimed again every minute.
SHORTEST_DEFERRAL = dt.timedelta(hours=1)


def morning_of(day: dt.date) -> dt.datetime:
    """09:00 on `day` in the site's zone, as an aware datetime."""
    return dt.datetime.combine(day, MORNING, tzinfo=ZoneInfo(settings.TIME_ZONE))


def defer_until(until: dt.datetime, now: dt.datetime | None = None) -> registry.Defer:
    now = now or timezone.now()
    return registry.Defer(until=max(until, now + SHORTEST_DEFERRAL))


def pause_deferral(mentorship: Mentorship, extra: dt.timedelta = dt.timedelta(0)):
    """Paused mentorships are exempt until the pause ends (plus `extra`)."""
    end = mentorship.paused_until or timezone.localdate() + dt.timedelta(days=1)
    return defer_until(morning_of(end) + extra)


def local_time(moment: dt.datetime, user) -> dt.datetime:
    return moment.astimezone(user.zone)


def mentorship_url(mentorship: Mentorship, anchor: str = "") -> str:
    return reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk}) + anchor


# Scheduling ---------------------------------------------------------------------------


def request_reminder_schedule(request: MentorRequest) -> None:
    """Remind the mentor of a request still waiting after three days (if it is still open)."""
    due = request.created_at + REQUEST_REMINDER_AFTER
    if due >= request.expires_at:  # a short expiry: the request lapses first
        return
    notifications_schedule(
        [Due(KIND_REQUEST_PENDING, subject_key(request), request.mentor_id, due)]
    )


def _milestone_days(start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    midpoint = start + dt.timedelta(days=(end - start).days // 2)
    ending_soon = end - ENDING_SOON_BEFORE
    days = [(KIND_MIDPOINT, midpoint)]
    if ending_soon - midpoint >= ENDING_SOON_MIN_GAP:
        days.append((KIND_ENDING_SOON, ending_soon))
    days.append((KIND_END_REVIEW, end))
    return days


def milestones_schedule(mentorship: Mentorship, *, now: dt.datetime | None = None) -> int:
    """Write the mid-point, two-weeks-before and end reminders for both members.

    The occurrence is the planned end date: a reminder whose planned end has since
    moved is cancelled when it comes due. Milestones already past (a mentorship the
    demo started months ago) are not written: a late mid-point review is only noise.
    """
    start, end = mentorship.started_on, mentorship.planned_end_on
    if start is None or end is None or end <= start:
        return 0
    now = now or timezone.now()
    key = subject_key(mentorship)
    dues = [
        Due(kind, key, person, morning_of(day), end.isoformat())
        for kind, day in _milestone_days(start, end)
        if morning_of(day) > now
        for person in (mentorship.mentor_id, mentorship.mentee_id)
    ]
    return notifications_schedule(dues)


# Rendering ------------------------------------------------------------------------------


def _request_pending_render(n: Notification) -> registry.Message | None:
    request = (
        MentorRequest.objects.select_related("programme", "mentee", "mentor")
        .filter(pk=subject_pk(n))
        .first()
    )
    now = timezone.now()
    if request is None or request.status != MentorRequest.Status.PENDING:
        return None  # answered, withdrawn or expired
    if request.expires_at <= now or request.mentor_id != n.recipient_id:
        return None
    return registry.Message(
        template="request_pending",
        context={
            "req": request,
            "programme": request.programme,
            "mentee": request.mentee,
            "sent_text": date_format(local_time(request.created_at, n.recipient), "j F"),
            "expires_text": date_format(local_time(request.expires_at, n.recipient), "j F Y"),
        },
        url=reverse("matching:request_detail", kwargs={"pk": request.pk}),
    )


def _milestone_mentorship(n: Notification) -> Mentorship | registry.Defer | None:
    """The mentorship if the milestone still stands; None to cancel; Defer while paused."""
    mentorship = (
        Mentorship.objects.select_related("programme", "mentor", "mentee")
        .filter(pk=subject_pk(n))
        .first()
    )
    if mentorship is None or mentorship.status not in (
        Mentorship.Status.ACTIVE,
        Mentorship.Status.PAUSED,
    ):
        return None
    if n.recipient_id not in (mentorship.mentor_id, mentorship.mentee_id):
        return None
    end = mentorship.planned_end_on
    if end is None or end.isoformat() != n.occurrence:
        return None  # the planned end moved: rows for the new date carry its reminders
    if mentorship.status == Mentorship.Status.PAUSED:
        return pause_deferral(mentorship)
    return mentorship


def _milestone_message(n: Notification, mentorship: Mentorship, template: str, anchor=""):
    recipient = n.recipient
    return registry.Message(
        template=template,
        context={
            "mentorship": mentorship,
            "programme": mentorship.programme,
            "other": mentorship.other_person(recipient),
            "is_mentor": recipient.pk == mentorship.mentor_id,
            "started_text": date_format(mentorship.started_on, "j F Y"),
            "end_text": date_format(mentorship.planned_end_on, "j F Y"),
        },
        url=mentorship_url(mentorship, anchor),
    )


def _milestone_render(template: str, *, until_before_end: dt.timedelta | None, anchor=""):
    """A render for one milestone; `until_before_end`: too late to send from then on."""

    def render(n: Notification):
        found = _milestone_mentorship(n)
        if not isinstance(found, Mentorship):
            return found
        # Held back by a pause past the next milestone: that one says it better.
        late = until_before_end is not None and (
            timezone.localdate() >= found.planned_end_on - until_before_end
        )
        if late:
            return None
        return _milestone_message(n, found, template, anchor)

    return render


KINDS = (
    registry.Kind(
        name=KIND_REQUEST_PENDING,
        label="A reminder of a mentee's request still waiting for your reply",
        render=_request_pending_render,
        audience="mentor",
        help_text="Three days after a mentee asks you, if you have not replied yet.",
    ),
    registry.Kind(
        name=KIND_MIDPOINT,
        label="The mid-point review of a mentorship",
        render=_milestone_render(
            "mentorship_midpoint", until_before_end=ENDING_SOON_BEFORE, anchor="#details"
        ),
        help_text="Half way through the planned length: a moment to look back and ahead.",
    ),
    registry.Kind(
        name=KIND_ENDING_SOON,
        label="Two weeks before a mentorship's planned end",
        render=_milestone_render(
            "mentorship_ending_soon", until_before_end=dt.timedelta(0), anchor="#details"
        ),
        help_text="Time to plan the closing conversation.",
    ),
    registry.Kind(
        name=KIND_END_REVIEW,
        label="The closing review when a mentorship reaches its planned end",
        render=_milestone_render(
            "mentorship_end_review", until_before_end=None, anchor="#close-heading"
        ),
        help_text="A reminder to close the mentorship and write the short closing review.",
    ),
)


def register() -> None:
    for kind in KINDS:
        registry.register_kind(kind)
