"""A mentorship's life: introductions, pausing, resuming, closing and closing reviews.

Only the two members act on their mentorship; each change emails the other
person. A close note and a review's comments stay private to their author.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.accounts.models import User
from mentoring.notifications.emails import send_email

from ..errors import MatchingError
from ..models import ClosingReview, Mentorship
from .mentorships import mentorship_started_hooks, site_url
from .requests import requests_withdraw_for_leaver

Status = Mentorship.Status
NOTE_MAX = 3000
LONGEST_PAUSE = relativedelta(months=6)


def _lock(mentorship_id: int, user: User) -> Mentorship:
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .of_member(user)
        .filter(pk=mentorship_id)
        .select_related("programme", "mentor", "mentee")
        .first()
    )
    if mentorship is None:
        raise MatchingError("Only the mentor and mentee can change this mentorship.")
    return mentorship


def _tell_other(name: str, mentorship: Mentorship, actor: User, **extra) -> None:
    other = mentorship.other_person(actor)
    _tell(name, mentorship, to=other, actor=actor, **extra)


def _tell(name: str, mentorship: Mentorship, *, to: User, actor: User | None, **extra) -> None:
    send_email(
        name,
        to=[to.email],
        context={
            "mentorship": mentorship,
            "programme": mentorship.programme,
            "recipient": to,
            "actor": actor,
            "other": mentorship.other_person(to),
            "is_mentor": to.pk == mentorship.mentor_id,
            "url": site_url("mentorship_detail", pk=mentorship.pk),
            **extra,
        },
        in_app_for=to,
    )


def _start(mentorship: Mentorship, today: dt.date) -> None:
    mentorship.status = Status.ACTIVE
    mentorship.started_on = today
    mentorship.planned_end_on = today + relativedelta(
        months=mentorship.programme.relationship_months
    )


# Introductions ---------------------------------------------------------------------


@transaction.atomic
def introduction_accept(*, mentorship_id: int, user: User) -> Mentorship:
    """One side of an introduction says yes; once both have, the mentorship starts."""
    mentorship = _lock(mentorship_id, user)
    if mentorship.status != Status.PROPOSED:
        raise MatchingError("This introduction has already been answered.")
    now = timezone.now()
    is_mentor = user.pk == mentorship.mentor_id
    field = "mentor_accepted_at" if is_mentor else "mentee_accepted_at"
    if getattr(mentorship, field):
        raise MatchingError("You have already accepted this introduction.")
    setattr(mentorship, field, now)
    if mentorship.mentor_accepted_at and mentorship.mentee_accepted_at:
        _start(mentorship, timezone.localdate())
        mentorship.save()
        mentorship_started_hooks(mentorship)
        for person in (mentorship.mentor, mentorship.mentee):
            _tell("mentorship_started", mentorship, to=person, actor=user)
    else:
        mentorship.save(update_fields=[field])
        _tell_other("mentorship_introduction_accepted", mentorship, user)
    return mentorship


@transaction.atomic
def introduction_decline(*, mentorship_id: int, user: User) -> Mentorship:
    """One side of an introduction says no: it closes as not a good fit."""
    mentorship = _lock(mentorship_id, user)
    if mentorship.status != Status.PROPOSED:
        raise MatchingError("This introduction has already been answered.")
    mentorship.status = Status.CLOSED
    mentorship.close_reason = Mentorship.CloseReason.NOT_A_GOOD_FIT
    mentorship.closed_at = timezone.now()
    mentorship.closed_by = user
    mentorship.save(update_fields=["status", "close_reason", "closed_at", "closed_by"])
    _tell_other("mentorship_introduction_declined", mentorship, user)
    return mentorship


# Pausing and resuming ----------------------------------------------------------------


@transaction.atomic
def mentorship_pause(
    *, mentorship_id: int, user: User, until: dt.date, today: dt.date | None = None
) -> Mentorship:
    """Take a break until a date; the place stays held."""
    mentorship = _lock(mentorship_id, user)
    today = today or timezone.localdate()
    if mentorship.status != Status.ACTIVE:
        raise MatchingError("Only an active mentorship can be paused.")
    if until is None or until <= today:
        raise MatchingError("Choose a resume date after today.", field="until")
    if until > today + LONGEST_PAUSE:
        raise MatchingError(
            "A pause can last up to six months. If you need longer, "
            "consider closing the mentorship and starting afresh later.",
            field="until",
        )
    mentorship.status = Status.PAUSED
    mentorship.paused_until = until
    mentorship.save(update_fields=["status", "paused_until"])
    _tell_other(
        "mentorship_paused",
        mentorship,
        user,
        until_text=date_format(until, "j F Y"),
    )
    return mentorship


@transaction.atomic
def mentorship_resume(*, mentorship_id: int, user: User) -> Mentorship:
    """Pick up again after a pause."""
    mentorship = _lock(mentorship_id, user)
    if mentorship.status != Status.PAUSED:
        raise MatchingError("This mentorship is not paused.")
    mentorship.status = Status.ACTIVE
    mentorship.paused_until = None
    mentorship.save(update_fields=["status", "paused_until"])
    _tell_other("mentorship_resumed", mentorship, user)
    return mentorship


def mentorships_resume_due(today: dt.date | None = None) -> int:
    """Resume paused mentorships whose resume date has come (a daily sweep).

    The conditional update is the claim: a second run finds nothing to do.
    """
    today = today or timezone.localdate()
    resumed = 0
    due = Mentorship.objects.filter(status=Status.PAUSED, paused_until__lte=today)
    for pk in due.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            claimed = Mentorship.objects.filter(
                pk=pk, status=Status.PAUSED, paused_until__lte=today
            ).update(status=Status.ACTIVE, paused_until=None)
            if not claimed:
                continue
            mentorship = Mentorship.objects.select_related("programme", "mentor", "mentee").get(
                pk=pk
            )
            for person in (mentorship.mentor, mentorship.mentee):
                _tell("mentorship_resumed", mentorship, to=person, actor=None)
            resumed += 1
    return resumed


# Closing ------------------------------------------------------------------------------


@transaction.atomic
def mentorship_close(*, mentorship_id: int, user: User, reason: str, note: str = "") -> Mentorship:
    """End the mentorship. The pair will not be proposed again in this programme."""
    mentorship = _lock(mentorship_id, user)
    if mentorship.status == Status.PROPOSED:
        raise MatchingError("Accept or decline the introduction instead.")
    if mentorship.status == Status.CLOSED:
        raise MatchingError("This mentorship has already closed.")
    if reason not in Mentorship.CloseReason.values:
        raise MatchingError("Choose why the mentorship is ending.", field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise MatchingError(f"Please keep the note under {NOTE_MAX} characters.", field="note")
    _close(mentorship, by=user, reason=reason, note=note or None)
    return mentorship


def _close(mentorship: Mentorship, *, by: User, reason: str, note: str | None = None) -> None:
    """Close a locked mentorship and tell the other person (asked for a closing review)."""
    mentorship.status = Status.CLOSED
    mentorship.close_reason = reason
    mentorship.close_note = note
    mentorship.closed_at = timezone.now()
    mentorship.closed_by = by
    mentorship.paused_until = None
    mentorship.save(
        update_fields=[
            "status",
            "close_reason",
            "close_note",
            "closed_at",
            "closed_by",
            "paused_until",
        ]
    )
    _tell_other("mentorship_closed", mentorship, by)


@transaction.atomic
def closing_review_submit(
    *,
    mentorship_id: int,
    author: User,
    helpfulness: int,
    supportive_environment: int,
    comments: str = "",
) -> ClosingReview:
    """Each person's short review once a mentorship has closed; one each."""
    mentorship = _lock(mentorship_id, author)
    if mentorship.status != Status.CLOSED or mentorship.started_on is None:
        raise MatchingError("A closing review is written once a mentorship has closed.")
    if ClosingReview.objects.filter(mentorship=mentorship, author=author).exists():
        raise MatchingError("You have already sent your closing review. Thank you.")
    review = ClosingReview(
        mentorship=mentorship,
        author=author,
        helpfulness=helpfulness,
        supportive_environment=supportive_environment,
        comments=(comments or "").strip() or None,
    )
    try:
        review.full_clean(validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise MatchingError(messages[0], field=field) from exc
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise MatchingError("You have already sent your closing review. Thank you.") from exc
    return review


@transaction.atomic
def mentorships_end_for_leaver(*, programme, user_id: int, role: str) -> int:
    """Someone left the programme as mentor or mentee: end what depended on it.

    Their open mentorships in that role close (the other person is told and asked for
    a closing review) and their waiting requests are withdrawn, so a place is never
    held, or a record kept visible, for someone who is no longer a member.
    """
    as_mentor = role == "mentor"
    mentorships = list(
        Mentorship.objects.select_for_update(of=("self",))
        .open()
        .filter(programme=programme, **{"mentor_id" if as_mentor else "mentee_id": user_id})
        .select_related("programme", "mentor", "mentee")
    )
    reason = (
        Mentorship.CloseReason.MENTOR_WITHDREW
        if as_mentor
        else Mentorship.CloseReason.MENTEE_WITHDREW
    )
    for mentorship in mentorships:
        _close(mentorship, by=mentorship.mentor if as_mentor else mentorship.mentee, reason=reason)
    requests_withdraw_for_leaver(programme=programme, user_id=user_id, as_mentor=as_mentor)
    return len(mentorships)
