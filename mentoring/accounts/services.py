from __future__ import annotations

from django.db import transaction

from .models import MatchingPreferences, Profile, User


def profile_for(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def preferences_for(user: User) -> MatchingPreferences:
    prefs, _ = MatchingPreferences.objects.get_or_create(user=user)
    return prefs


@transaction.atomic
def profile_update(*, user: User, data: dict) -> Profile:
    """Update the person's professional profile from cleaned form data."""
    profile = Profile.objects.select_for_update().get(pk=profile_for(user).pk)
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    return profile
