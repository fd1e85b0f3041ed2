"""The sign-in throttle service on its own: what it counts, what it pauses, what lifts it."""

from __future__ import annotations

import contextlib

import pytest
import time_machine
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.mfa.totp.internal import auth as allauth_totp
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import RequestFactory

from mentoring.accounts import throttle
from mentoring.accounts.models import SecurityCacheEntry
from mentoring.accounts.throttle import Paused, SignInPaused, sign_in_attempt, sign_in_lift

pytestmark = pytest.mark.django_db

A, B = "203.0.113.10", "198.51.100.20"
MAYA = "maya@example.org"


def _request(address: str):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


def _fail(address: str, email: str = MAYA, times: int = 1) -> None:
    """Wrong passwords: attempts that are counted and never handed back."""
    for _ in range(times):
        sign_in_attempt(_request(address), email=email)


def _paused(address: str, email: str = MAYA) -> Paused | None:
    try:
        sign_in_attempt(_request(address), email=email).succeeded()
    except SignInPaused as paused:
        return paused.scope
    return None


def test_five_failures_from_one_address_pause_that_address_for_that_account():
    _fail(A, times=5)

    assert _paused(A) is Paused.FROM_ADDRESS


def test_four_failures_leave_the_address_free():
    _fail(A, times=4)

    assert _paused(A) is None


def test_the_account_is_not_paused_at_another_address():
    _fail(A, times=5)

    assert _paused(B) is None


def test_other_accounts_behind_the_paused_address_are_not_paused():
    _fail(A, times=5)

    assert _paused(A, "sam@example.org") is None


def test_failures_for_many_accounts_from_one_address_pause_none_of_them():
    # A hospital's staff mistyping behind one address: four slips each, forty people.
    for n in range(40):
        _fail(A, f"person{n}@example.org", times=4)

    assert _paused(A, "person0@example.org") is None
    assert _paused(A, "somebody.else@example.org") is None


def test_the_address_pause_ends_after_fifteen_minutes():
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        _fail(A, times=5)
        traveller.shift(14 * 60)
        assert _paused(A) is Paused.FROM_ADDRESS
        traveller.shift(61)
        assert _paused(A) is None


def test_thirty_failures_from_anywhere_in_an_hour_pause_the_account_everywhere():
    for n in range(10):
        _fail(f"192.0.2.{n}", times=3)

    assert _paused(B) is Paused.FOR_ACCOUNT
    assert _paused(A, "sam@example.org") is None


def test_one_address_alone_cannot_pause_the_account_everywhere_within_an_hour():
    # As fast as the per-address limit allows: five every quarter of an hour.
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        for _ in range(4):
            _fail(A, times=5)
            assert _paused(A) is Paused.FROM_ADDRESS
            traveller.shift(15 * 60 + 1)

        assert _paused(B) is None


def test_twenty_failures_in_a_day_pause_the_address_for_the_account_until_the_next_day():
    with time_machine.travel("2030-01-06 00:00 +0000", tick=False) as traveller:
        for _ in range(4):
            _fail(A, times=5)
            traveller.shift(15 * 60 + 1)
        traveller.shift(60 * 60)
        assert _paused(A) is Paused.FROM_ADDRESS
        assert _paused(B) is None
        traveller.shift(23 * 60 * 60)
        assert _paused(A) is None


def test_one_address_alone_cannot_pause_the_account_everywhere_over_a_day():
    with time_machine.travel("2030-01-06 00:00 +0000", tick=False) as traveller:
        # Five wrong passwords every quarter of an hour, all day, as far as they are let in.
        for _ in range(4 * 24):
            with contextlib.suppress(SignInPaused):
                _fail(A, times=5)
            traveller.shift(15 * 60 + 1)

        assert _paused(B) is None


def test_a_hundred_failures_in_a_day_pause_the_account_although_each_hour_stays_under_thirty():
    with time_machine.travel("2030-01-06 00:00 +0000", tick=False) as traveller:
        for hour in range(4):
            for n in range(25):
                _fail(f"192.0.2.{hour * 25 + n}")
            traveller.shift(60 * 60 + 1)
        assert _paused(B) is Paused.FOR_ACCOUNT
        traveller.shift(20 * 60 * 60)
        assert _paused(B) is None


def test_a_right_password_hands_its_attempt_back():
    _fail(A, times=4)
    for _ in range(3):
        sign_in_attempt(_request(A), email=MAYA).succeeded()

    assert _paused(A) is None


def test_an_attempt_refused_for_the_account_uses_none_of_the_address_budget():
    for n in range(30):
        _fail(f"192.0.2.{n}")
    for _ in range(10):
        assert _paused(A) is Paused.FOR_ACCOUNT

    sign_in_lift(_request(B), emails=[MAYA])

    _fail(A, times=4)
    assert _paused(A) is None


def test_the_email_is_counted_however_it_is_typed():
    _fail(A, "Maya@Example.org ", times=3)
    _fail(A, "MAYA@EXAMPLE.ORG", times=2)

    assert _paused(A, MAYA) is Paused.FROM_ADDRESS


def test_addresses_in_one_ipv6_network_count_as_one():
    for n in range(5):
        _fail(f"2001:db8:1:2::{n + 1}")

    assert _paused("2001:db8:1:2:ffff::1") is Paused.FROM_ADDRESS
    assert _paused("2001:db8:1:3::1") is None


def test_lifting_ends_the_account_pause_and_this_addresses_pause_only():
    _fail(A, times=5)
    for n in range(25):
        _fail(f"192.0.2.{n}")
    assert _paused(B) is Paused.FOR_ACCOUNT

    sign_in_lift(_request(B), emails=[MAYA])

    assert _paused(B) is None
    assert _paused(A) is Paused.FROM_ADDRESS
    sign_in_lift(_request(A), emails=["MAYA@example.org"])
    assert _paused(A) is None


def test_lifting_one_persons_pause_leaves_other_accounts_paused():
    for n in range(30):
        _fail(f"192.0.2.{n}", "sam@example.org")

    sign_in_lift(_request(B), emails=[MAYA])

    assert _paused(B, "sam@example.org") is Paused.FOR_ACCOUNT


def test_the_counters_are_rows_in_the_database():
    assert isinstance(caches["security"], DatabaseCache)
    _fail(A)

    keys = list(SecurityCacheEntry.objects.values_list("cache_key", flat=True))
    assert any(throttle.FROM_ADDRESS in k for k in keys)
    assert any(throttle.FOR_ACCOUNT in k for k in keys)
    assert not any(MAYA in k for k in keys), "emails are stored hashed"


def test_allauth_rate_limits_and_used_totp_codes_use_the_security_cache():
    for module in (allauth_ratelimit, allauth_totp):
        module.cache.set("probe", "kept", 60)
        assert caches["security"].get("probe") == "kept"
        assert caches["default"].get("probe") is None
        module.cache.delete("probe")
