from __future__ import annotations

import re

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the caches: start each test clean."""
    for alias in ("default", "security"):
        caches[alias].clear()
    yield
    for alias in ("default", "security"):
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
