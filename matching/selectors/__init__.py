"""Reads for mentees, mentors and mentorships, always starting from who is asking.

Each function makes a fixed number of queries whatever the programme's size.
Nothing here reads `MatchingPreferences`: the candidates module hands them to the
engine, and pages only ever see the engine's totals and plain-word reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, Q, QuerySet, When
from django.utils import timezone

from mentoring.accounts.models import User
from programmes.models import Membership, Programme

from ..candidates import candidate_for, candidates_for_programme, weights_and_rules_for
from ..engine.scoring import rank_mentors
from ..engine.types import CRITERIA, Candidate, Score
from ..models import ClosingReview, MatchingSettings, MentorRequest, Mentorship

Role = Membership.Role
SHORT_LIST = 5
# What pages call each criterion. "preferences" is deliberately absent: its value is
# part of the total but never shown to anyone.
CRITERION_LABELS = {
    "specialty": "Specialty",
    "topics": "Topics",
    "career_stage": "Experience",
    "location": "Region or time zone",
    "modes": "Ways to meet",
    "language": "Language",
}
DIRECTORY_FILTERS = ("specialty", "region", "mode", "topic", "framework")


# Whose programme is it? ----------------------------------------------------------------


def _member_of(user: User, role: str) -> QuerySet[Programme]:
    mine = Membership.objects.active().filter(user=user, role=role).values("programme_id")
    return Programme.objects.visible_to(user).filter(pk__in=mine)


def programmes_as_mentee(*, user: User) -> QuerySet[Programme]:
    """Programmes in which the person is an approved, current mentee."""
    return _member_of(user, Role.MENTEE)


def programmes_as_mentor(*, user: User) -> QuerySet[Programme]:
    """Programmes in which the person is an approved, current mentor."""
    return _member_of(user, Role.MENTOR)


# The mentor directory ----------------------------------------------------------------------


@dataclass
class MentorOffer:
    """A mentor as a mentee sees them: their profile, how well they match, and why."""

    mentor: User
    score: Score
    pending_request: MentorRequest | None = None

    @property
    def overall(self) -> int:
        return round(self.score.total)

    @property
    def criteria(self) -> list[tuple[str, int]]:
        return [
            (CRITERION_LABELS[c], round(100 * self.score.breakdown[c]))
            for c in CRITERIA
            if c in CRITERION_LABELS and c in self.score.breakdown
        ]


def _keeps(candidate: Candidate, filters: dict[str, str]) -> bool:
    checks = {
        "specialty": lambda v: candidate.specialty == v,
        "region": lambda v: candidate.region == v,
        "mode": lambda v: v in candidate.modes,
        "topic": lambda v: v in candidate.topics,
        "framework": lambda v: v in candidate.frameworks,
    }
    return all(checks[name](value) for name, value in filters.items() if value and name in checks)


def ranked_mentors_for(
    *, programme: Programme, mentee: User, filters: dict[str, str] | None = None
) -> list[tuple[Candidate, Score]]:
    """Mentors with room, whom the rules allow, best match first. Seven queries."""
    weights, rules = weights_and_rules_for(programme, mentee_ids=[mentee.pk])
    me = candidate_for(mentee, Role.MENTEE)
    mentors = [
        c
        for c in candidates_for_programme(programme, Role.MENTOR)
        if c.id != mentee.pk and _keeps(c, filters or {})
    ]
    return rank_mentors(me, mentors, weights, rules)


def offers_for(
    *, programme: Programme, mentee: User, ranked: list[tuple[Candidate, Score]]
) -> list[MentorOffer]:
    """Profiles and the mentee's waiting requests for one page of ranked mentors. Two queries."""
    ids = [candidate.id for candidate, _score in ranked]
    people = User.objects.filter(pk__in=ids).select_related("profile").in_bulk()
    waiting = {
        r.mentor_id: r
        for r in MentorRequest.objects.visible_to(mentee)
        .pending()
        .filter(programme=programme, mentee=mentee, mentor_id__in=ids)
    }
    return [
        MentorOffer(mentor=people[c.id], score=score, pending_request=waiting.get(c.id))
        for c, score in ranked
        if c.id in people
    ]


def mentor_offer_for(*, programme: Programme, mentee: User, mentor_id: int) -> MentorOffer | None:
    """One mentor as offered to this mentee; None when they are not offered."""
    weights, rules = weights_and_rules_for(programme, mentee_ids=[mentee.pk])
    if mentor_id == mentee.pk:
        return None
    mentors = candidates_for_programme(programme, Role.MENTOR, user_ids=[mentor_id])
    ranked = rank_mentors(candidate_for(mentee, Role.MENTEE), mentors, weights, rules)
    if not ranked:
        return None
    offers = offers_for(programme=programme, mentee=mentee, ranked=ranked)
    return offers[0] if offers else None


