from __future__ import annotations

from django.db import transaction

from .models import MatchingPreferences, Profile, User

PERSONAL_FIELDS = ("full_name", "preferred_name", "pronouns", "time_zone")


def profile_for(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def preferences_for(user: User) -> MatchingPreferences:
    prefs, _ = MatchingPreferences.objects.get_or_create(user=user)
    return prefs


@transaction.atomic
def profile_update(*, user: User, data: dict, personal: dict | None = None) -> Profile:
    """Update the person's professional profile (and their personal details) together.

    `data` and `personal` are cleaned form data; nothing is saved unless all of it is valid.
    """
    if personal:
        person = User.objects.select_for_update().get(pk=user.pk)
        for field in PERSONAL_FIELDS:
            if field in personal:
                setattr(person, field, personal[field])
        person.full_clean()
        person.save(update_fields=[f for f in PERSONAL_FIELDS if f in personal])
    profile = Profile.objects.select_for_update().get(pk=profile_for(user).pk)
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def preferences_update(*, user: User, data: dict) -> MatchingPreferences:
    """Update the person's private matching preferences from cleaned form data."""
    prefs = MatchingPreferences.objects.select_for_update().get(pk=preferences_for(user).pk)
    for field, value in data.items():
        setattr(prefs, field, value)
    prefs.full_clean()
    prefs.save()
    return prefs
