"""Each person's private calendar feed token.

Only the token's hash is stored, so the token is handed back once, to be shown once.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from mentoring.accounts.models import User

from ..models import CalendarFeed


def _token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_renew(*, user: User) -> tuple[str, bool]:
    """Make the person's feed a new token; the old address stops working at once.

    Returns the new token and whether an older address was replaced.
    """
    token = _token()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        CalendarFeed.objects.create(user=user, token_hash=CalendarFeed.hash_token(token))
        return token, False
    feed.token_hash = CalendarFeed.hash_token(token)
    feed.save(update_fields=["token_hash", "created_at"])
    return token, True
