"""People and proposals for the matching-run tests."""

from __future__ import annotations

from mentoring.accounts.models import MatchingPreferences
from programmes.models import Membership
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

# Distinctive private values: no run page may ever show them.
SENSITIVE = {
    "sex": "female",
    "age_band": "55_plus",
    "ethnicity": "black",
    "religion": "sikh",
}
SENSITIVE_LABELS = ("Female", "55 and over", "Black British", "Sikh", "sikh", "55_plus")


def person(email: str, name: str, **profile):
    user = UserFactory(email=email, full_name=name)
    defaults = {
        "specialty": "Cardiology",
        "years_in_practice": "0-5",
        "region": "West Yorkshire",
        "employer": "",
        "department": "",
        "topics_seeking": ["Career development"],
        "topics_offering": ["Career development"],
        "meeting_modes": ["video"],
    }
    ProfileFactory(user=user, **{**defaults, **profile})
    return user


def mentor_in(programme, email: str, name: str, *, capacity: int = 1, **profile):
    user = person(email, name, **{"years_in_practice": "21+", **profile})
    MembershipFactory(
        programme=programme, user=user, role=Membership.Role.MENTOR, capacity=capacity
    )
    return user


def mentee_in(programme, email: str, name: str, **profile):
    user = person(email, name, **profile)
    MembershipFactory(programme=programme, user=user, role=Membership.Role.MENTEE)
    return user


def with_private_preferences(user, *, as_mentee: bool = True):
    """Give a person the distinctive sensitive values (and, as a mentee, preferences)."""
    MatchingPreferences.objects.update_or_create(
        user=user,
        defaults={
            **SENSITIVE,
            "prefer_mentor_sex": "female" if as_mentee else "",
            "prefer_mentor_age_band": "55_plus" if as_mentee else "",
            "prefer_same_ethnicity": as_mentee,
            "prefer_same_religion": as_mentee,
        },
    )
    return user


def two_by_two(programme):
    """Two mentees and two one-place mentors whose best pairs are obvious by specialty.

    Returns (cardio_mentee, neuro_mentee, cardio_mentor, neuro_mentor).
    """
    cardio_mentee = mentee_in(programme, "ada@example.org", "Dr Ada Heart")
    neuro_mentee = mentee_in(programme, "ben@example.org", "Dr Ben Brain", specialty="Neurology")
    cardio_mentor = mentor_in(programme, "xena@example.org", "Dr Xena Valve")
    neuro_mentor = mentor_in(
        programme, "yusuf@example.org", "Dr Yusuf Neuron", specialty="Neurology"
    )
    return cardio_mentee, neuro_mentee, cardio_mentor, neuro_mentor
