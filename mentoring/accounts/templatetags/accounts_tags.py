from __future__ import annotations

from django import template

from mentoring.accounts.redirects import safe_next_url

register = template.Library()


@register.simple_tag(takes_context=True)
def next_url(context) -> str:
    """The page's `?next=` address if it is safe to send the person there, else ''."""
    request = context.get("request")
    return safe_next_url(request) if request is not None else ""
