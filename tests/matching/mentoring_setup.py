"""People and requests for the mentee-chooses tests (plain helpers, not fixtures)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from matching.models import MatchingSettings, MentorRequest, Mentorship
from matching.services.requests import request_create
from programmes.models import Membership, Programme
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

_numbers = itertools.count(1)


def make_mentor(
    programme: Programme, *, capacity: int = 2, accepting: bool = True, name: str = "", **profile
):
    n = next(_numbers)
    user = UserFactory(email=f"mentor{n}@example.org", full_name=name or f"Dr Mentor {n}")
    ProfileFactory(user=user, **{"years_in_practice": "21+", **profile})
    MembershipFactory(
        programme=programme,
        user=user,
        role=Membership.Role.MENTOR,
        capacity=capacity,
        accepting_mentees=accepting,
    )
    return user


def make_mentee(programme: Programme, *, name: str = "", **profile):
    n = next(_numbers)
    user = UserFactory(email=f"mentee{n}@example.org", full_name=name or f"Dr Mentee {n}")
    ProfileFactory(user=user, **{"years_in_practice": "0-5", **profile})
    MembershipFactory(programme=programme, user=user, role=Membership.Role.MENTEE)
    return user


def ask(programme, mentee, mentor, message="I would value help with my career.") -> MentorRequest:
    return request_create(programme=programme, mentee=mentee, mentor_id=mentor.pk, message=message)


def settings_of(programme: Programme, **values) -> MatchingSettings:
    settings, _ = MatchingSettings.objects.get_or_create(programme=programme)
    for field, value in values.items():
        setattr(settings, field, value)
    settings.save()
    return settings


def mentorship(programme, mentor, mentee, **fields) -> Mentorship:
    today = timezone.localdate()
    values = {"status": Mentorship.Status.ACTIVE, "origin": "request", "started_on": today}
    values.update(fields)
    return Mentorship.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


def html_parts(msg) -> str:
    """The HTML alternative of an email (every email has one)."""
    assert msg.alternatives, "the email has no HTML part"
    content, mimetype = msg.alternatives[0]
    assert mimetype == "text/html"
    return content
