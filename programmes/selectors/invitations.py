"""The coordinators' list of a programme's invitations: by state, searched, counted."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import Programme


def _state_filters() -> dict[str, Q]:
    """Each state of `Invitation.state`, as a filter."""
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        "pending": open_ & Q(expires_at__gt=now),
        "accepted": Q(accepted_at__isnull=False),
        "expired": open_ & Q(expires_at__lte=now),
        "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
    }


def invitations_for(*, programme: Programme, state: str = "", search: str = "") -> QuerySet:
    """The programme's invitations, optionally in one state, newest first."""
    qs = programme.invitations.select_related("invited_by", "accepted_by")
    filters = _state_filters()
    if state in filters:
        qs = qs.filter(filters[state])
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    return qs.order_by("-created_at", "-pk")


def invitation_counts(*, programme: Programme) -> dict[str, int]:
    """How many invitations are in each state, and in all: one query."""
    counts = {state: Count("pk", filter=q) for state, q in _state_filters().items()}
    return programme.invitations.aggregate(all=Count("pk"), **counts)
