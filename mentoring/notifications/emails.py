"""Sending email: every message has a plain-text and an HTML part.

Templates come in threes: `templates/emails/<name>_subject.txt`, `_body.txt` and
`_body.html`. Sends are queued with `transaction.on_commit`, so a rolled-back
change never emails anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import linebreaks, urlize


def html_from_text(text: str, *, subject: str = "") -> str:
    """Lay a plain-text body into the HTML email layout."""
    body_html = linebreaks(urlize(text, autoescape=True), autoescape=False)
    return render_to_string(
        "emails/layout.html", {"subject": subject, "body_html": body_html, **_site()}
    )


def render_text(template_name: str, context: dict) -> str:
    """Render a subject or a plain-text body as typed: no HTML escaping.

    A plain-text part is not HTML, so O'Brien must stay O'Brien (not O&#x27;Brien)
    whatever the template says; only the HTML part is escaped.
    """
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def _site() -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def build_email(
    name: str, *, to: Iterable[str], context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """Render one email; with `unsubscribe_url` in the context both parts say how to stop it."""
    ctx = {**_site(), **context}
    subject = " ".join(render_text(f"emails/{name}_subject.txt", ctx).split())
    text = render_text(f"emails/{name}_body.txt", ctx).strip() + "\n"
    if ctx.get("unsubscribe_url"):
        text += render_text("emails/unsubscribe_footer.txt", ctx)
    html = render_to_string(f"emails/{name}_body.html", {**ctx, "subject": subject})
    msg = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
    )
    msg.attach_alternative(html, "text/html")
    return msg


def send_email(
    name: str, *, to: Iterable[str], context: dict, in_app_for=None
) -> EmailMultiAlternatives:
    """Render now, send once the surrounding transaction commits; returns the message.

    With `in_app_for` (the one person it is addressed to), the event also appears in their
    notifications list, linking to `context["url"]`, written in the same transaction.
    """
    msg = build_email(name, to=to, context=context)
    if in_app_for is not None:
        event_record(name=name, recipient=in_app_for, title=msg.subject, url=context.get("url", ""))
    transaction.on_commit(lambda: msg.send(fail_silently=False))
    return msg


@dataclass(frozen=True)
class Event:
    """Something already told by email, to show in the addressee's notifications list."""

    name: str
    recipient: object
    title: str
    url: str


def events_record(events: Iterable[Event]) -> None:
    """Write events in one statement (a bulk approval tells many people at once).

    The rows are born delivered, so the dispatcher never sees them. Titles are email
    subjects, which never hold confidential text.
    """
    from .models import Notification

    now = timezone.now()
    prefix = f"[{settings.SITE_NAME}] "
    Notification.objects.bulk_create(
        Notification(
            kind=f"event:{e.name}"[:60],
            subject_key=f"event:{uuid.uuid4().hex}",
            recipient=e.recipient,
            due_at=now,
            status=Notification.Status.SENT,
            title=e.title.removeprefix(prefix)[:200],
            url=e.url.removeprefix(settings.SITE_URL)[:300],
            delivered_at=now,
            sent_at=now,
        )
        for e in events
    )


def event_record(*, name: str, recipient, title: str, url: str) -> None:
    """Show one event already told by email (a meeting booked, a request accepted) in the app."""
    events_record([Event(name, recipient, title, url)])
