"""Each person's private calendar feed token."""

from __future__ import annotations

import secrets

from django.db import transaction

from mentoring.accounts.models import User

from ..models import CalendarFeed


def _token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _token()})
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> CalendarFeed:
    """Replace the token: the old address stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user, token=_token())
    feed.token = _token()
    feed.save(update_fields=["token", "created_at"])
    return feed
