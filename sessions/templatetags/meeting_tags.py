"""What the mentorship page shows about meetings (matching's page never imports sessions)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..models import Meeting
from ..selectors import mentorship_meetings as meetings_of
from ..selectors import zone_of

register = template.Library()
HISTORY = 10


@register.simple_tag
def mentorship_meetings(mentorship, user) -> dict:
    """Next meeting and recent history, through `Meeting.objects.visible_to` (two queries)."""
    meetings = meetings_of(mentorship=mentorship, user=user)
    now = timezone.now()
    upcoming = (
        meetings.filter(
            status__in=[Meeting.Status.CONFIRMED, Meeting.Status.PROPOSED], ends_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    history = list(meetings.order_by("-starts_at")[:HISTORY])
    for meeting in history:
        meeting.minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    is_member = user.pk in (mentorship.mentor_id, mentorship.mentee_id)
    return {
        "next": upcoming,
        "history": history,
        "is_member": is_member,
        "is_mentor": user.pk == mentorship.mentor_id,
        "is_mentee": user.pk == mentorship.mentee_id,
        "can_arrange": is_member and mentorship.status == "active",
        "zone": zone_of(user),
    }
