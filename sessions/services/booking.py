"""Booking, proposing, rescheduling, cancelling and marking meetings.

Nobody can be double-booked: each change locks both people's rows (in id order,
so two bookings never wait on each other) and checks the time is free for both;
on PostgreSQL an exclusion constraint is the last line of defence.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Mentorship
from mentoring.accounts.models import User
from mentoring.notifications.emails import Outgoing, build_email, emails_queue, event_record
from mentoring.vocabulary import MeetingMode

from ..errors import MeetingError
from ..ics import meeting_invitation
from ..models import AgendaItem, Meeting, MeetingDefaults
from ..selectors import busy_periods, offered_periods, zone_of
from .reminders import meeting_reminders_cancel, meeting_reminders_schedule

Status = Meeting.Status
TAKEN = "That time has just been taken. Please choose another."


def _lock_people(mentorship: Mentorship) -> None:
    ids = sorted({mentorship.mentor_id, mentorship.mentee_id})
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _length(mentorship: Mentorship) -> dt.timedelta:
    return dt.timedelta(minutes=mentorship.programme.meeting_length_minutes or 50)


def _member(mentorship: Mentorship, by: User) -> None:
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise MeetingError("Only the mentor and mentee can arrange their meetings.")


def _check_time(
    mentorship: Mentorship, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude=None
) -> None:
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MeetingError("Meetings can only be arranged while the mentorship is active.")
    if starts_at <= timezone.now():
        raise MeetingError("Please choose a time in the future.", field="starts_at")
    zone = zone_of(mentorship.mentor)
    day = starts_at.astimezone(zone).date()
    if mentorship.mentor.blackouts.filter(starts_on__lte=day, ends_on__gte=day).exists():
        raise MeetingError(
            f"{mentorship.mentor.full_name} is away that day. Please choose another.",
            field="starts_at",
        )
    people = [mentorship.mentor, mentorship.mentee]
    clashes = (
        busy_periods(people, starts_at, ends_at)
        if exclude is None
        else list(
            Meeting.objects.live()
            .exclude(pk=exclude.pk)
            .filter(
                Q(mentor__in=people) | Q(mentee__in=people),
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .values_list("starts_at", "ends_at")
        )
    )
    if clashes:
        raise MeetingError(TAKEN, field="starts_at")


def _offered(mentorship: Mentorship, starts_at: dt.datetime, ends_at: dt.datetime, mode: str):
    for begins, finishes, modes in offered_periods(mentorship.mentor, starts_at, ends_at):
        if begins <= starts_at and ends_at <= finishes:
            if mode not in modes:
                raise MeetingError(
                    "Your mentor does not offer that way to meet then.", field="mode"
                )
            return
    raise MeetingError("That time is not one your mentor offers.", field="starts_at")


def _save(meeting: Meeting) -> Meeting:
    """Save inside a savepoint; the database's own guard becomes a clear message."""
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        raise MeetingError(TAKEN, field="starts_at") from error
    return meeting


def _new_meeting(mentorship, by, starts_at, mode, status) -> Meeting:
    defaults = MeetingDefaults.objects.filter(mentor_id=mentorship.mentor_id).first()
    return Meeting(
        mentorship=mentorship,
        mentor_id=mentorship.mentor_id,
        mentee_id=mentorship.mentee_id,
        starts_at=starts_at,
        ends_at=starts_at + _length(mentorship),
        mode=mode,
        video_link=defaults.video_link if defaults and mode == "video" else "",
        location=defaults.location if defaults and mode == "in_person" else "",
        status=status,
        proposed_by=by,
    )


def _load(mentorship_id: int) -> Mentorship:
    return Mentorship.objects.select_related("programme", "mentor", "mentee").get(pk=mentorship_id)


@transaction.atomic
def meeting_book(*, mentorship: Mentorship, by: User, starts_at: dt.datetime, mode: str) -> Meeting:
    """The mentee books one of the mentor's open slots."""
    mentorship = _load(mentorship.pk)
    if by.pk != mentorship.mentee_id:
        raise MeetingError("Only the mentee books from their mentor's availability.")
    _lock_people(mentorship)
    ends_at = starts_at + _length(mentorship)
    _check_time(mentorship, starts_at, ends_at)
    _offered(mentorship, starts_at, ends_at, mode)
    meeting = _save(_new_meeting(mentorship, by, starts_at, mode, Status.CONFIRMED))
    meeting_reminders_schedule(meeting=meeting)
    _notify(meeting, "meeting_booked", by=by)
    return meeting


@transaction.atomic
def meeting_propose(
    *, mentorship: Mentorship, by: User, starts_at: dt.datetime, mode: str
) -> Meeting:
    """Either member proposes a time; the other accepts or declines."""
    mentorship = _load(mentorship.pk)
    _member(mentorship, by)
    if mode not in MeetingMode.values:
        raise MeetingError("Choose a way to meet.", field="mode")
    _lock_people(mentorship)
    ends_at = starts_at + _length(mentorship)
    _check_time(mentorship, starts_at, ends_at)
    meeting = _save(_new_meeting(mentorship, by, starts_at, mode, Status.PROPOSED))
    _notify(meeting, "meeting_proposed", by=by, to_other_only=True, invitation=False)
    return meeting


def _locked_meeting(meeting: Meeting, by: User) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("mentorship__programme", "mentorship__mentor", "mentorship__mentee")
        .get(pk=meeting.pk)
    )
    _member(meeting.mentorship, by)
    return meeting


