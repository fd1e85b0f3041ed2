"""Recording a confidential check-in.

A check-in never alerts anyone by itself, whatever its score: the person sees what
to do next on their own result page. It reaches their mentor only when they tick
"share with my mentor", and then only its band and their optional messages.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.models import Mentorship
from programmes.errors import ProgrammeError
from programmes.models import Membership, Programme

from ..instruments import DEFAULT_INSTRUMENT, InstrumentError, instrument_for
from ..models import CheckIn
from . import access

Role = Membership.Role
CHECKIN_ROLES = (Role.MENTEE, Role.MENTOR)
# A mentorship whose mentor may read what the mentee shares.
CURRENT_MENTORSHIP = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
ON_MIND_MAX = 2000
WOULD_HELP_MAX = 200


def checkin_role(*, user, programme: Programme) -> str | None:
    """The person's role for this programme's check-in figures: mentee before mentor."""
    roles = set(
        Membership.objects.active()
        .filter(user=user, programme=programme, role__in=CHECKIN_ROLES)
        .values_list("role", flat=True)
    )
    return next((role for role in CHECKIN_ROLES if role in roles), None)


def current_mentorship(*, user, programme: Programme, lock: bool = False) -> Mentorship | None:
    """The mentee's current (active or paused) mentorship; the newest if they have several."""
    mentorships = Mentorship.objects.filter(
        programme=programme, mentee=user, status__in=CURRENT_MENTORSHIP
    ).order_by("-created_at", "-pk")
    if lock:
        mentorships = mentorships.select_for_update()
    return mentorships.first()


def _text(value: str | None, *, limit: int, what: str, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise ProgrammeError(f"Please keep {what} to {limit} characters or fewer.", field=field)
    return value or None


@transaction.atomic
def checkin_record(
    *,
    user,
    programme: Programme,
    answers: Sequence[int],
    anything_on_mind: str | None = "",
    what_would_help: str | None = "",
    share_with_mentor: bool = False,
    instrument: str = DEFAULT_INSTRUMENT,
) -> CheckIn:
    """Score and save a check-in; link it to the current mentorship if the person shares it."""
    role = checkin_role(user=user, programme=programme)
    if role is None:
        raise ProgrammeError(
            f"Check-ins are for mentors and mentees of {programme.name}.", field="programme"
        )
    try:
        scale = instrument_for(instrument)
        values = scale.validate(answers)
    except InstrumentError as error:
        raise ProgrammeError(str(error)) from error
    mentorship = None
    if share_with_mentor:
        mentorship = current_mentorship(user=user, programme=programme, lock=True)
        if mentorship is None:
            raise ProgrammeError(
                f"You do not have a current mentor in {programme.name} to share this with. "
                "Untick “share with my mentor” to keep the check-in just for you.",
                field="share_with_mentor",
            )
    score = sum(values) * scale.multiplier
    checkin = CheckIn(
        user=user,
        programme=programme,
        role=role,
        instrument=scale.code,
        answers=values,
        raw_score=sum(values),
        score=score,
        band=scale.band_for(score).code,
        anything_on_mind=_text(
            anything_on_mind,
            limit=ON_MIND_MAX,
            what="what is on your mind",
            field="anything_on_mind",
        ),
        what_would_help=_text(
            what_would_help, limit=WOULD_HELP_MAX, what="what would help", field="what_would_help"
        ),
        share_with_mentor=mentorship is not None,
        shared_mentorship=mentorship,
    )
    try:
        checkin.full_clean()
    except ValidationError as error:
        raise ProgrammeError(error.messages[0]) from error
    checkin.save()
    return checkin


def _own_checkin_locked(*, user, checkin_id: int) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().filter(user=user, pk=checkin_id).first()
    if checkin is None:
        raise ProgrammeError("That check-in is not one of yours.")
    return checkin


@transaction.atomic
def checkin_share(*, user, checkin_id: int) -> CheckIn:
    """Share one of the person's check-ins with their current mentor in its programme."""
    checkin = _own_checkin_locked(user=user, checkin_id=checkin_id)
    programme = checkin.programme
    mentorship = (
        current_mentorship(user=user, programme=programme, lock=True) if programme else None
    )
    if mentorship is None:
        raise ProgrammeError(
            "You do not have a current mentor in this check-in's programme to share it with.",
            field="share_with_mentor",
        )
    if checkin.share_with_mentor and checkin.shared_mentorship_id == mentorship.pk:
        return checkin
    checkin.share_with_mentor = True
    checkin.shared_mentorship = mentorship
    checkin.save(update_fields=["share_with_mentor", "shared_mentorship"])
    access.access_sharing_changed(owner=user, record_id=checkin.pk, shared=True)
    return checkin


@transaction.atomic
def checkin_unshare(*, user, checkin_id: int) -> CheckIn:
    """Stop sharing a check-in: from this moment no mentor can read it."""
    checkin = _own_checkin_locked(user=user, checkin_id=checkin_id)
    if not checkin.share_with_mentor and checkin.shared_mentorship_id is None:
        return checkin
    checkin.share_with_mentor = False
    checkin.shared_mentorship = None
    checkin.save(update_fields=["share_with_mentor", "shared_mentorship"])
    access.access_sharing_changed(owner=user, record_id=checkin.pk, shared=False)
    return checkin
