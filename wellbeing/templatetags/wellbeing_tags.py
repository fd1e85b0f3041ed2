"""Template helpers for wellbeing pages and the support page."""

from __future__ import annotations

from django import template

from .. import selectors
from ..instruments import INSTRUMENTS, WHO5
from ..services.directory import SUPPORT_PAGE_NUMBERS, phone_digits, without_numbers

register = template.Library()


@register.filter
def band_label(code: str, instrument: str = WHO5.code) -> str:
    scale = INSTRUMENTS.get(instrument, WHO5)
    band = scale.band_named(code)
    return band.label if band else ""


@register.filter
def tel(phone: str) -> str:
    """A `tel:` address for a phone number as people write it."""
    return f"tel:{phone_digits(phone)}"


@register.simple_tag(takes_context=True)
def programme_urgent_services(context) -> list:
    """Urgent services from the person's programme directories that the support page
    does not already list. A read only: opening the support page records nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return []
    return without_numbers(selectors.urgent_services_for(user=user), SUPPORT_PAGE_NUMBERS)
