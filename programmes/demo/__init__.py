"""Demo data: two programmes and their people, for trying the platform and for benchmarks.

Deterministic: a seeded random generator picks names, profiles and dates, so the
logins `make run` prints always exist with the same data. Application states follow a
fixed pattern by person number, so `mentor1` and `mentee1` are always approved members.
Rows are bulk-created with one password hash, so `--scale 20` takes seconds.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from mentoring.accounts.models import User

from ..models import Application, Invitation, Membership, Programme
from .data import DEMO_DOMAIN, PROGRAMMES
from .people import PeopleBuilder, assign_programmes

__all__ = [
    "DEMO_PASSWORD",
    "MENTEES_PER_SCALE",
    "MENTORS_PER_SCALE",
    "Summary",
    "demo_data_exists",
    "demo_seed",
]

DEMO_PASSWORD = "mentoring-demo"  # noqa: S105 (published: the demo logins)
MENTORS_PER_SCALE = 30
MENTEES_PER_SCALE = 80


@dataclass
class Summary:
    scale: int
    counts: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Demo data created (scale {self.scale}):",
            f"  {c['programmes']} programmes: " + ", ".join(s.name for s in PROGRAMMES),
            f"  {c['people']} people: {c['coordinators']} coordinators, {c['mentors']} "
            f"mentors, {c['mentees']} mentees",
            f"  {c['applications']} applications: {c['approved']} approved, "
            f"{c['submitted']} awaiting review, {c['declined']} declined, "
            f"{c['withdrawn']} withdrawn",
            f"  {c['memberships']} active memberships: {c['m_coordinator']} coordinators, "
            f"{c['m_mentor']} mentors, {c['m_mentee']} mentees",
            f"  {c['invitations']} invitations: {c['inv_pending']} pending, "
            f"{c['inv_expired']} expired, {c['inv_accepted']} accepted, "
            f"{c['inv_revoked']} revoked",
            f"Log in as coordinator1@{DEMO_DOMAIN}, coordinator2@{DEMO_DOMAIN}, "
            f"mentor1..mentor{c['mentors']}@{DEMO_DOMAIN} or "
            f"mentee1..mentee{c['mentees']}@{DEMO_DOMAIN} "
            f"with the password {DEMO_PASSWORD}.",
        ]


def demo_data_exists() -> bool:
    slugs = [spec.slug for spec in PROGRAMMES]
    return (
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists()
        or Programme.objects.filter(slug__in=slugs).exists()
    )


@transaction.atomic
def demo_seed(*, scale: int = 1, seed: int = 2024) -> Summary:
    """Create the demo programmes and people. Raises ValueError if scale < 1."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    builder = PeopleBuilder(random.Random(seed), make_password(DEMO_PASSWORD))
    programmes = {spec.slug: builder.programme(spec) for spec in PROGRAMMES}
    people = [
        builder.person(number, role, spec)
        for role, per_scale, attr in (
            (Application.Role.MENTOR, MENTORS_PER_SCALE, "mentors"),
            (Application.Role.MENTEE, MENTEES_PER_SCALE, "mentees"),
        )
        for number, spec in assign_programmes(per_scale * scale, per_scale, attr)
    ]
    builder.save_people(people)
    builder.applications(people, programmes)
    for spec in PROGRAMMES:
        builder.invitations(programmes[spec.slug], scale)
    return _summary(scale)


def _summary(scale: int) -> Summary:
    summary = Summary(scale=scale)
    c = summary.counts
    c["programmes"] = Programme.objects.filter(slug__in=[s.slug for s in PROGRAMMES]).count()
    demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    c["people"] = demo_users.count()
    c["coordinators"] = demo_users.filter(email__startswith="coordinator").count()
    c["mentors"] = demo_users.filter(email__startswith="mentor").count()
    c["mentees"] = demo_users.filter(email__startswith="mentee").count()
    demo = {"programme__slug__in": [s.slug for s in PROGRAMMES]}
    statuses = Counter(Application.objects.filter(**demo).values_list("status", flat=True))
    c["applications"] = sum(statuses.values())
    c.update({str(status): n for status, n in statuses.items()})
    roles = Counter(Membership.objects.active().filter(**demo).values_list("role", flat=True))
    c["memberships"] = sum(roles.values())
    c.update({f"m_{role}": n for role, n in roles.items()})
    invitations = list(Invitation.objects.filter(**demo))
    c["invitations"] = len(invitations)
    c.update(Counter(f"inv_{i.state}" for i in invitations))
    return summary
