"""Reactions to signals sent by lower layers: each one calls a service or a selector."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from programmes.models import Membership, Programme
from programmes.reminders import DigestLine, DigestSection, digest_section, local_date
from programmes.signals import coordinator_digest_sections, member_next_steps, membership_ended

from .models import Mentorship
from .selectors.home import home_next_steps
from .services.lifecycle import mentorships_end_for_leaver

ENDING_WITHIN = dt.timedelta(weeks=4)


def connect() -> None:
    """Called from MatchingConfig.ready(): the one place matching answers these signals."""
    membership_ended.connect(
        end_mentorships_of_leaver, sender=Membership, dispatch_uid="matching-membership-ended"
    )
    member_next_steps.connect(
        mentoring_next_steps, sender=Programme, dispatch_uid="matching-member-next-steps"
    )
    coordinator_digest_sections.connect(
        coordinator_digest, sender=Programme, dispatch_uid="matching-coordinator-digest"
    )


def end_mentorships_of_leaver(sender, *, programme, user_id, role, **kwargs):
    if role in (Membership.Role.MENTOR, Membership.Role.MENTEE):
        mentorships_end_for_leaver(programme=programme, user_id=user_id, role=role)


def mentoring_next_steps(sender, *, user, programme_ids, **kwargs):
    return home_next_steps(user=user, programme_ids=programme_ids)


def coordinator_digest(sender, *, programme, recipient, now, **kwargs) -> list[DigestSection]:
    """Unmatched mentees and mentorships ending soon: four queries, names and dates only."""
    return [
        _unmatched_mentees(programme, recipient),
        _ending_soon(programme, local_date(now, recipient)),
    ]


def _unmatched_mentees(programme: Programme, recipient) -> DigestSection:
    """Approved mentees (current mentee members) without an open mentorship here."""
    matched = Mentorship.objects.open().filter(programme=programme, mentee=OuterRef("user_id"))
    rows = (
        Membership.objects.active()
        .filter(programme=programme, role=Membership.Role.MENTEE, user__is_active=True)
        .exclude(Exists(matched))
        .select_related("user")
        .order_by("joined_at", "pk")
    )
    coordinators_match = programme.matching_route != Programme.MatchingRoute.MENTEE_REQUESTS
    page = "matching:runs" if coordinators_match else "programmes:members"
    return digest_section(
        title="Mentees without a mentor",
        rows=rows,
        line=lambda m: DigestLine(m.user.full_name, local_date(m.joined_at, recipient), "joined"),
        url=reverse(page, kwargs={"slug": programme.slug}),
        key="unmatched-mentees",
    )


def _ending_soon(programme: Programme, today: dt.date) -> DigestSection:
    rows = (
        Mentorship.objects.filter(
            programme=programme,
            status__in=(Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED),
            planned_end_on__gte=today,
            planned_end_on__lte=today + ENDING_WITHIN,
        )
        .select_related("mentor", "mentee")
        .order_by("planned_end_on", "pk")
    )
    return digest_section(
        title="Mentorships ending in the next four weeks",
        rows=rows,
        line=lambda m: DigestLine(
            f"{m.mentor.full_name} and {m.mentee.full_name}",
            m.planned_end_on,
            "ends",
            reverse("matching:mentorship_detail", kwargs={"pk": m.pk}),
        ),
        url=reverse("programmes:manage", kwargs={"slug": programme.slug}),
        key="ending-soon",
    )
