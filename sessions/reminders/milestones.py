"""Reminders about a mentorship that need the meetings data: no meeting booked yet, the
agreement not confirmed after the first meeting, and a quiet pair.

Matching cannot import sessions, so the rows are written when matching sends
`mentorship_started` (in the transaction that started the mentorship). Nothing here
is found by scanning mentorships: each row re-reads its own mentorship's meetings
(through the meeting's mentorship index) when it comes due, and either sends,
cancels itself, or is deferred to the next moment it could matter.

The quiet-pair reminders are a chain: the first check is written at the start; a
check that finds activity since is deferred to (last meeting + twice the programme's
interval); a nudge that goes out writes the next check, and the coordinators' alert
for that quiet spell. Occurrences carry the start date (or the date the pair went
quiet), so rows from before the demo moved a mentorship's dates cancel themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Mentorship
from matching.reminders import local_time, morning_of, pause_deferral
from matching.signals import mentorship_started
from mentoring.notifications import registry
from mentoring.notifications.models import Notification
from mentoring.notifications.services import Due, notifications_schedule, subject_key, subject_pk
from programmes.models import Membership, Programme

from ..models import Meeting, MentoringAgreement

KIND_NO_MEETING = "mentorship_no_meeting"
KIND_AGREEMENT = "agreement_unconfirmed"
KIND_QUIET = "mentorship_quiet"
KIND_QUIET_COORDINATOR = "mentorship_quiet_coordinator"

NO_MEETING_MENTEE_AFTER = dt.timedelta(days=14)
NO_MEETING_BOTH_AFTER = dt.timedelta(days=21)
AGREEMENT_AFTER_MEETING = dt.timedelta(days=3)
# The agreement check waits this long when no first meeting is in sight yet.
AGREEMENT_RECHECK = dt.timedelta(days=7)
# Until the second no-meeting reminder, those reminders speak for a pair that never met.
QUIET_FIRST_CHECK_AT_LEAST = dt.timedelta(days=28)

Status = Meeting.Status
OPEN = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
# A meeting that counts as the pair being in touch: booked, proposed or held.
ACTIVITY = (Status.PROPOSED, Status.CONFIRMED, Status.HELD)


def interval_of(programme: Programme) -> dt.timedelta:
    return programme.meeting_interval


def _started_at(mentorship: Mentorship) -> dt.datetime:
    return morning_of(mentorship.started_on)


def last_activity(mentorship: Mentorship) -> dt.datetime:
    """When the pair was last in touch: the latest meeting booked or held, else the start.

    A meeting booked for the future counts from its start, so the pair is not quiet
    until twice the interval after it.
    """
    latest = mentorship.meetings.filter(status__in=ACTIVITY).aggregate(at=Max("starts_at"))["at"]
    started = _started_at(mentorship)
    return max(latest, started) if latest else started


def _spell(moment: dt.datetime) -> str:
    """A quiet spell's name in an occurrence: when it began, to the minute."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


# Scheduling -------------------------------------------------------------------------------


def _members(mentorship: Mentorship) -> tuple[int, int]:
    return (mentorship.mentor_id, mentorship.mentee_id)


def _quiet_checks(mentorship: Mentorship, due: dt.datetime, link: int) -> list[Due]:
    occurrence = f"{mentorship.started_on.isoformat()}:{link}"
    key = subject_key(mentorship)
    return [Due(KIND_QUIET, key, person, due, occurrence) for person in _members(mentorship)]


def mentorship_reminders_schedule(mentorship: Mentorship, *, now: dt.datetime | None = None) -> int:
    """Write a started mentorship's reminders; safe to run twice.

    No-meeting reminders already past are not written (the demo starts mentorships
    months ago); the agreement and quiet checks are watchers, so they start now at
    the latest and decide for themselves when they come due.
    """
    if mentorship.started_on is None or mentorship.status not in OPEN:
        return 0
    now = now or timezone.now()
    start = _started_at(mentorship)
    key = subject_key(mentorship)
    started = mentorship.started_on.isoformat()
    dues = [
        Due(KIND_NO_MEETING, key, person, start + after, f"{label}:{started}")
        for label, after, people in (
            ("day14", NO_MEETING_MENTEE_AFTER, (mentorship.mentee_id,)),
            ("day21", NO_MEETING_BOTH_AFTER, _members(mentorship)),
        )
        if start + after > now
        for person in people
    ]
    agreement_due = max(start + AGREEMENT_RECHECK, now)
    dues += [
        Due(KIND_AGREEMENT, key, person, agreement_due, f"start:{started}")
        for person in _members(mentorship)
    ]
    first_check = start + max(2 * interval_of(mentorship.programme), QUIET_FIRST_CHECK_AT_LEAST)
    dues += _quiet_checks(mentorship, max(first_check, now), link=1)
    return notifications_schedule(dues)


