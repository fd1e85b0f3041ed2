from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from mentoring.accounts.models import MatchingPreferences, Profile, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("admin@example.org", "a-long-passphrase"))
    return client


def test_matching_preferences_are_not_in_the_admin():
    assert MatchingPreferences not in admin.site._registry
    assert User in admin.site._registry and Profile in admin.site._registry


def test_staff_can_search_people_by_name_or_email(staff_client):
    UserFactory(email="priya.shah@example.org", full_name="Priya Shah")
    UserFactory(email="maya@example.org", full_name="Maya Mentor")

    response = staff_client.get(reverse("admin:accounts_user_changelist"), {"q": "shah"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "priya.shah@example.org" in body
    assert "maya@example.org" not in body


def test_staff_can_add_a_person_with_email_and_name(staff_client):
    assert staff_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@example.org",
            "full_name": "New Person",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(full_name="New Person")
    assert user.email == "new.person@example.org"
    assert user.check_password("a-long-passphrase")


def test_staff_can_open_a_person_and_their_profile(staff_client):
    person = UserFactory(email="maya@example.org")
    profile = Profile.objects.create(user=person)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    assert staff_client.get(url).status_code == 200
    url = reverse("admin:accounts_profile_change", args=[profile.pk])
    assert staff_client.get(url).status_code == 200


def test_staff_cannot_add_a_second_account_for_an_address_in_another_case(staff_client):
    UserFactory(email="maya@example.org")
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "MAYA@example.org",
            "full_name": "Maya Again",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "Someone already uses this email address." in response.content.decode()
    assert not User.objects.filter(full_name="Maya Again").exists()
