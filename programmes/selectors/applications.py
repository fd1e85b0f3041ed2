"""Reads for applications and members, always starting from who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from mentoring.accounts.models import User

from ..models import Application, ApplicationQuestion, Membership, Programme

MEMBER_ROLES = (Membership.Role.MENTOR, Membership.Role.MENTEE)
STATUS_ALL = "all"  # the review queue's "every status" filter


def applications_of(*, user: User) -> QuerySet[Application]:
    """The person's own applications, in every programme."""
    return (
        Application.objects.visible_to(user)
        .filter(applicant=user)
        .select_related("programme")
        .order_by("-submitted_at", "-pk")
    )


def _person_search(prefix: str, q: str) -> Q:
    return (
        Q(**{f"{prefix}full_name__icontains": q})
        | Q(**{f"{prefix}preferred_name__icontains": q})
        | Q(**{f"{prefix}email__icontains": q})
    )


def applications_for_review(
    *,
    user: User,
    programme: Programme,
    status: str = Application.Status.SUBMITTED,
    role: str = "",
    specialty: str = "",
    region: str = "",
    q: str = "",
    ordering: list[str] | None = None,
) -> QuerySet[Application]:
    """The programme's applications as its coordinator `user` filters them."""
    qs = (
        Application.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("applicant__profile")
    )
    if status != STATUS_ALL:
        qs = qs.filter(status=status)
    if role:
        qs = qs.filter(role=role)
    if specialty:
        qs = qs.filter(applicant__profile__specialty=specialty)
    if region:
        qs = qs.filter(applicant__profile__region=region)
    if q:
        qs = qs.filter(_person_search("applicant__", q))
    return qs.order_by(*(ordering or ["-submitted_at", "-pk"]))


def application_status_counts(*, user: User, programme: Programme) -> dict[str, int]:
    rows = (
        Application.objects.visible_to(user)
        .filter(programme=programme)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {status: 0 for status in Application.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def application_for_review(*, user: User, programme: Programme) -> QuerySet[Application]:
    """Where a coordinator opens one application of the programme (404 otherwise)."""
    return (
        Application.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("applicant__profile", "decided_by")
    )


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


def answers_for(*, application: Application) -> list[Answer]:
    """The programme's questions for the applicant's role, with what they answered."""
    questions = ApplicationQuestion.objects.filter(programme_id=application.programme_id)
    return [
        Answer(question=q.text, answer=application.answers.get(str(q.pk), ""))
        for q in questions
        if q.applies_to(application.role) or str(q.pk) in application.answers
    ]


def members_of(*, programme: Programme, role: str = "", q: str = "") -> QuerySet[Membership]:
    """Current mentors and mentees of a programme its coordinator has loaded."""
    qs = (
        Membership.objects.active()
        .filter(programme=programme, role__in=MEMBER_ROLES)
        .select_related("user__profile")
    )
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(_person_search("user__", q))
    return qs.order_by("user__full_name", "role", "pk")


def member_counts(*, programme: Programme) -> dict[str, int]:
    rows = (
        Membership.objects.active()
        .filter(programme=programme, role__in=MEMBER_ROLES)
        .values("role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {role.value: 0 for role in MEMBER_ROLES}
    counts.update({row["role"]: row["n"] for row in rows})
    return counts