def _on_mentorship_started(sender, *, mentorship: Mentorship, **kwargs) -> None:
    mentorship_reminders_schedule(mentorship)


# Rendering --------------------------------------------------------------------------------


def _mentorship(n: Notification) -> Mentorship | None:
    """The open, started mentorship the row is about, or None."""
    mentorship = (
        Mentorship.objects.select_related("programme", "mentor", "mentee")
        .filter(pk=subject_pk(n), status__in=OPEN)
        .first()
    )
    if mentorship is None or mentorship.started_on is None:
        return None
    return mentorship


def _same_start(n: Notification, mentorship: Mentorship) -> bool:
    """Rows name the start date they were written for; the demo moves it back."""
    # "day14:<start>", "start:<start>", and "<start>:<link>" for the quiet checks.
    if n.kind == KIND_QUIET:
        started = n.occurrence.split(":", 1)[0]
    else:
        started = n.occurrence.rsplit(":", 1)[-1]
    return started == mentorship.started_on.isoformat()


def _member_context(n: Notification, mentorship: Mentorship) -> dict:
    recipient = n.recipient
    return {
        "mentorship": mentorship,
        "programme": mentorship.programme,
        "other": mentorship.other_person(recipient),
        "is_mentor": recipient.pk == mentorship.mentor_id,
        "started_text": date_format(mentorship.started_on, "j F Y"),
    }


def _booking_url(mentorship: Mentorship, user) -> str:
    """Mentees book from their mentor's availability; mentors propose a time."""
    name = "meetings:book" if user.pk == mentorship.mentee_id else "meetings:propose"
    return reverse(name, kwargs={"mentorship_pk": mentorship.pk})


def _for_member(n: Notification) -> Mentorship | None:
    """The open mentorship of a member's reminder, or None to cancel it."""
    mentorship = _mentorship(n)
    if mentorship is None or n.recipient_id not in _members(mentorship):
        return None
    return mentorship if _same_start(n, mentorship) else None


def _is_paused(mentorship: Mentorship) -> bool:
    return mentorship.status == Mentorship.Status.PAUSED


def _no_meeting_render(n: Notification):
    mentorship = _for_member(n)
    if mentorship is None:
        return None
    if mentorship.meetings.exclude(status=Status.CANCELLED).exists():
        return None  # a meeting was booked (or held): nothing to remind
    if _is_paused(mentorship):
        return pause_deferral(mentorship)
    return registry.Message(
        template="mentorship_no_meeting",
        context={**_member_context(n, mentorship), "second": n.occurrence.startswith("day21")},
        url=_booking_url(mentorship, n.recipient),
    )


