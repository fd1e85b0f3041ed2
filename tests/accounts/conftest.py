from __future__ import annotations

import re

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate-limit counters and used TOTP codes live in the caches: start each test clean.

    The security cache is a database table, so only tests that use the database touch it.
    """
    uses_db = request.node.get_closest_marker("django_db") or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    aliases = ("default", "security") if uses_db else ("default",)
    for alias in aliases:
        caches[alias].clear()
    yield
    for alias in aliases:
        caches[alias].clear()


def link_in(message, path_prefix: str) -> str:
    """The first link in an email's text part whose path starts with `path_prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no link to {path_prefix} in:\n{message.body}"
    return match.group(1)


def html_part(message) -> str:
    htmls = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(htmls) == 1, "every email has exactly one HTML part"
    return htmls[0]
