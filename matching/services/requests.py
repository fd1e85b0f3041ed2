"""The mentee-chooses route: requests to a mentor, replies, withdrawals and expiry.

Locks are always taken in the same order (the mentee's membership, then the
request rows, then the mentor's membership inside `mentorship_create`), so two
services running at once for the same people queue rather than deadlock.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.accounts.models import Profile, User
from mentoring.notifications.emails import send_email
from programmes.models import Membership, Programme

from ..engine.scoring import same_organisation
from ..engine.types import Candidate
from ..errors import MatchingError
from ..models import DeclaredConflict, MentorRequest, Mentorship
from ..reminders import local_time, request_reminder_schedule
from .mentorships import (
    lock_mentor_membership,
    matching_settings_for,
    mentor_load,
    mentor_membership,
    mentorship_create,
    site_url,
)

MESSAGE_MAX = 2000
REASON_MAX = 2000
Status = MentorRequest.Status


def _name(user: User) -> str:
    return user.full_name or user.email


def _lock_mentee_membership(programme: Programme, mentee_id: int) -> Membership | None:
    return (
        Membership.objects.select_for_update()
        .filter(
            programme=programme,
            user_id=mentee_id,
            role=Membership.Role.MENTEE,
            ended_at__isnull=True,
        )
        .first()
    )


def _same_organisation(mentee_id: int, mentor_id: int) -> bool:
    """The engine's rule, applied to the two profiles."""
    people = {
        p.user_id: Candidate(id=p.user_id, employer=p.employer, department=p.department)
        for p in Profile.objects.filter(user_id__in=[mentee_id, mentor_id])
    }
    if len(people) < 2:
        return False
    return same_organisation(people[mentee_id], people[mentor_id])


def _check_programme(programme: Programme) -> None:
    if not programme.allows_mentee_requests:
        raise MatchingError(
            f"In {programme.name} the coordinators match mentees with mentors, "
            "so requests to a mentor are not open."
        )
    if programme.status == Programme.Status.CLOSED:
        raise MatchingError(f"{programme.name} has closed, so it is not taking requests.")


def _check_pair(programme: Programme, mentee: User, mentor: User) -> None:
    """Rules about this mentee and this mentor together."""
    who = _name(mentor)
    conflict = DeclaredConflict.objects.filter(
        programme=programme, mentee=mentee, mentor=mentor
    ).exists()
    if conflict:
        raise MatchingError(
            f"You told us {who} is your supervisor or line manager, "
            "so they cannot be your mentor in this programme."
        )
    pair = Mentorship.objects.filter(programme=programme, mentee=mentee, mentor=mentor)
    if pair.open().exists():
        raise MatchingError(f"{who} is already your mentor in {programme.name}.")
    if pair.exists():
        raise MatchingError(
            f"You and {who} have already had a mentorship in {programme.name}, "
            "so you cannot be paired again in this programme."
        )
    if matching_settings_for(programme).cross_organisation and _same_organisation(
        mentee.pk, mentor.pk
    ):
        raise MatchingError(
            f"{programme.name} pairs people from different organisations, "
            f"and you and {who} work in the same one."
        )


def _check_mentee_limits(programme: Programme, mentee: User, mentor: User) -> None:
    settings = matching_settings_for(programme)
    has_mentor = Mentorship.objects.open().filter(programme=programme, mentee=mentee)
    if not settings.allow_multiple_mentors and has_mentor.exists():
        raise MatchingError(
            f"You already have a mentor in {programme.name}, "
            "and the programme pairs each mentee with one mentor."
        )
    pending = MentorRequest.objects.pending().filter(programme=programme, mentee=mentee)
    same = pending.filter(mentor=mentor).first()
    if same is not None:
        raise MatchingError(
            f"You have already asked {_name(mentor)}. They have until "
            f"{date_format(timezone.localtime(same.expires_at), 'j F')} to reply."
        )
    limit = settings.max_pending_requests
    if pending.count() >= limit:
        waiting = "one request" if limit == 1 else f"{limit} requests"
        raise MatchingError(
            f"You can have {waiting} waiting for a reply at a time in {programme.name}. "
            "Withdraw a request, or wait for a reply, before asking someone else."
        )


def _check_mentor_room(programme: Programme, mentor: User) -> None:
    membership = mentor_membership(programme=programme, mentor_id=mentor.pk)
    who = _name(mentor)
    if membership is None:
        raise MatchingError(f"{who} is not a mentor in {programme.name}.")
    if not membership.accepting_mentees:
        raise MatchingError(f"{who} is not taking new mentees at the moment.")
    if mentor_load(programme=programme, mentor_id=mentor.pk) >= (membership.capacity or 0):
        raise MatchingError(f"{who} has no places left at the moment.")


