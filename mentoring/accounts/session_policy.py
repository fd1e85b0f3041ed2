"""How long a signed-in session may sit idle, and ending a person's other sessions.

The idle timeout comes on top of the absolute lifetime (`SESSION_COOKIE_AGE`). People
who can read other people's confidences or run a programme (coordinators and welfare
leads) get the shorter limit. Roles live in a higher layer, so the app that knows them
registers a check here (`register_privileged_check`) instead of this module importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest

# Callables (user) -> bool: True when the person holds a role that gets the short timeout.
_PRIVILEGED_CHECKS: list[Callable[[Any], bool]] = []


def register_privileged_check(check: Callable[[Any], bool]) -> None:
    if check not in _PRIVILEGED_CHECKS:
        _PRIVILEGED_CHECKS.append(check)


def is_privileged(user) -> bool:
    return any(check(user) for check in _PRIVILEGED_CHECKS)


def shortest_idle_seconds() -> int:
    """Below this nobody is idle too long, so no role needs looking up."""
    return 60 * min(settings.IDLE_TIMEOUT_PRIVILEGED_MINUTES, settings.IDLE_TIMEOUT_MINUTES)


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.IDLE_TIMEOUT_PRIVILEGED_MINUTES
        if is_privileged(user)
        else settings.IDLE_TIMEOUT_MINUTES
    )
    return 60 * minutes


def other_sessions_end(*, request: HttpRequest, user) -> int:
    """Sign the person out everywhere except in this request's session (if it is theirs).

    Returns how many sessions were ended.
    """
    current = request.session.session_key if getattr(request, "user", None) == user else None
    others = [s for s in UserSession.objects.filter(user_id=user.pk) if s.session_key != current]
    get_usersessions_adapter().end_sessions(others)
    return len(others)
