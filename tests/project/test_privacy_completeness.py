"""No record about a person can be forgotten by the right of access or of erasure.

Every model with a foreign key or one-to-one field to the user, ours and third-party
ones alike, must be shown by an export section, handled by an erasure step, or kept
on purpose with the reason written down.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.test.utils import isolate_apps

from mentoring import privacy as privacy_registry
from mentoring.privacy import covered_models


def _label(model) -> str:
    # A model defined outside the app registry keeps its target as "app_label.Model".
    return model.lower() if isinstance(model, str) else model._meta.label_lower


def models_referring_to_the_user(candidates=None) -> set[str]:
    user = get_user_model()._meta.label_lower
    found = set()
    for model in apps.get_models() if candidates is None else candidates:
        for field in model._meta.get_fields():
            to_one = (field.many_to_one or field.one_to_one) and field.concrete
            if to_one and _label(field.related_model) == user:
                found.add(model._meta.label)
    return found


def forgotten(candidates=None) -> list[str]:
    return sorted(models_referring_to_the_user(candidates) - covered_models())


def test_every_model_that_refers_to_a_person_is_exported_erased_or_kept():
    assert forgotten() == []


def test_the_models_checked_include_the_third_party_ones():
    labels = models_referring_to_the_user()
    for label in (
        "admin.LogEntry",
        "account.EmailAddress",
        "mfa.Authenticator",
        "usersessions.UserSession",
        "wellbeing.CheckIn",
        "mentoring_sessions.SessionNote",
    ):
        assert label in labels


def test_every_covered_label_names_a_real_model():
    for label in covered_models():
        apps.get_model(label)  # raises LookupError on a typo


def test_every_kept_model_says_why():
    for label, because in privacy_registry.kept().items():
        assert len(because.split()) >= 5, label


# The check itself ----------------------------------------------------------------------


@isolate_apps("wellbeing")
def test_a_new_model_with_a_foreign_key_to_the_user_is_reported():
    class Diary(models.Model):  # noqa: DJ008
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

        class Meta:
            app_label = "wellbeing"

    assert forgotten([*apps.get_models(), Diary]) == ["wellbeing.Diary"]


@isolate_apps("wellbeing")
def test_a_new_one_to_one_to_the_user_is_reported_and_other_links_are_not():
    class Badge(models.Model):  # noqa: DJ008
        holder = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

        class Meta:
            app_label = "wellbeing"

    class Tag(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "wellbeing"

    assert forgotten([Badge, Tag]) == ["wellbeing.Badge"]


def test_a_model_whose_kept_entry_is_removed_is_reported(monkeypatch):
    kept = privacy_registry.kept()
    del kept["admin.LogEntry"]
    monkeypatch.setattr(privacy_registry, "_KEPT", kept)
    assert forgotten() == ["admin.LogEntry"]


def test_a_model_whose_erasure_step_is_unregistered_is_reported(monkeypatch):
    monkeypatch.setattr(
        privacy_registry,
        "_STEPS",
        {k: s for k, s in privacy_registry._STEPS.items() if k != ("erase", "accounts")},
    )
    # Its export section still covers it...
    assert forgotten() == []
    monkeypatch.setattr(
        privacy_registry,
        "SECTIONS",
        [s for s in privacy_registry.SECTIONS if s.key != "matching_preferences"],
    )
    # ...and without both nothing does.
    assert forgotten() == ["accounts.MatchingPreferences"]


def test_a_kept_entry_must_give_a_reason():
    with pytest.raises(ValueError):
        privacy_registry.register_kept("admin.LogEntry", because=" ")