@transaction.atomic
def request_create(
    *, programme: Programme, mentee: User, mentor_id: int, message: str
) -> MentorRequest:
    """A mentee asks a mentor to mentor them; the mentor is emailed."""
    message = (message or "").strip()
    _check_programme(programme)
    # Locking the mentee's membership queues two requests by one person, so the
    # pending-request limit holds even when they click twice.
    if _lock_mentee_membership(programme, mentee.pk) is None:
        raise MatchingError(f"Only mentees of {programme.name} can request a mentor.")
    mentor = User.objects.filter(pk=mentor_id).first()
    if mentor is None or mentor.pk == mentee.pk:
        raise MatchingError(f"This person is not a mentor in {programme.name}.")
    if not message:
        raise MatchingError(
            f"Tell {_name(mentor)} a little about what you would like help with.",
            field="message",
        )
    if len(message) > MESSAGE_MAX:
        raise MatchingError(
            f"Please keep your message under {MESSAGE_MAX} characters.", field="message"
        )
    _check_mentor_room(programme, mentor)
    _check_pair(programme, mentee, mentor)
    _check_mentee_limits(programme, mentee, mentor)
    days = matching_settings_for(programme).request_expiry_days
    now = timezone.now()
    # A lapsed request the expiry sweep has not reached yet must not block asking again.
    MentorRequest.objects.filter(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        status=Status.PENDING,
        expires_at__lte=now,
    ).update(status=Status.EXPIRED, responded_at=now)
    request = MentorRequest(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        message=message,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    request.full_clean(exclude=["mentorship"], validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise MatchingError(f"You have already asked {_name(mentor)}.") from exc
    request_reminder_schedule(request)
    _email("request_received", request, to=mentor)
    return request


def _email(name: str, request: MentorRequest, *, to: User, **extra) -> None:
    send_email(
        name,
        to=[to.email],
        context={
            "req": request,
            "programme": request.programme,
            "mentee": request.mentee,
            "mentor": request.mentor,
            "recipient": to,
            "url": site_url("request_detail", pk=request.pk),
            **extra,
        },
        in_app_for=to,
    )


def _lock_request(request_id: int, **owner) -> MentorRequest:
    request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, **owner)
        .select_related("programme", "mentee", "mentor")
        .first()
    )
    if request is None:
        raise MatchingError("This request is not yours to answer.")
    return request


def _check_pending(request: MentorRequest, now: dt.datetime) -> None:
    if request.status == Status.PENDING and request.expires_at <= now:
        raise MatchingError("This request has expired, so it can no longer be answered.")
    if request.status != Status.PENDING:
        raise MatchingError(
            "This request is no longer waiting for a reply "
            f"({request.get_status_display().lower()})."
        )


def _check_mentor_can_take(request: MentorRequest) -> None:
    """Clear words for a mentor at capacity, checked under the lock on their membership."""
    programme = request.programme
    membership = lock_mentor_membership(programme, request.mentor_id)
    capacity = membership.capacity or 0
    load = mentor_load(programme=programme, mentor_id=request.mentor_id)
    if load >= capacity:
        raise MatchingError(
            f"All your places in {programme.name} are taken ({load} of {capacity} used). "
            "To accept, raise your capacity in your mentor settings first, or decline kindly."
        )
    others = Mentorship.objects.open().filter(programme=programme, mentee=request.mentee)
    if not matching_settings_for(programme).allow_multiple_mentors and others.exists():
        raise MatchingError(
            f"{_name(request.mentee)} has already started a mentorship in {programme.name}, "
            "so this request can no longer be accepted."
        )


@transaction.atomic
def request_accept(*, request_id: int, mentor: User, message: str = "") -> Mentorship:
    """The mentor says yes: the mentorship starts and the mentee's other requests close."""
    found = MentorRequest.objects.filter(pk=request_id, mentor=mentor).first()
    if found is None:
        raise MatchingError("This request is not yours to answer.")
    _lock_mentee_membership(found.programme, found.mentee_id)
    request = _lock_request(request_id, mentor=mentor)
    now = timezone.now()
    _check_pending(request, now)
    _check_mentor_can_take(request)
    mentorship = mentorship_create(
        programme=request.programme,
        mentor_id=mentor.pk,
        mentee_id=request.mentee_id,
        origin=Mentorship.Origin.REQUEST,
    )
    request.status = Status.ACCEPTED
    request.responded_at = now
    request.reply_message = (message or "").strip()[:MESSAGE_MAX]
    request.mentorship = mentorship
    request.save(update_fields=["status", "responded_at", "reply_message", "mentorship"])
    withdrawn = pending_requests_withdraw(
        programme=request.programme, mentee_id=request.mentee_id, now=now
    )
    _email(
        "request_accepted",
        request,
        to=request.mentee,
        mentorship=mentorship,
        mentorship_url=site_url("mentorship_detail", pk=mentorship.pk),
        withdrew_others=withdrawn,
    )
    return mentorship


