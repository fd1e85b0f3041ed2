"""Site-wide request and response rules: a cap on request bodies, and no browser caching
of pages that may show confidential records."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers


def declared_body_size(request) -> int:
    """The Content-Length the client declared (0 when absent or malformed).

    Django reads at most this many bytes of a body (a body without a length is read as
    empty), so checking it refuses an oversized upload before any of it is read.
    """
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large_response(max_bytes: int) -> HttpResponse:
    """The 413 page, rendered without the database or a session (nothing has run yet)."""
    body = render_to_string("413.html", {"max_megabytes": _megabytes(max_bytes)})
    return HttpResponse(body, status=413)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than MAX_REQUEST_BYTES, unread, with a 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if declared_body_size(request) > settings.MAX_REQUEST_BYTES:
            return too_large_response(settings.MAX_REQUEST_BYTES)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and every response to a signed-in person.

    Notes, reflections, check-ins, support requests, profiles, matching preferences and
    the data download must not stay in a shared computer's browser cache or in a proxy.
    Static files are served before this runs and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        is_page = response.get("Content-Type", "").startswith("text/html")
        if signed_in or is_page:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