@transaction.atomic
def meeting_respond(*, meeting: Meeting, by: User, accept: bool) -> Meeting:
    meeting = _locked_meeting(meeting, by)
    if meeting.status != Status.PROPOSED:
        raise MeetingError("This time has already been answered.")
    if meeting.proposed_by_id == by.pk:
        raise MeetingError("The other person answers a time you proposed.")
    if not accept:
        return _cancel(meeting, by, "The proposed time did not suit.")
    _lock_people(meeting.mentorship)
    _check_time(meeting.mentorship, meeting.starts_at, meeting.ends_at, exclude=meeting)
    meeting.status = Status.CONFIRMED
    meeting.sequence += 1
    _save(meeting)
    meeting_reminders_schedule(meeting=meeting)
    _notify(meeting, "meeting_booked", by=by)
    return meeting


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, by: User, starts_at: dt.datetime) -> Meeting:
    meeting = _locked_meeting(meeting, by)
    if meeting.status not in (Status.PROPOSED, Status.CONFIRMED):
        raise MeetingError("Only an upcoming meeting can be moved.")
    _lock_people(meeting.mentorship)
    ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    _check_time(meeting.mentorship, starts_at, ends_at, exclude=meeting)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.sequence += 1
    if meeting.status == Status.PROPOSED:
        # A proposal moved is a new proposal: the other person answers it, and as no
        # calendar holds it yet, it carries no invitation.
        meeting.proposed_by = by
        _save(meeting)
        _notify(meeting, "meeting_proposed", by=by, to_other_only=True, invitation=False)
        return meeting
    _save(meeting)
    # The rows of the old time stay and cancel themselves at their re-check.
    meeting_reminders_schedule(meeting=meeting)
    _notify(meeting, "meeting_rescheduled", by=by)
    return meeting


def _cancel(meeting: Meeting, by: User, reason: str) -> Meeting:
    # Only a booked meeting is in a calendar; a proposal declined or withdrawn is news
    # for the other person only, with no CANCEL for an event no calendar holds.
    booked = meeting.status == Status.CONFIRMED
    meeting.status = Status.CANCELLED
    meeting.cancelled_by = by
    meeting.cancel_reason = reason[:300]
    meeting.sequence += 1
    meeting.save()
    meeting_reminders_cancel(meeting=meeting)
    _notify(meeting, "meeting_cancelled", by=by, to_other_only=not booked, invitation=booked)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str = "") -> Meeting:
    meeting = _locked_meeting(meeting, by)
    if meeting.status not in (Status.PROPOSED, Status.CONFIRMED):
        raise MeetingError("Only an upcoming meeting can be cancelled.")
    return _cancel(meeting, by, reason.strip())


@transaction.atomic
def meeting_mark(*, meeting: Meeting, by: User, held: bool) -> Meeting:
    """Either member marks the meeting held or missed, once it has started."""
    meeting = _locked_meeting(meeting, by)
    if meeting.status == Status.CANCELLED or meeting.status == Status.PROPOSED:
        raise MeetingError("Only a booked meeting can be marked held or missed.")
    if meeting.starts_at > timezone.now():
        raise MeetingError("You can mark the meeting once it has started.")
    meeting.status = Status.HELD if held else Status.MISSED
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: User, text: str) -> AgendaItem:
    meeting = _locked_meeting(meeting, by)
    text = text.strip()
    if not text:
        raise MeetingError("Write the item you would like to talk about.", field="text")
    if (
        meeting.status not in (Status.PROPOSED, Status.CONFIRMED)
        or meeting.starts_at <= timezone.now()
    ):
        raise MeetingError("Agenda items are added before the meeting.")
    return AgendaItem.objects.create(meeting=meeting, author=by, text=text[:2000])


# Emails -----------------------------------------------------------------------------


def meeting_when(meeting: Meeting, person: User) -> str:
    """The meeting's time as the person reads it, in their own time zone."""
    local = meeting.starts_at.astimezone(zone_of(person))
    ends = meeting.ends_at.astimezone(zone_of(person))
    return (
        f"{date_format(local, 'l j F Y')}, {local:%H:%M}–{ends:%H:%M} "
        f"({local.tzinfo.key.replace('_', ' ')})"
    )


def _notify(
    meeting: Meeting,
    name: str,
    *,
    by: User,
    to_other_only: bool = False,
    invitation: bool = True,
) -> None:
    """Email each person (in their own time zone), through the outbox.

    With `invitation`, the calendar invitation (.ics) is attached: METHOD:REQUEST for a
    booked or moved meeting, METHOD:CANCEL for a cancelled one. Only a meeting that was
    booked is in anyone's calendar, so a proposal never carries one, not even to cancel it.
    """
    mentor, mentee = meeting.mentorship.mentor, meeting.mentorship.mentee
    method = "CANCEL" if meeting.status == Status.CANCELLED else "REQUEST"
    ics = meeting_invitation(meeting) if invitation else None
    url = settings.SITE_URL + reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    people = [mentor, mentee]
    if to_other_only:
        people = [p for p in people if p.pk != by.pk]
    outgoing = []
    for person in people:
        other = mentee if person.pk == mentor.pk else mentor
        msg = build_email(
            name,
            to=[person.email],
            context={
                "recipient": person,
                "other": other,
                "by": by,
                "by_me": by.pk == person.pk,
                "meeting": meeting,
                "programme": meeting.mentorship.programme,
                "when": meeting_when(meeting, person),
                "mode": meeting.get_mode_display(),
                "meeting_url": url,
                "invitation": ics is not None,
            },
        )
        if ics is not None:
            # The charset comes from the part itself; naming it here too would repeat it.
            msg.attach("meeting.ics", ics, f"text/calendar; method={method}")
        if person.pk != by.pk:  # the one who acted needs no notification of it
            event_record(name=name, recipient=person, title=msg.subject, url=url)
        outgoing.append(Outgoing(msg, name, person))
    emails_queue(outgoing)
