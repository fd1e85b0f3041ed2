"""Support requests and referrals as each person sees them.

The welfare leads' inbox, a person's own requests, the referrals a mentee has to answer
and those a mentor has suggested.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from matching.models import Mentorship
from mentoring.accounts.models import User
from programmes.models import Membership

from ..models import Referral, SupportRequest

Role = Membership.Role
Status = SupportRequest.Status


def _open_first(queryset: QuerySet[SupportRequest]) -> QuerySet[SupportRequest]:
    return queryset.annotate(
        status_order=Case(
            When(status=Status.OPEN, then=Value(0)),
            When(status=Status.CONTACTED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("status_order", "-created_at", "-pk")


def leads_anywhere(*, user: User) -> bool:
    return Membership.objects.active().filter(user=user, role=Role.WELFARE_LEAD).exists()


def support_inbox_for(*, user: User) -> QuerySet[SupportRequest]:
    """Other people's requests in the programmes the person is a welfare lead of."""
    # visible_to is the person's own requests plus those of the programmes they lead.
    requests = (
        SupportRequest.objects.visible_to(user)
        .exclude(user=user)
        .select_related("user", "programme", "handled_by")
    )
    return _open_first(requests)


def support_requests_of(*, user: User) -> QuerySet[SupportRequest]:
    """The person's own requests, open first."""
    return _open_first(
        SupportRequest.objects.filter(user=user).select_related("programme", "handled_by")
    )


def referrals_waiting_for(*, user: User) -> QuerySet[Referral]:
    """Referrals the person's mentors have suggested and they have not yet answered."""
    return (
        Referral.objects.visible_to(user)
        .filter(mentorship__mentee=user, status=Referral.Status.PROPOSED)
        .select_related("mentorship__mentor", "mentorship__programme", "service")
    )


def referrals_for_mentee(*, user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).filter(mentorship__mentee=user)


def referrals_proposed_in(*, mentorship: Mentorship) -> QuerySet[Referral]:
    """A mentorship's referrals, as its mentor sees them: what was suggested and its status."""
    return Referral.objects.filter(mentorship=mentorship).select_related("service")


def mentorship_as_mentor(*, user: User, pk: int) -> QuerySet[Mentorship]:
    """The mentorship, if the person is its mentor (referrals are suggested while it is open)."""
    return (
        Mentorship.objects.visible_to(user)
        .filter(pk=pk, mentor=user)
        .select_related("programme", "mentee")
    )
