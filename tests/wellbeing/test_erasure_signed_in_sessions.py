"""Closing an account also forgets where and on what the person signed in."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache

from .test_erasure import close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _signed_in(user, n: int, ip: str) -> UserSession:
    return UserSession.objects.create(
        user=user, ip=ip, session_key=f"key-{user.pk}-{n}", user_agent=f"Browser {n} of {ip}"
    )


def test_closing_an_account_erases_the_persons_signed_in_sessions(client, mentee, mentor):
    for n in range(2):
        _signed_in(mentee, n, "192.0.2.10")
    _signed_in(mentor, 0, "198.51.100.7")

    response = close(client, mentee)

    assert response.status_code == 302
    assert not UserSession.objects.filter(user=mentee).exists()
    assert not UserSession.objects.filter(ip="192.0.2.10").exists()
    # Someone else's stay theirs.
    assert UserSession.objects.filter(user=mentor, ip="198.51.100.7").count() == 1
