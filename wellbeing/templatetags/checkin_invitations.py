"""The state of the check-in page's "invite me to check in" switch."""

from __future__ import annotations

from django import template

from ..reminders import InvitationSwitch, invitation_switch_for

register = template.Library()


@register.simple_tag(takes_context=True)
def checkin_invitation_switch(context) -> InvitationSwitch | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return invitation_switch_for(user=user)
