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
from django.db import transaction
from django.utils import timezone

from programmes.models import Membership, Programme

from ..errors import MatchingError
from ..models import MatchingSettings, Mentorship


def matching_settings_for(programme: Programme) -> MatchingSettings:
    settings, _ = MatchingSettings.objects.get_or_create(programme=programme)
    return settings


def mentor_load(*, programme: Programme, mentor_id: int) -> int:
    """Mentorships that take one of the mentor's places: introduced, active or paused."""
    return Mentorship.objects.open().filter(programme=programme, mentor_id=mentor_id).count()


def _lock_mentor_membership(programme: Programme, mentor_id: int) -> Membership:
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
    membership = _lock_mentor_membership(programme, mentor_id)
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
    return mentorship
