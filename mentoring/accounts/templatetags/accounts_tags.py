from __future__ import annotations

from django import template

from mentoring.accounts.redirects import safe_next_url

register = template.Library()


@register.simple_tag(takes_context=True)
def next_url(context) -> str:
    """The page's `?next=` address if it is safe to send the person there, else ''."""
    request = context.get("request")
    return safe_next_url(request) if request is not None else ""


# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


@register.filter
def browser_summary(user_agent: str) -> str:
    """'Firefox on Windows' from a browser's User-Agent, for people to recognise a session."""
    user_agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
