"""Matching preferences (prefer_*) are encrypted at rest, yes and no alike."""

from __future__ import annotations

import pytest

from matching.candidates import candidate_for
from mentoring.accounts.forms import MatchingPreferencesForm
from mentoring.accounts.models import MatchingPreferences
from programmes.models import Membership
from tests.encryption import migrate, migrate_to_latest, opens_with, stored


@pytest.mark.django_db
def test_stated_preferences_are_stored_encrypted_and_read_back(mentee):
    prefs = MatchingPreferences.objects.create(
        user=mentee,
        prefer_mentor_sex="female",
        prefer_mentor_age_band="",
        prefer_same_ethnicity=True,
        prefer_same_religion=False,
    )
    assert opens_with(stored(MatchingPreferences, prefs.pk, "prefer_mentor_sex")) == "female"
    assert opens_with(stored(MatchingPreferences, prefs.pk, "prefer_same_ethnicity")) == "True"
    # "No" is encrypted too, so the column does not tell yes from no.
    assert opens_with(stored(MatchingPreferences, prefs.pk, "prefer_same_religion")) == "False"
    assert stored(MatchingPreferences, prefs.pk, "prefer_mentor_age_band") == ""
    fresh = MatchingPreferences.objects.get(pk=prefs.pk)
    assert fresh.prefer_mentor_sex == "female" and fresh.prefer_mentor_age_band == ""
    assert fresh.prefer_same_ethnicity is True and fresh.prefer_same_religion is False


@pytest.mark.django_db
def test_the_matcher_reads_the_encrypted_preferences(mentee):
    MatchingPreferences.objects.create(
        user=mentee, prefer_mentor_age_band="55_plus", prefer_same_religion=True
    )
    candidate = candidate_for(mentee, Membership.Role.MENTEE)
    assert candidate.prefer_mentor_age_band == "55_plus"
    assert candidate.prefer_same_religion and not candidate.prefer_same_ethnicity
    assert candidate.prefer_mentor_sex is None


def test_the_preference_form_keeps_plain_checkboxes():
    form = MatchingPreferencesForm()
    assert type(form.fields["prefer_same_ethnicity"]).__name__ == "BooleanField"
    assert not form.fields["prefer_same_religion"].required


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_preferences_and_the_way_back_restores_them(mentee):
    prefs = MatchingPreferences.objects.create(
        user=mentee, prefer_mentor_sex="male", prefer_same_ethnicity=True
    )
    try:
        migrate(("accounts", "0002_matching_preferences_nullable"))
        assert stored(MatchingPreferences, prefs.pk, "prefer_mentor_sex") == "male"
        assert stored(MatchingPreferences, prefs.pk, "prefer_same_ethnicity") == "true"
        assert stored(MatchingPreferences, prefs.pk, "prefer_same_religion") == "false"
        migrate(("accounts", "0003_encrypt_matching_preferences"))
    finally:
        migrate_to_latest()
    assert opens_with(stored(MatchingPreferences, prefs.pk, "prefer_same_religion")) == "False"
    fresh = MatchingPreferences.objects.get(pk=prefs.pk)
    assert fresh.prefer_mentor_sex == "male"
    assert fresh.prefer_same_ethnicity is True and fresh.prefer_same_religion is False