def request_limits_for(*, programme: Programme, mentee: User) -> dict:
    """How many requests the mentee has waiting, against the programme's limit."""
    settings = MatchingSettings.objects.filter(programme=programme).first()
    limit = settings.max_pending_requests if settings else 1
    waiting = MentorRequest.objects.pending().filter(programme=programme, mentee=mentee).count()
    has_mentor = Mentorship.objects.open().filter(
        programme=programme, mentee=mentee
    ).exists() and not (settings and settings.allow_multiple_mentors)
    return {
        "limit": limit,
        "waiting": waiting,
        "can_ask": waiting < limit and not has_mentor,
        "has_mentor": has_mentor,
    }


# Requests -----------------------------------------------------------------------------------


def _with_overdue(qs: QuerySet[MentorRequest]) -> QuerySet[MentorRequest]:
    """Mark requests past their date that the expiry sweep has not reached yet."""
    overdue = Q(status=MentorRequest.Status.PENDING, expires_at__lte=timezone.now())
    return qs.annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()))


def requests_sent_by(*, user: User) -> QuerySet[MentorRequest]:
    """The person's own requests to mentors, in every programme, newest first."""
    qs = MentorRequest.objects.visible_to(user).filter(mentee=user)
    return _with_overdue(qs.select_related("programme", "mentor").order_by("-created_at", "-pk"))


def requests_received_by(*, user: User) -> QuerySet[MentorRequest]:
    """Requests to the person as a mentor, in every programme, newest first."""
    qs = MentorRequest.objects.visible_to(user).filter(mentor=user)
    return _with_overdue(
        qs.select_related("programme", "mentee__profile").order_by("-created_at", "-pk")
    )


def request_for(*, user: User, pk: int) -> QuerySet[MentorRequest]:
    """A request as its mentee or its mentor may open it (anyone else finds nothing)."""
    qs = MentorRequest.objects.visible_to(user).filter(pk=pk)
    return _with_overdue(qs.select_related("programme", "mentee__profile", "mentor__profile"))


# Mentorships --------------------------------------------------------------------------------


def mentorships_of(*, user: User) -> QuerySet[Mentorship]:
    """The person's own mentorships (as mentor or mentee); open ones first."""
    closed = Case(When(status=Mentorship.Status.CLOSED, then=1), default=0)
    return (
        Mentorship.objects.visible_to(user)
        .of_member(user)
        .select_related("programme", "mentor", "mentee")
        .order_by(closed, "-created_at", "-pk")
    )


def mentorship_for(*, user: User, pk: int) -> QuerySet[Mentorship]:
    """A mentorship its members, or the programme's coordinators, may open."""
    return (
        Mentorship.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("programme", "mentor__profile", "mentee__profile", "closed_by")
    )


def my_review_of(*, mentorship: Mentorship, user: User) -> ClosingReview | None:
    return ClosingReview.objects.filter(mentorship=mentorship, author=user).first()


# "My mentoring": everything in one place ------------------------------------------------------


@dataclass
class MentorPlaces:
    membership: Membership
    load: int

    @property
    def programme(self) -> Programme:
        return self.membership.programme

    @property
    def capacity(self) -> int:
        return self.membership.capacity or 0

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass
class MyMentoring:
    mentor_places: list[MentorPlaces] = field(default_factory=list)
    mentee_programmes: list[Programme] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)
    more_mentorships: bool = False
    received: list[MentorRequest] = field(default_factory=list)
    more_received: bool = False
    sent: list[MentorRequest] = field(default_factory=list)
    more_sent: bool = False
    reviews_due: list[Mentorship] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.mentor_places or self.mentee_programmes or self.mentorships)


def _short(qs) -> tuple[list, bool]:
    rows = list(qs[: SHORT_LIST + 1])
    return rows[:SHORT_LIST], len(rows) > SHORT_LIST


def my_mentoring_for(*, user: User) -> MyMentoring:
    """The person's mentorships, waiting requests and places, across programmes."""
    memberships = list(
        Membership.objects.active()
        .filter(user=user, role__in=[Role.MENTOR, Role.MENTEE])
        .select_related("programme")
        .order_by("programme__name", "role")
    )
    mentor_of = [m for m in memberships if m.role == Role.MENTOR]
    loads = (
        dict(
            Mentorship.objects.open()
            .filter(mentor=user, programme__in=[m.programme_id for m in mentor_of])
            .values_list("programme_id")
            .annotate(n=Count("pk"))
        )
        if mentor_of
        else {}
    )
    overview = MyMentoring(
        mentor_places=[MentorPlaces(m, loads.get(m.programme_id, 0)) for m in mentor_of],
        mentee_programmes=[m.programme for m in memberships if m.role == Role.MENTEE],
    )
    overview.mentorships, overview.more_mentorships = _short(
        mentorships_of(user=user).open().order_by("-created_at", "-pk")
    )
    overview.received, overview.more_received = _short(
        requests_received_by(user=user).pending().order_by("expires_at", "pk")
    )
    overview.sent, overview.more_sent = _short(requests_sent_by(user=user).pending())
    overview.reviews_due = list(
        mentorships_of(user=user)
        .filter(status=Mentorship.Status.CLOSED, started_on__isnull=False)
        .exclude(reviews__author=user)
        .order_by("-closed_at")[:SHORT_LIST]
    )
    return overview
