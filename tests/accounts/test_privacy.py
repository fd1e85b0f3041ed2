"""Private matching preferences never reach another person's screen, and rest encrypted.

`assert_preferences_hidden` is the check for every page that shows a person to someone
else. Add each new such page (a coordinator's applicant view, a mentor's card shown to
mentees...) to `pages_showing_a_person_to_others` below, with who can see it.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from mentoring.accounts.models import MatchingPreferences, Profile, User
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

# Values picked to be rare on any page, with the words that would betray each one.
DISTINCTIVE = {
    "sex": ("other", ["Another term"]),
    "age_band": ("55_plus", ["55 and over", "55_plus"]),
    "ethnicity": ("mixed", ["Mixed or multiple ethnic groups"]),
    "religion": ("buddhist", ["Buddhist", "buddhist"]),
    "prefer_mentor_sex": ("other", ["Another term"]),
    "prefer_mentor_age_band": ("55_plus", ["55 and over", "55_plus"]),
}
PREFERENCE_PHRASES = [
    "shares my ethnicity",
    "shares my religion",
    "Private matching preferences",
]


def give_distinctive_preferences(person: User) -> MatchingPreferences:
    prefs, _ = MatchingPreferences.objects.get_or_create(user=person)
    for field, (value, _words) in DISTINCTIVE.items():
        setattr(prefs, field, value)
    prefs.prefer_same_ethnicity = True
    prefs.prefer_same_religion = True
    prefs.save()
    return prefs


def assert_preferences_hidden(html: str, *, page: str) -> None:
    for field, (_value, words) in DISTINCTIVE.items():
        for word in words:
            assert word not in html, f"{page} shows {field} ({word!r})"
    for phrase in PREFERENCE_PHRASES:
        assert phrase not in html, f"{page} mentions {phrase!r}"


@pytest.fixture
def person(db):
    user = UserFactory(email="sam@example.org", full_name="Dr Sam Private")
    ProfileFactory(user=user)
    give_distinctive_preferences(user)
    return user


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("admin@example.org", "a-long-passphrase")


def pages_showing_a_person_to_others(person: User, staff: User) -> list[tuple[str, User]]:
    """(url, viewer) for every page on which someone else sees `person`."""
    profile = Profile.objects.get(user=person)
    return [
        (reverse("admin:accounts_user_change", args=[person.pk]), staff),
        (reverse("admin:accounts_user_changelist") + "?q=private", staff),
        (reverse("admin:accounts_profile_change", args=[profile.pk]), staff),
        (reverse("admin:accounts_profile_changelist"), staff),
    ]


def test_matching_preferences_are_not_registered_in_the_admin():
    assert MatchingPreferences not in admin.site._registry
    for model_admin in admin.site._registry.values():
        inlines = [inline.model for inline in getattr(model_admin, "inlines", [])]
        assert MatchingPreferences not in inlines


def test_pages_that_show_a_person_to_others_never_show_their_preferences(client, person, staff):
    pages = pages_showing_a_person_to_others(person, staff)
    assert pages
    for url, viewer in pages:
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Dr Sam Private" in html or "sam@example.org" in html, f"{url} should show them"
        assert_preferences_hidden(html, page=url)


def test_the_owner_sees_their_own_preferences(client, person):
    client.force_login(person)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Mixed or multiple ethnic groups" in html
    assert "Buddhist" in html
    assert "55 and over" in html
    assert "Prefer a mentor who shares my religion or belief" in html


def test_the_profile_pages_only_ever_show_the_signed_in_persons_own(client, person):
    other = UserFactory(email="other@example.org")
    client.force_login(other)

    profile_page = client.get(reverse("accounts:profile")).content.decode()
    assert "Dr Sam Private" not in profile_page
    assert_preferences_hidden(
        profile_page.replace("Private matching preferences", ""), page="another's profile"
    )
    form = client.get(reverse("accounts:preferences")).context["form"]
    assert form.instance.user == other
    assert not any(form.initial.get(field) for field in DISTINCTIVE)


def test_sensitive_characteristics_are_encrypted_in_the_database(person):
    prefs = MatchingPreferences.objects.get(user=person)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sex, age_band, ethnicity, religion FROM accounts_matchingpreferences "
            "WHERE id = %s",
            [prefs.pk],
        )
        stored = dict(
            zip(["sex", "age_band", "ethnicity", "religion"], cursor.fetchone(), strict=True)
        )

    for field, raw in stored.items():
        plaintext = DISTINCTIVE[field][0]
        assert raw, field
        assert plaintext not in raw.lower(), f"{field} is stored in the clear"
        assert raw.startswith("gAAAA"), f"{field} is not a Fernet token"
    # ...and reads back as the plain value through the model.
    assert (prefs.sex, prefs.age_band, prefs.ethnicity, prefs.religion) == (
        "other",
        "55_plus",
        "mixed",
        "buddhist",
    )


def test_unset_characteristics_are_stored_as_nothing_at_all(db):
    prefs = MatchingPreferences.objects.create(user=UserFactory())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sex, religion FROM accounts_matchingpreferences WHERE id = %s", [prefs.pk]
        )
        assert cursor.fetchone() == (None, None)
