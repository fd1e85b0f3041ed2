"""With Redis stopped, the site works and the security counters still count.

The default cache is a Redis cache that answers "empty" while Redis is down, so pages
keep working; sign-in throttling, allauth's rate limits and the record of used TOTP
codes must not pause with it. These tests run the cache against a redis-server of their
own and stop it part-way.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import caches
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.project.processes import REDIS_SERVER, RedisServer

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
A, B = "203.0.113.10", "198.51.100.20"


@pytest.fixture
def redis_server(tmp_path):
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"needs {REDIS_SERVER} to run a private Redis that the test may stop")
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cache_on_private_redis(settings, redis_server):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "mentoring.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    caches["default"].set("up", "yes")
    assert caches["default"].get("up") == "yes"
    return redis_server


def _attempt(client, email, password, address):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def test_sign_in_throttling_keeps_counting_while_redis_is_down(client, cache_on_private_redis):
    maya = UserFactory(email="maya@example.org")
    for _ in range(2):
        _attempt(client, maya.email, "wrong", A)

    cache_on_private_redis.stop()
    assert caches["default"].get("up") is None, "Redis is down: the default cache is empty"
    for _ in range(3):
        assert _attempt(client, maya.email, "wrong", A).status_code == 200

    refused = _attempt(client, maya.email, PASSWORD, A)
    assert "_auth_user_id" not in client.session
    assert "Too many unsuccessful sign-in attempts" in refused.content.decode()
    # The site still works: the owner signs in from elsewhere.
    assert _attempt(client, maya.email, PASSWORD, B).status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get(reverse("home")).status_code == 200


def test_the_account_wide_pause_holds_while_redis_is_down(client, cache_on_private_redis):
    maya = UserFactory(email="maya@example.org")
    cache_on_private_redis.stop()

    for n in range(10):
        for _ in range(3):
            _attempt(client, maya.email, "wrong", f"192.0.2.{n}")

    response = _attempt(client, maya.email, PASSWORD, B)
    assert "_auth_user_id" not in client.session
    assert "signing in with a password is paused" in response.content.decode()


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_used_totp_code_is_refused_again_while_redis_is_down(client, cache_on_private_redis):
    maya = UserFactory(email="maya@example.org")
    secret = generate_totp_secret()
    TOTP.activate(maya, secret)
    cache_on_private_redis.stop()
    code = _code(secret)

    assert _attempt(client, maya.email, PASSWORD, A)["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert "_auth_user_id" in client.session
    client.logout()

    _attempt(client, maya.email, PASSWORD, A)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
