"""Site-wide request and response rules: no browser caching of pages that may show
confidential records."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


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
