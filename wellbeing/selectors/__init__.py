"""Reads that depend on who is asking. Check-ins only ever come through `visible_to`."""

from __future__ import annotations

from django.db.models import QuerySet

from matching.models import Mentorship
from programmes.models import Membership, Programme

from ..models import CheckIn, SupportService
from ..services.checkins import CHECKIN_ROLES, CURRENT_MENTORSHIP

TREND_POINTS = 12


def checkin_programmes_for(*, user) -> list[Programme]:
    """Programmes the person may check in for: those where they are a mentor or mentee."""
    if not user.is_authenticated:
        return []
    mine = Membership.objects.active().filter(user=user, role__in=CHECKIN_ROLES)
    return list(Programme.objects.filter(pk__in=mine.values("programme_id")).order_by("name"))


def programmes_with_mentor(*, user, programmes) -> set[int]:
    """Of these programmes, those where the person has a current mentor to share with."""
    return set(
        Mentorship.objects.filter(
            mentee=user, status__in=CURRENT_MENTORSHIP, programme__in=programmes
        ).values_list("programme_id", flat=True)
    )


def own_checkins(*, user) -> QuerySet[CheckIn]:
    """The person's own check-ins, newest first (a mentor's shared view is elsewhere)."""
    return (
        CheckIn.objects.visible_to(user)
        .filter(user=user)
        .select_related("programme")
        .order_by("-created_at", "-pk")
    )


def own_checkin(*, user, pk: int) -> QuerySet[CheckIn]:
    return own_checkins(user=user).filter(pk=pk)


def previous_checkin(*, checkin: CheckIn) -> CheckIn | None:
    """The person's check-in before this one, in any programme: wellbeing is the person's."""
    return (
        CheckIn.objects.visible_to(checkin.user)
        .filter(user=checkin.user, instrument=checkin.instrument)
        .filter(created_at__lte=checkin.created_at)
        .exclude(pk=checkin.pk)
        .exclude(created_at=checkin.created_at, pk__gt=checkin.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def trend_for(*, user, limit: int = TREND_POINTS) -> list[CheckIn]:
    """The person's latest check-ins, oldest first, for their chart."""
    checkins = own_checkins(user=user).select_related(None)
    latest = list(checkins.only("pk", "user_id", "created_at", "score", "band")[:limit])
    return latest[::-1]


def shared_with(*, user) -> QuerySet[CheckIn]:
    """Check-ins that mentees chose to share with this person, their current mentor."""
    return (
        CheckIn.objects.visible_to(user)
        .exclude(user=user)
        .filter(share_with_mentor=True)
        .select_related("user", "programme")
        .order_by("-created_at", "-pk")
    )


def shared_checkin(*, user, pk: int) -> QuerySet[CheckIn]:
    """One check-in a mentee shares with this person now; empty once they stop sharing."""
    return shared_with(user=user).filter(pk=pk)


def member_programme(*, user, slug: str) -> QuerySet[Programme]:
    """The programme, if the person is a current member of it in any role."""
    if not user.is_authenticated:
        return Programme.objects.none()
    mine = Membership.objects.active().filter(user=user).values("programme_id")
    return Programme.objects.filter(pk__in=mine, slug=slug)


def directory_of(*, programme: Programme, user) -> QuerySet[SupportService]:
    return SupportService.objects.visible_to(user).filter(programme=programme)


def urgent_services_for(*, user) -> list[SupportService]:
    """Urgent services from the directories of every programme the person belongs to."""
    if not user.is_authenticated:
        return []
    return list(
        SupportService.objects.visible_to(user)
        .filter(urgent=True)
        .select_related("programme")
        .order_by("programme__name", "position", "name")
    )
