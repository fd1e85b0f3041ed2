"""People, mentorships and meetings for the notes tests (plain helpers and fixtures)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from matching.models import Mentorship
from programmes.models import Membership
from sessions.models import Meeting
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

_numbers = itertools.count(1)


def person(programme, role: str, **profile):
    n = next(_numbers)
    user = UserFactory(email=f"{role}{n}@example.org", full_name=f"Dr {role.title()} {n}")
    ProfileFactory(user=user, **profile)
    MembershipFactory(programme=programme, user=user, role=role)
    return user


def make_mentorship(programme, mentor, mentee, **fields) -> Mentorship:
    values = {
        "status": Mentorship.Status.ACTIVE,
        "origin": "request",
        "started_on": timezone.localdate(),
    }
    values.update(fields)
    return Mentorship.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


def make_meeting(mentorship: Mentorship, *, days_ago: int = 1, status=Meeting.Status.CONFIRMED):
    starts = timezone.now() - dt.timedelta(days=days_ago, hours=next(_numbers) % 12)
    return Meeting.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        mode="video",
        status=status,
        proposed_by=mentorship.mentee,
    )


@pytest.fixture
def pair(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def past_meeting(pair):
    return make_meeting(pair)


@pytest.fixture
def other_pair(programme):
    """A mentor and mentee of another mentorship in the same programme."""
    return make_mentorship(
        programme,
        person(programme, Membership.Role.MENTOR),
        person(programme, Membership.Role.MENTEE),
    )
