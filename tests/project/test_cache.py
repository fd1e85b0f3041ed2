"""With Redis unreachable the cache answers like an empty one instead of failing pages."""

from __future__ import annotations

import pytest
import time_machine

from mentoring.accounts.models import SecurityCacheEntry
from mentoring.cache import ResilientRedisCache, SecurityDatabaseCache


@pytest.fixture
def down_cache():
    # Port 9 (discard) on localhost: nothing listens, connections are refused at once.
    return ResilientRedisCache(
        "redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.5}}
    )


def test_reads_miss_and_writes_are_dropped(down_cache):
    assert down_cache.get("k", "fallback") == "fallback"
    assert down_cache.get_many(["a", "b"]) == {}
    assert down_cache.has_key("k") is False
    assert down_cache.set("k", 1) is None
    assert down_cache.delete("k") is False


def test_add_succeeds_so_lock_loops_do_not_spin(down_cache):
    assert down_cache.add("lock", True) is True


@pytest.mark.redis
def test_it_is_a_normal_redis_cache_when_redis_answers():
    import os

    cache = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-resilient"})
    cache.set("k", "v", 10)
    assert cache.get("k") == "v"
    cache.delete("k")


def test_people_can_sign_in_while_redis_is_down(client, settings, mentee):
    from tests.factories import PASSWORD

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "mentoring.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }
    response = client.post("/accounts/login/", {"login": mentee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_security_cache_never_culls_a_live_entry_and_sweeps_expired_ones():
    cache = SecurityDatabaseCache("accounts_security_cache", {"OPTIONS": {"MAX_ENTRIES": 3}})
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        cache.set("short", 1, 60)
        traveller.shift(120)
        for n in range(10):
            cache.set(f"counter-{n}", n, 3600)

        keys = [f"counter-{n}" for n in range(10)]
        assert cache.get_many(keys) == {f"counter-{n}": n for n in range(10)}
        stored = set(SecurityCacheEntry.objects.values_list("cache_key", flat=True))
        assert stored == {cache.make_key(k) for k in keys}, "the expired entry is swept"
