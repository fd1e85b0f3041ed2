"""A person's private calendar feed, and the page to find or revoke its address."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..ics import feed_calendar
from ..models import CalendarFeed, Meeting
from ..services.calendar import calendar_feed_get_or_create, calendar_feed_revoke

FEED_HISTORY = dt.timedelta(days=90)


@login_required
def calendar_settings(request):
    feed = calendar_feed_get_or_create(user=request.user)
    url = request.build_absolute_uri(
        reverse("meetings:calendar_feed", kwargs={"token": feed.token})
    )
    return render(request, "sessions/calendar_settings.html", {"feed": feed, "feed_url": url})


@login_required
@require_POST
def calendar_revoke(request):
    calendar_feed_revoke(user=request.user)
    messages.success(
        request, "New calendar address made. The old one no longer works: update your calendar."
    )
    return redirect("meetings:calendar_settings")


def calendar_feed(request, token: str):
    """No sign-in: the unguessable token is the key. Live meetings only, no agenda."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not token:
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
