from __future__ import annotations

import time
import zoneinfo

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from . import security_log, session_policy

# When the person signed in and last did something, in seconds since the epoch.
SIGNED_IN_AT_KEY = "mentoring_signed_in_at"
LAST_ACTIVITY_KEY = "mentoring_last_activity"
# Activity is written at most this often, so a busy person does not save the session
# on every request; the idle limit is minutes, so a minute's slack is harmless.
ACTIVITY_WRITE_EVERY = 60
# Requests the page makes by itself (the header's unread count loads after each page):
# they keep nobody signed in. Add polling views here.
PASSIVE_VIEWS = frozenset({"notifications:unread"})


class UserTimezoneMiddleware:
    """Show times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = (
            getattr(request.user, "time_zone", None) if request.user.is_authenticated else None
        )
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name)) if tz_name else timezone.deactivate()
        except zoneinfo.ZoneInfoNotFoundError:
            timezone.deactivate()
        return self.get_response(request)


def session_start(request, now: float) -> None:
    """Start both clocks at sign-in: a session kept from before must not carry old ones."""
    request.session[SIGNED_IN_AT_KEY] = now
    activity_record(request, now)


def activity_record(request, now: float) -> None:
    """Note that the person is active now."""
    request.session[LAST_ACTIVITY_KEY] = now
    if request.session.session_key:
        # The sessions page shows when each session was last used.
        UserSession.objects.filter(session_key=request.session.session_key).update(
            last_seen_at=timezone.now()
        )


class SessionTimeoutMiddleware:
    """Sign out a person who has done nothing for too long: 30 minutes for coordinators
    and welfare leads, longer for others (IDLE_TIMEOUT_PRIVILEGED_MINUTES,
    IDLE_TIMEOUT_MINUTES); and anyone signed in for longer than SESSION_COOKIE_AGE.

    Django pushes a session's expiry back each time the session is saved, and noting
    activity saves it, so the absolute lifetime is kept here, from the sign-in time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = time.time()
        signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
        if signed_in_at is None:
            # Signed in before these clocks existed: start them now.
            session_start(request, now)
            return None
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return self._sign_out(request, "expired", self._expired_message())
        last = request.session.get(LAST_ACTIVITY_KEY, signed_in_at)
        if self._idle_too_long(request.user, now - last):
            return self._sign_out(request, "idle", self._idle_message(request.user))
        passive = request.resolver_match.view_name in PASSIVE_VIEWS
        if not passive and now - last >= ACTIVITY_WRITE_EVERY:
            activity_record(request, now)
        return None

    @staticmethod
    def _idle_too_long(user, idle: float) -> bool:
        # Most requests come well inside the shortest limit: no role lookup for them.
        if idle <= session_policy.shortest_idle_seconds():
            return False
        return idle > session_policy.idle_limit_seconds(user)

    @staticmethod
    def _idle_message(user) -> str:
        minutes = session_policy.idle_limit_seconds(user) // 60
        return (
            f"You were signed out because you had not used the site for {minutes} minutes. "
            "Please sign in again."
        )

    @staticmethod
    def _expired_message() -> str:
        hours = settings.SESSION_COOKIE_AGE / 3600
        return (
            f"You were signed out because you signed in more than {hours:g} hours ago. "
            "Please sign in again."
        )

    @staticmethod
    def _sign_out(request, reason: str, message: str):
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        request.security_logout_reason = reason
        auth.logout(request)
        messages.info(request, message)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse(settings.LOGIN_URL))
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        # A form posted after the timeout is not replayed: the person signs in and starts again.
        return HttpResponseRedirect(reverse(settings.LOGIN_URL))


class RefusedAccessLogMiddleware:
    """Log every 403 and 404 on a URL that names a record (an id, pk, uuid or token),
    with who asked: repeated ones are someone trying records that are not theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            security_log.log_refused_access(request, response.status_code)
        return response
