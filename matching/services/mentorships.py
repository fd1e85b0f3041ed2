"""Creating mentorships without ever exceeding a mentor's capacity.

Every path that makes a mentorship (a mentor accepting a request, a coordinator
publishing a matching run, an introduction being accepted) goes through
`mentorship_create`, which locks the mentor's membership row first. Concurrent
accepts against a mentor's last place therefore queue on that lock, and the
second one sees the place already taken.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.emails import send_email
from programmes.models import Membership, Programme

from ..errors import MatchingError
from ..models import MatchingSettings, Mentorship
from ..reminders import milestones_schedule
from ..signals import mentorship_started

MAX_CAPACITY = 10


def matching_settings_for(programme: Programme) -> MatchingSettings:
    settings, _ = MatchingSettings.objects.get_or_create(programme=programme)
    return settings


def mentor_load(*, programme: Programme, mentor_id: int) -> int:
    """Mentorships that take one of the mentor's places: introduced, active or paused."""
    return Mentorship.objects.open().filter(programme=programme, mentor_id=mentor_id).count()


def lock_mentor_membership(programme: Programme, mentor_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(
            programme=programme,
            user_id=mentor_id,
            role=Membership.Role.MENTOR,
            ended_at__isnull=True,
        )
        .first()
    )
    if membership is None:
        raise MatchingError("This person is no longer a mentor in the programme.")
    return membership


def _check_mentee(programme: Programme, mentee_id: int, mentor_id: int) -> None:
    is_mentee = Membership.objects.active().filter(
        programme=programme, user_id=mentee_id, role=Membership.Role.MENTEE
    )
    if not is_mentee.exists():
        raise MatchingError("This person is no longer a mentee in the programme.")
    open_mentorships = Mentorship.objects.open().filter(programme=programme, mentee_id=mentee_id)
    if open_mentorships.filter(mentor_id=mentor_id).exists():
        raise MatchingError("These two people already have a mentorship in this programme.")
    if not matching_settings_for(programme).allow_multiple_mentors and open_mentorships.exists():
        raise MatchingError("This mentee already has a mentor in this programme.")


@transaction.atomic
def mentorship_create(
    *,
    programme: Programme,
    mentor_id: int,
    mentee_id: int,
    origin: str,
    run_id: int | None = None,
    introduction: bool = False,
    today: dt.date | None = None,
) -> Mentorship:
    """Start a mentorship (or an introduction both must accept) within capacity."""
    membership = lock_mentor_membership(programme, mentor_id)
    capacity = membership.capacity if membership.capacity is not None else 0
    if mentor_load(programme=programme, mentor_id=mentor_id) >= capacity:
        raise MatchingError("This mentor has no places left in this programme.")
    _check_mentee(programme, mentee_id, mentor_id)
    today = today or timezone.localdate()
    now = timezone.now()
    mentorship = Mentorship(
        programme=programme,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        origin=origin,
        run_id=run_id,
        status=Mentorship.Status.PROPOSED if introduction else Mentorship.Status.ACTIVE,
        mentor_accepted_at=None if introduction else now,
        mentee_accepted_at=None if introduction else now,
        started_on=None if introduction else today,
        planned_end_on=None
        if introduction
        else today + relativedelta(months=programme.relationship_months),
    )
    mentorship.full_clean()
    mentorship.save()
    if not introduction:
        mentorship_started_hooks(mentorship)
    return mentorship


def mentorship_started_hooks(mentorship: Mentorship) -> None:
    """Write the reminders a mentorship brings once it starts, in the same transaction.

    Matching writes its milestones (mid-point, two weeks before the end, the closing
    review); the layers above answer `mentorship_started` with theirs (no meeting booked
    yet, a quiet pair). Safe to call again: existing reminders are left as they are.
    """
    milestones_schedule(mentorship)
    mentorship_started.send(sender=Mentorship, mentorship=mentorship)


# Mentors' own settings, and telling people about a new mentorship ------------------


def site_url(name: str, **kwargs) -> str:
    """An absolute address for a page, for emails."""
    return django_settings.SITE_URL + reverse(f"matching:{name}", kwargs=kwargs)


def mentor_membership(*, programme: Programme, mentor_id: int) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(programme=programme, user_id=mentor_id, role=Membership.Role.MENTOR)
        .first()
    )


@transaction.atomic
def mentor_settings_update(
    *, programme: Programme, mentor_id: int, capacity: int, accepting_mentees: bool
) -> Membership:
    """Change how many mentees a mentor takes at once, and whether they take new ones."""
    membership = lock_mentor_membership(programme, mentor_id)
    if not 1 <= capacity <= MAX_CAPACITY:
        raise MatchingError(
            f"Choose between 1 and {MAX_CAPACITY} mentees at once.", field="capacity"
        )
    load = mentor_load(programme=programme, mentor_id=mentor_id)
    if capacity < load:
        mentees = "mentee" if load == 1 else "mentees"
        raise MatchingError(
            f"You are mentoring {load} {mentees} in {programme.name} at the moment, so your "
            f"capacity cannot be lower than {load}. It can go down once a mentorship closes.",
            field="capacity",
        )
    membership.capacity = capacity
    membership.accepting_mentees = accepting_mentees
    membership.full_clean()
    membership.save(update_fields=["capacity", "accepting_mentees"])
    return membership


def mentorship_announce(mentorship: Mentorship) -> None:
    """Email both people about a new mentorship, or an introduction they must accept.

    For paths that create a mentorship without either person acting (a published
    matching run); a mentor accepting a request is told by `request_accept`.
    """
    introduced = mentorship.status == Mentorship.Status.PROPOSED
    name = "mentorship_introduced" if introduced else "mentorship_started"
    url = site_url("mentorship_detail", pk=mentorship.pk)
    for person, other in (
        (mentorship.mentor, mentorship.mentee),
        (mentorship.mentee, mentorship.mentor),
    ):
        send_email(
            name,
            to=[person.email],
            context={
                "mentorship": mentorship,
                "programme": mentorship.programme,
                "recipient": person,
                "other": other,
                "is_mentor": person.pk == mentorship.mentor_id,
                "url": url,
            },
            in_app_for=person,
        )


_lock_mentor_membership = lock_mentor_membership  # the name it had first
