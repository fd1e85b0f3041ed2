"""A Redis cache that keeps the site working while Redis is down.

It is the default cache, for what can be lost. Django's RedisCache raises when Redis is
unreachable, which would turn pages into errors during an outage; this one logs and
answers as an empty cache would (reads miss, writes are dropped, `add` succeeds).

Because it fails open, nothing that guards security may live here: rate limits,
sign-in throttling and used one-time codes are in the "security" alias, a database
cache (settings.CACHES, mentoring/accounts/throttle.py).
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_open(default_from_args):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                log.warning("cache unavailable, carrying on without it: %r", exc)
                return default_from_args(*args, **kwargs)

        return call

    return wrap


class ResilientRedisCache(RedisCache):
    get = _fail_open(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    set = _fail_open(lambda *a, **k: None)(RedisCache.set)
    set_many = _fail_open(lambda *a, **k: [])(RedisCache.set_many)
    add = _fail_open(lambda *a, **k: True)(RedisCache.add)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *a, **k: False)(RedisCache.clear)


class SecurityDatabaseCache(DatabaseCache):
    """A database cache that never evicts an entry before it expires.

    Django's DatabaseCache, once it holds more than MAX_ENTRIES, deletes the expired
    entries and then a third of the live ones. For security counters that would be a way
    to switch limits off: fill the table with junk and the counters are culled. Here only
    expired entries are deleted, so MAX_ENTRIES only says how often expired ones are swept.
    """

    def _cull(self, db, cursor, now, num):
        ops = connections[db].ops
        # The table name comes from settings, quoted; the time is a parameter.
        sql = f"DELETE FROM {ops.quote_name(self._table)} WHERE {ops.quote_name('expires')} < %s"  # noqa: S608
        cursor.execute(sql, [ops.adapt_datetimefield_value(now)])
