from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .models import Membership


def _nav(user) -> dict:
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("programme")
        .order_by("programme__name", "role")
    )
    return {
        "memberships": memberships,
        "coordinated": [m.programme for m in memberships if m.role == Membership.Role.COORDINATOR],
        "can_create": user.has_perm("programmes.add_programme"),
    }


def navigation(request):
    """The header's programmes and roles: one query, only when a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {"nav": SimpleLazyObject(lambda: _nav(user))}
