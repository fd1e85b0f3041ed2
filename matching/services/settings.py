"""Changing how a programme matches mentees with mentors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from programmes.models import Membership, Programme

from ..errors import MatchingError
from ..models import MatchingSettings

WEIGHT_FIELDS = (
    "weight_specialty",
    "weight_topics",
    "weight_career_stage",
    "weight_location",
    "weight_modes",
    "weight_language",
    "weight_preferences",
)
RULE_FIELDS = ("min_career_gap", "min_score", "cross_organisation")
REQUEST_FIELDS = ("max_pending_requests", "request_expiry_days", "allow_multiple_mentors")
PUBLISH_FIELDS = ("publish_as_introductions",)
SETTINGS_FIELDS = WEIGHT_FIELDS + RULE_FIELDS + REQUEST_FIELDS + PUBLISH_FIELDS


def ensure_coordinator(programme_id: int, by) -> None:
    """Refuse anyone who does not coordinate the programme now."""
    is_coordinator = Membership.objects.active().filter(
        programme_id=programme_id, user=by, role=Membership.Role.COORDINATOR
    )
    if not is_coordinator.exists():
        raise MatchingError("Only this programme's coordinators can change its matching.")


@transaction.atomic
def matching_settings_update(*, programme: Programme, by, data: dict[str, Any]) -> MatchingSettings:
    """Save the weights, hard rules and request limits given in `data`."""
    ensure_coordinator(programme.pk, by)
    MatchingSettings.objects.get_or_create(programme=programme)
    settings = MatchingSettings.objects.select_for_update().get(programme=programme)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    try:
        settings.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise MatchingError(messages[0], field=None if field == "__all__" else field) from error
    settings.save()
    return settings
