"""A person's private calendar feed, and the page to find or revoke its address."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..ics import feed_calendar
from ..models import CalendarFeed, Meeting
from ..services.calendar import calendar_feed_renew

FEED_HISTORY = dt.timedelta(days=90)


# The new token waits in the session between the POST and the page that shows it once.
NEW_TOKEN_KEY = "calendar_feed_new_token"  # noqa: S105 (a session key name)


@never_cache
@login_required
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    token = request.session.pop(NEW_TOKEN_KEY, None)
    url = None
    if feed is not None and token and CalendarFeed.hash_token(token) == feed.token_hash:
        url = request.build_absolute_uri(reverse("meetings:calendar_feed", kwargs={"token": token}))
    return render(request, "sessions/calendar_settings.html", {"feed": feed, "feed_url": url})


@login_required
@require_POST
def calendar_revoke(request):
    token, replaced = calendar_feed_renew(user=request.user)
    request.session[NEW_TOKEN_KEY] = token
    if replaced:
        messages.success(
            request, "New calendar address made. The old one no longer works: update your calendar."
        )
    else:
        messages.success(request, "Your calendar address is ready.")
    return redirect("meetings:calendar_settings")


def calendar_feed(request, token: str):
    """No sign-in: the unguessable token is the key. Live meetings only, no agenda."""
    feed = CalendarFeed.objects.for_token(token).select_related("user").first()
    if feed is None:
        raise Http404("No such calendar.")
    meetings = (
        Meeting.objects.of_member(feed.user)
        .live()
        .filter(ends_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("mentor", "mentee")
        .order_by("starts_at")
    )
    response = HttpResponse(feed_calendar(meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
