"""Turning people into the matching engine's inputs.

This module and the person's own preferences page are the only readers of
`MatchingPreferences`. What it builds (`Candidate`, `Weights`, `Rules`) goes to
the engine and nowhere else: pages show the engine's reasons and totals, never
the sensitive fields themselves.

Every function makes a fixed number of queries for a whole programme.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count

from mentoring.accounts.models import MatchingPreferences, Profile, User
from mentoring.vocabulary import YEARS_ORDER
from programmes.models import Membership, Programme

from .engine.types import Candidate, Rules, Weights
from .models import DeclaredConflict, MatchingSettings, Mentorship
from .services.mentorships import matching_settings_for

MENTOR = Membership.Role.MENTOR
MENTEE = Membership.Role.MENTEE
# Longer id lists are filtered in Python rather than sent as SQL parameters.
MAX_IN_LIST = 500


def _related(user: User, name: str):
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:
        return None


def _languages(text: str) -> frozenset[str]:
    words = (" ".join(part.split()) for part in (text or "").split(","))
    return frozenset(word for word in words if word)


def _years_band(value: str) -> int | None:
    return YEARS_ORDER.index(value) if value in YEARS_ORDER else None


def _build(user: User, role: str) -> Candidate:
    profile: Profile | None = _related(user, "profile")
    prefs: MatchingPreferences | None = _related(user, "matching_preferences")
    topics = []
    if profile is not None:
        topics = profile.topics_offering if role == MENTOR else profile.topics_seeking
    return Candidate(
        id=user.pk,
        specialty=profile.specialty if profile else "",
        region=profile.region if profile else "",
        time_zone=user.time_zone or "",
        years_band=_years_band(profile.years_in_practice) if profile else None,
        topics=frozenset(topics or ()),
        modes=frozenset(profile.meeting_modes or ()) if profile else frozenset(),
        languages=_languages(profile.languages) if profile else frozenset(),
        employer=(profile.employer or "").strip() if profile else "",
        department=(profile.department or "").strip() if profile else "",
        frameworks=frozenset(
            [*(profile.frameworks_taught or ()), *(profile.frameworks_practised or ())]
        )
        if profile
        else frozenset(),
        sex=(prefs.sex or None) if prefs else None,
        age_band=(prefs.age_band or None) if prefs else None,
        ethnicity=(prefs.ethnicity or None) if prefs else None,
        religion=(prefs.religion or None) if prefs else None,
        prefer_mentor_sex=(prefs.prefer_mentor_sex or None) if prefs else None,
        prefer_mentor_age_band=(prefs.prefer_mentor_age_band or None) if prefs else None,
        prefer_same_ethnicity=bool(prefs and prefs.prefer_same_ethnicity),
        prefer_same_religion=bool(prefs and prefs.prefer_same_religion),
    )


def _people():
    return User.objects.select_related("profile", "matching_preferences")


def candidate_for(user: User, role: str) -> Candidate:
    """One person as the engine sees them in `role` ("mentor" or "mentee"). One query."""
    person = _people().filter(pk=user.pk).first()
    if person is None:
        raise User.DoesNotExist(f"No person with id {user.pk}.")
    return _build(person, role)


def candidates_for_programme(
    programme: Programme, role: str, *, user_ids: Iterable[int] | None = None
) -> list[Candidate]:
    """The programme's current members in `role` (optionally only `user_ids`). One query."""
    members = Membership.objects.active().filter(programme=programme, role=role)
    people = _people().filter(pk__in=members.values("user_id")).order_by("pk")
    if user_ids is None:
        return [_build(person, role) for person in people]
    wanted = set(user_ids)
    if len(wanted) <= MAX_IN_LIST:
        return [_build(person, role) for person in people.filter(pk__in=wanted)]
    # A very long IN list is slow and, on SQLite, can exceed the parameter limit.
    return [_build(person, role) for person in people if person.pk in wanted]


def places_left(programme: Programme) -> dict[int, int]:
    """Mentor id -> places left (0 when not taking new mentees). Two queries."""
    loads = dict(
        Mentorship.objects.open()
        .filter(programme=programme)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
    )
    rows = (
        Membership.objects.active()
        .filter(programme=programme, role=MENTOR)
        .values_list("user_id", "capacity", "accepting_mentees")
    )
    return {
        user_id: max(0, (capacity or 0) - loads.get(user_id, 0)) if accepting else 0
        for user_id, capacity, accepting in rows
    }


def blocked_pairs(
    programme: Programme, mentee_ids: Iterable[int] | None = None
) -> frozenset[tuple[int, int]]:
    """(mentee id, mentor id) pairs never to propose. Two queries.

    A mentor the mentee declared as supervisor or line manager; a pair whose
    mentorship in this programme was closed (including a declined introduction);
    and a pair who already have an open mentorship (they cannot have two).
    """
    conflicts = DeclaredConflict.objects.filter(programme=programme)
    mentorships = Mentorship.objects.filter(programme=programme).order_by()
    wanted = set(mentee_ids) if mentee_ids is not None else None
    if wanted is not None and len(wanted) <= MAX_IN_LIST:
        conflicts = conflicts.filter(mentee_id__in=wanted)
        mentorships = mentorships.filter(mentee_id__in=wanted)
    pairs = set(conflicts.values_list("mentee_id", "mentor_id"))
    pairs |= set(mentorships.values_list("mentee_id", "mentor_id").distinct())
    if wanted is not None:
        pairs = {pair for pair in pairs if pair[0] in wanted}
    return frozenset(pairs)


def weights_for(settings: MatchingSettings) -> Weights:
    return Weights(
        specialty=settings.weight_specialty,
        topics=settings.weight_topics,
        career_stage=settings.weight_career_stage,
        location=settings.weight_location,
        modes=settings.weight_modes,
        language=settings.weight_language,
        preferences=settings.weight_preferences,
        min_career_gap=settings.min_career_gap,
    )


def weights_and_rules_for(
    programme: Programme, mentee_ids: Iterable[int] | None = None
) -> tuple[Weights, Rules]:
    """The programme's criteria weights and hard rules. Five queries at most.

    `mentee_ids` narrows the blocked pairs to those mentees (the directory asks
    for one mentee). `Rules.locked_pairs` is left empty for a run to fill in.
    """
    settings = matching_settings_for(programme)
    rules = Rules(
        min_score=float(settings.min_score),
        cross_organisation=settings.cross_organisation,
        blocked_pairs=blocked_pairs(programme, mentee_ids),
        capacities=places_left(programme),
    )
    return weights_for(settings), rules
