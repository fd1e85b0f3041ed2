"""The notes panel of the mentorship page: action points, agreement, stage progress.

Members only: for anyone else (coordinators included) the tag returns None and the
partial renders nothing.
"""

from __future__ import annotations

from django import template

from ..selectors.notes import agreement_of, mentorship_action_items, stage_progress

register = template.Library()

ITEMS_SHOWN = 25


@register.simple_tag
def notes_panel(mentorship, user):
    if user is None or not user.is_authenticated:
        return None
    if user.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        return None
    items = list(mentorship_action_items(mentorship=mentorship)[: ITEMS_SHOWN + 1])
    return {
        "items": items[:ITEMS_SHOWN],
        "more_items": len(items) > ITEMS_SHOWN,
        "agreement": agreement_of(mentorship=mentorship),
        "progress": stage_progress(mentorship=mentorship),
        "is_mentor": user.pk == mentorship.mentor_id,
    }
