"""Matching's part of the privacy rights: requests, mentorships and declared conflicts."""

from __future__ import annotations

from django.db.models import Q

from mentoring.notifications.emails import send_email
from mentoring.privacy import (
    Closure,
    fields_of,
    register_erasure_step,
    register_export_section,
    register_kept,
)

from .models import ClosingReview, DeclaredConflict, MentorRequest, Mentorship

# MentorRequest.message cannot be empty: what the person wrote is replaced by this.
REMOVED_TEXT = "(Removed when the member closed their account.)"


def _mentor_requests(user) -> list[dict]:
    rows = (
        MentorRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("programme", "mentee", "mentor")
        .order_by("created_at")
    )
    out = []
    for r in rows:
        is_mentor = r.mentor_id == user.pk
        row = {
            "direction": "received (you were asked to mentor)" if is_mentor else "made by you",
            "programme": r.programme.name,
            "mentee": r.mentee.full_name,
            "mentor": r.mentor.full_name,
            "status": r.get_status_display(),
            **fields_of(
                r, ("message", "created_at", "expires_at", "responded_at", "reply_message")
            ),
        }
        if is_mentor:  # the mentor's private reason is theirs alone
            row["your_private_decline_reason"] = r.decline_reason
        out.append(row)
    return out


def _review(review: ClosingReview | None) -> dict | None:
    if review is None:
        return None
    return fields_of(review, ("helpfulness", "supportive_environment", "comments", "created_at"))


def _mentorships(user) -> list[dict]:
    rows = (
        Mentorship.objects.of_member(user)
        .select_related("programme", "mentor", "mentee")
        .order_by("created_at")
    )
    reviews = {r.mentorship_id: r for r in ClosingReview.objects.filter(author=user)}
    out = []
    for m in rows:
        row = {
            "programme": m.programme.name,
            "your_role": "mentor" if m.mentor_id == user.pk else "mentee",
            "mentor": m.mentor.full_name,
            "mentee": m.mentee.full_name,
            "status": m.get_status_display(),
            "origin": m.get_origin_display(),
            **fields_of(m, ("created_at", "started_on", "planned_end_on", "paused_until")),
            "closed_at": m.closed_at,
            "close_reason": m.get_close_reason_display() if m.close_reason else "",
            "closed_by_you": m.closed_by_id == user.pk,
            "your_closing_review": _review(reviews.get(m.pk)),
        }
        if m.closed_by_id == user.pk:  # a close note is private to whoever closed
            row["your_private_close_note"] = m.close_note
        out.append(row)
    return out


def _declared_conflicts(user) -> list[dict]:
    rows = DeclaredConflict.objects.filter(mentee=user).select_related("programme", "mentor")
    return [
        {
            "programme": c.programme.name,
            "mentor": c.mentor.full_name,
            "kind": c.get_kind_display(),
            "created_at": c.created_at,
        }
        for c in rows.order_by("created_at")
    ]


def _close_mentorships(closure: Closure) -> None:
    person = closure.person
    open_ones = (
        Mentorship.objects.select_for_update(of=("self",))
        .of_member(person)
        .open()
        .select_related("programme", "mentor", "mentee")
    )
    for mentorship in open_ones:
        is_mentor = mentorship.mentor_id == person.pk
        mentorship.status = Mentorship.Status.CLOSED
        mentorship.close_reason = (
            Mentorship.CloseReason.MENTOR_WITHDREW
            if is_mentor
            else Mentorship.CloseReason.MENTEE_WITHDREW
        )
        mentorship.closed_at = closure.now
        mentorship.closed_by = person
        mentorship.paused_until = None
        mentorship.save(
            update_fields=["status", "close_reason", "closed_at", "closed_by", "paused_until"]
        )
        other = mentorship.other_person(person)
        # Rendered now, while the person's name is still theirs; sent on commit.
        send_email(
            "account_closed_partner",
            to=[other.email],
            context={
                "recipient": other,
                "person": person,
                "programme": mentorship.programme,
                "was_mentor": is_mentor,
            },
        )


def _end(closure: Closure) -> None:
    person = closure.person
    _close_mentorships(closure)
    MentorRequest.objects.filter(
        Q(mentee=person) | Q(mentor=person), status=MentorRequest.Status.PENDING
    ).update(status=MentorRequest.Status.WITHDRAWN, responded_at=closure.now)


def _erase(closure: Closure) -> None:
    person = closure.person
    # Ratings stay for the programme's evaluation; the words go.
    ClosingReview.objects.filter(author=person).update(comments=None)
    Mentorship.objects.filter(closed_by=person).update(close_note=None)
    DeclaredConflict.objects.filter(mentee=person).delete()
    MentorRequest.objects.filter(mentee=person).update(message=REMOVED_TEXT)
    MentorRequest.objects.filter(mentor=person).update(decline_reason=None, reply_message="")


def register() -> None:
    register_export_section(
        "mentor_requests",
        _mentor_requests,
        title="Mentor requests",
        covers=("matching.MentorRequest",),
    )
    register_export_section(
        "mentorships",
        _mentorships,
        title="Mentorships",
        covers=("matching.Mentorship", "matching.ClosingReview"),
    )
    register_export_section(
        "declared_conflicts",
        _declared_conflicts,
        title="Conflicts of interest you declared",
        covers=("matching.DeclaredConflict",),
    )
    register_erasure_step(
        "matching", _end, stage="end", covers=("matching.Mentorship", "matching.MentorRequest")
    )
    register_erasure_step(
        "matching",
        _erase,
        stage="erase",
        covers=(
            "matching.ClosingReview",
            "matching.Mentorship",
            "matching.DeclaredConflict",
            "matching.MentorRequest",
        ),
    )
    for label in ("matching.MatchingRun", "matching.ProposedPair", "matching.UnmatchedMentee"):
        register_kept(
            label,
            because="a matching run is the programme's record of how its pairs were "
            "proposed (names and overall scores only); the person then reads as the "
            "anonymised account",
        )