def pending_requests_withdraw(
    *, programme: Programme, mentee_id: int, now: dt.datetime | None = None
) -> int:
    """Close a mentee's other waiting requests once they have a mentor; tell those mentors.

    Call inside the transaction that gave the mentee their mentor (a request
    accepted, a matching run published). Programmes that allow several mentors
    keep the other requests open.
    """
    if matching_settings_for(programme).allow_multiple_mentors:
        return 0
    now = now or timezone.now()
    waiting = list(
        MentorRequest.objects.select_for_update(of=("self",))
        .filter(programme=programme, mentee_id=mentee_id, status=Status.PENDING)
        .select_related("programme", "mentee", "mentor")
        .order_by("pk")
    )
    for other in waiting:
        other.status = Status.WITHDRAWN
        other.responded_at = now
        other.save(update_fields=["status", "responded_at"])
        if other.expires_at > now:
            _email("request_withdrawn", other, to=other.mentor, found_mentor=True)
    return len(waiting)


@transaction.atomic
def request_decline(
    *, request_id: int, mentor: User, reason: str = "", message: str = ""
) -> MentorRequest:
    """The mentor says no, with a private reason and a kind message to the mentee."""
    request = _lock_request(request_id, mentor=mentor)
    now = timezone.now()
    _check_pending(request, now)
    if len(reason or "") > REASON_MAX or len(message or "") > MESSAGE_MAX:
        raise MatchingError(f"Please keep each box under {MESSAGE_MAX} characters.")
    request.status = Status.DECLINED
    request.responded_at = now
    request.decline_reason = (reason or "").strip() or None
    request.reply_message = (message or "").strip()
    request.save(update_fields=["status", "responded_at", "decline_reason", "reply_message"])
    _email(
        "request_declined",
        request,
        to=request.mentee,
        directory_url=site_url("directory", slug=request.programme.slug),
    )
    return request


@transaction.atomic
def request_withdraw(*, request_id: int, mentee: User) -> MentorRequest:
    """The mentee takes their request back; the mentor is told."""
    request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, mentee=mentee)
        .select_related("programme", "mentee", "mentor")
        .first()
    )
    if request is None:
        raise MatchingError("This request is not yours to withdraw.")
    now = timezone.now()
    if request.status != Status.PENDING or request.expires_at <= now:
        raise MatchingError("This request is no longer waiting for a reply, so it stays as it is.")
    request.status = Status.WITHDRAWN
    request.responded_at = now
    request.save(update_fields=["status", "responded_at"])
    _email("request_withdrawn", request, to=request.mentor, found_mentor=False)
    return request


def requests_expire(now: dt.datetime | None = None) -> int:
    """Mark unanswered requests past their date as expired and tell each mentee once.

    Each row is claimed with a conditional update whose row count is checked, so
    two sweeps at once (or a retried one) never email anyone twice.
    """
    now = now or timezone.now()
    due = MentorRequest.objects.filter(status=Status.PENDING, expires_at__lte=now)
    expired = 0
    for pk in due.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            claimed = MentorRequest.objects.filter(
                pk=pk, status=Status.PENDING, expires_at__lte=now
            ).update(status=Status.EXPIRED, responded_at=now)
            if not claimed:
                continue
            request = MentorRequest.objects.select_related("programme", "mentee", "mentor").get(
                pk=pk
            )
            _email_expired(request)
            expired += 1
    return expired


def _email_expired(request: MentorRequest) -> None:
    """Tell the mentee kindly, and point them to the other mentors if they may still ask."""
    programme = request.programme
    _email(
        "request_expired",
        request,
        to=request.mentee,
        directory_url=site_url("directory", slug=programme.slug),
        can_ask_again=programme.allows_mentee_requests
        and programme.status != Programme.Status.CLOSED,
        expired_text=date_format(local_time(request.expires_at, request.mentee), "j F Y"),
    )


@transaction.atomic
def conflict_declare(
    *, programme: Programme, mentee: User, mentor_id: int, kind: str
) -> DeclaredConflict:
    """A mentee says a mentor is their supervisor or line manager: never pair them."""
    if kind not in DeclaredConflict.Kind.values:
        raise MatchingError("Choose how you know this person.")
    if _lock_mentee_membership(programme, mentee.pk) is None:
        raise MatchingError(f"Only mentees of {programme.name} can do this.")
    if mentor_membership(programme=programme, mentor_id=mentor_id) is None:
        raise MatchingError(f"This person is not a mentor in {programme.name}.")
    conflict, _ = DeclaredConflict.objects.get_or_create(
        programme=programme, mentee=mentee, mentor_id=mentor_id, defaults={"kind": kind}
    )
    # A request already sent to them is withdrawn quietly: nothing to tell them.
    MentorRequest.objects.filter(
        programme=programme, mentee=mentee, mentor_id=mentor_id, status=Status.PENDING
    ).update(status=Status.WITHDRAWN, responded_at=timezone.now())
    return conflict


def requests_withdraw_for_leaver(*, programme: Programme, user_id: int, as_mentor: bool) -> int:
    """Withdraw the waiting requests made by (or to) someone who left the programme."""
    return MentorRequest.objects.filter(
        programme=programme,
        status=Status.PENDING,
        **{"mentor_id" if as_mentor else "mentee_id": user_id},
    ).update(status=Status.WITHDRAWN, responded_at=timezone.now())
