from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def _attempt(client, password):
    return client.post(LOGIN, {"login": "maya@example.org", "password": password})


def test_after_five_failed_attempts_even_the_right_password_is_refused_with_a_message(client):
    UserFactory(email="maya@example.org")
    for _ in range(5):
        assert _attempt(client, "not-my-password").status_code == 200

    response = _attempt(client, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many unsuccessful sign-in attempts" in response.content.decode()


def test_four_failed_attempts_still_allow_the_right_password(client):
    UserFactory(email="maya@example.org")
    for _ in range(4):
        _attempt(client, "not-my-password")

    response = _attempt(client, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_pause_applies_to_the_account_from_another_address_too(client):
    UserFactory(email="maya@example.org")
    for i in range(5):
        client.post(
            LOGIN,
            {"login": "maya@example.org", "password": "nope"},
            REMOTE_ADDR=f"203.0.113.{i}",
        )

    response = client.post(
        LOGIN, {"login": "maya@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )

    assert "_auth_user_id" not in client.session
    assert "Too many unsuccessful sign-in attempts" in response.content.decode()


def test_sign_in_works_again_once_the_pause_is_over(client):
    UserFactory(email="maya@example.org")
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        for _ in range(5):
            _attempt(client, "not-my-password")
        traveller.shift(6 * 60)

        response = _attempt(client, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
