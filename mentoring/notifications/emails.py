"""Sending email: every message has a plain-text and an HTML part.

Templates come in threes: `templates/emails/<name>_subject.txt`, `_body.txt` and
`_body.html`. Sends are queued with `transaction.on_commit`, so a rolled-back
change never emails anyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import linebreaks, urlize


def html_from_text(text: str, *, subject: str = "") -> str:
    """Lay a plain-text body into the HTML email layout."""
    body_html = linebreaks(urlize(text, autoescape=True), autoescape=False)
    return render_to_string(
        "emails/layout.html", {"subject": subject, "body_html": body_html, **_site()}
    )


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
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", ctx).split())
    text = render_to_string(f"emails/{name}_body.txt", ctx).strip() + "\n"
    if ctx.get("unsubscribe_url"):
        text += render_to_string("emails/unsubscribe_footer.txt", ctx)
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


def send_email(name: str, *, to: Iterable[str], context: dict) -> None:
    """Render now, send once the surrounding transaction commits."""
    msg = build_email(name, to=to, context=context)
    transaction.on_commit(lambda: msg.send(fail_silently=False))