def _first_meeting_end(mentorship: Mentorship, now: dt.datetime) -> dt.datetime | None:
    """When the first meeting ended, counting a booked one whose time has passed as held
    (mentors do not always mark a meeting held straight away)."""
    return (
        mentorship.meetings.filter(status__in=(Status.HELD, Status.CONFIRMED), ends_at__lte=now)
        .order_by("ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )


def _agreement_wait(mentorship: Mentorship, now: dt.datetime) -> dt.datetime | None:
    """None once it is time to remind; otherwise when to look again."""
    ended = _first_meeting_end(mentorship, now)
    if ended is not None:
        due = ended + AGREEMENT_AFTER_MEETING
        return due if due > now else None
    upcoming = (
        mentorship.meetings.filter(status__in=(Status.PROPOSED, Status.CONFIRMED), ends_at__gt=now)
        .order_by("ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    return upcoming + AGREEMENT_AFTER_MEETING if upcoming else now + AGREEMENT_RECHECK


def _agreement_render(n: Notification):
    mentorship = _for_member(n)
    if mentorship is None:
        return None
    agreement = MentoringAgreement.objects.filter(mentorship=mentorship).first()
    role = "mentor" if n.recipient_id == mentorship.mentor_id else "mentee"
    if agreement is not None and getattr(agreement, f"{role}_confirmed_at"):
        # Confirmed by both: done. Confirmed by this person: nothing for them to do.
        return None
    if _is_paused(mentorship):
        return pause_deferral(mentorship)
    now = timezone.now()
    wait = _agreement_wait(mentorship, now)
    if wait is not None:
        return registry.Defer(until=wait)
    return registry.Message(
        template="agreement_unconfirmed",
        context={**_member_context(n, mentorship), "drafted": agreement is not None},
        url=reverse("meetings:agreement_edit", kwargs={"mentorship_pk": mentorship.pk}),
    )


def _quiet_render(n: Notification):
    mentorship = _for_member(n)
    if mentorship is None:
        return None
    interval = interval_of(mentorship.programme)
    if _is_paused(mentorship):
        # Exempt while paused; then the usual time to meet again before a nudge.
        return pause_deferral(mentorship, extra=2 * interval)
    since = last_activity(mentorship)
    due = since + 2 * interval
    now = timezone.now()
    if due > now:
        return registry.Defer(until=due)  # they met or booked since: check again then
    return registry.Message(
        template="mentorship_quiet",
        context={
            **_member_context(n, mentorship),
            "since_text": date_format(local_time(since, n.recipient).date(), "j F Y"),
            "never_met": not mentorship.meetings.filter(status__in=ACTIVITY).exists(),
        },
        url=_booking_url(mentorship, n.recipient),
    )


def _coordinator_ids(programme: Programme) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(programme=programme, role=Membership.Role.COORDINATOR)
        .values_list("user_id", flat=True)
    )


def _quiet_sent(n: Notification) -> None:
    """After a nudge: write the next check, and the coordinators' alert for this spell.

    Both members' nudges run this; the unique key makes the second one write nothing.
    """
    mentorship = _mentorship(n)
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
        return
    interval = interval_of(mentorship.programme)
    link = int(n.occurrence.rsplit(":", 1)[1]) + 1
    now = timezone.now()
    dues = _quiet_checks(mentorship, now + 2 * interval, link)
    since = last_activity(mentorship)
    key = subject_key(mentorship)
    dues += [
        Due(KIND_QUIET_COORDINATOR, key, coordinator, since + 3 * interval, _spell(since))
        for coordinator in _coordinator_ids(mentorship.programme)
    ]
    notifications_schedule(dues)


def _quiet_coordinator_render(n: Notification):
    mentorship = _mentorship(n)
    if mentorship is None or n.recipient_id not in _coordinator_ids(mentorship.programme):
        return None
    interval = interval_of(mentorship.programme)
    if _is_paused(mentorship):
        return pause_deferral(mentorship, extra=3 * interval)
    since = last_activity(mentorship)
    if _spell(since) != n.occurrence:
        return None  # they met or booked since; a new quiet spell brings its own alert
    due = since + 3 * interval
    if due > timezone.now():
        return registry.Defer(until=due)
    # Names and dates only: nothing about what the pair discussed or why.
    return registry.Message(
        template="mentorship_quiet_coordinator",
        context={
            "mentorship": mentorship,
            "programme": mentorship.programme,
            "mentor": mentorship.mentor,
            "mentee": mentorship.mentee,
            "started_text": date_format(mentorship.started_on, "j F Y"),
            "since_text": date_format(local_time(since, n.recipient).date(), "j F Y"),
            "never_met": not mentorship.meetings.filter(status__in=ACTIVITY).exists(),
        },
        url=reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk}),
    )


KINDS = (
    registry.Kind(
        name=KIND_NO_MEETING,
        label="No meeting booked yet in a new mentorship",
        render=_no_meeting_render,
        help_text="Two weeks after a mentorship starts (mentees), and a week later (both).",
    ),
    registry.Kind(
        name=KIND_AGREEMENT,
        label="The mentoring agreement not yet confirmed after the first meeting",
        render=_agreement_render,
        help_text="A few days after your first meeting, if you have not confirmed it.",
    ),
    registry.Kind(
        name=KIND_QUIET,
        label="A friendly nudge when a mentorship has gone quiet",
        render=_quiet_render,
        after_send=_quiet_sent,
        help_text="When no meeting has been held or booked for twice the programme's usual "
        "interval. Not while a mentorship is paused.",
    ),
    registry.Kind(
        name=KIND_QUIET_COORDINATOR,
        label="Pairs in your programme that have gone quiet",
        render=_quiet_coordinator_render,
        audience="coordinator",
        help_text="Names and dates only, when a pair has had no meeting for three times "
        "the programme's usual interval, so you can check in with them.",
    ),
)


def register() -> None:
    for kind in KINDS:
        registry.register_kind(kind)
    mentorship_started.connect(
        _on_mentorship_started, sender=Mentorship, dispatch_uid="sessions-milestones-started"
    )
