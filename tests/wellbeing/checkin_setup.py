"""People and check-ins for the check-in, sharing, directory and aggregates tests.

Plain helpers and fixtures; test modules import the fixtures they use by name.
"""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from matching.models import Mentorship
from programmes.models import Membership, Programme
from tests.factories import MembershipFactory, UserFactory
from wellbeing.models import CheckIn
from wellbeing.services.checkins import checkin_record

_numbers = itertools.count(1)

# Answers giving each band: raw 7 (28, very low), 10 (40, low), 17 (68, not low).
VERY_LOW_ANSWERS = [2, 2, 1, 1, 1]
LOW_ANSWERS = [2, 2, 2, 2, 2]
NOT_LOW_ANSWERS = [4, 4, 3, 3, 3]


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def make_person(programme: Programme | None, role: str | None, *, name: str = ""):
    n = next(_numbers)
    user = UserFactory(email=f"person.w{n}@example.org", full_name=name or f"Dr Person {n}")
    if programme is not None and role is not None:
        MembershipFactory(programme=programme, user=user, role=role)
    return user


def make_mentorship(programme, mentor, mentee, *, status=Mentorship.Status.ACTIVE) -> Mentorship:
    return Mentorship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=status,
        origin=Mentorship.Origin.REQUEST,
        started_on=timezone.localdate(),
    )


def close(mentorship: Mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.CLOSED, closed_at=timezone.now()
    )


def check_in(user, programme, answers=NOT_LOW_ANSWERS, **fields) -> CheckIn:
    return checkin_record(user=user, programme=programme, answers=list(answers), **fields)


@pytest.fixture
def mentorship(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def welfare_lead(programme):
    return make_person(programme, Membership.Role.WELFARE_LEAD, name="Dr Wendy Fare")


@pytest.fixture
def other_welfare_lead(other_programme):
    return make_person(other_programme, Membership.Role.WELFARE_LEAD, name="Dr Walt Elsewhere")


@pytest.fixture
def former_mentor(programme, mentee):
    """The mentee's previous mentor: their mentorship has closed."""
    former = make_person(programme, Membership.Role.MENTOR, name="Dr Fern Former")
    close(make_mentorship(programme, former, mentee))
    return former


@pytest.fixture
def other_mentor(programme):
    """A mentor of the same programme who does not mentor our mentee."""
    return make_person(programme, Membership.Role.MENTOR, name="Dr Otis Unrelated")
