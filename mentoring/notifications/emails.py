"""Sending email: every message has a plain-text and an HTML part.

Templates come in threes: `templates/emails/<name>_subject.txt`, `_body.txt` and
`_body.html`. No request talks to a mail server: a message is rendered and written to
the outbox (a due-now row, "email:<name>") in the transaction of the change it tells
about, so a rolled-back change never emails anyone; once it commits a task is handed
the new rows, and the dispatcher's minute sweep picks up anything that task missed.
Delivery retries, backs off and dead-letters like every reminder (services.py).
"""

from __future__ import annotations

import base64
import contextvars
import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import make_msgid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from . import registry

log = logging.getLogger(__name__)

# The kind of an outbox row that carries a rendered transactional email.
EMAIL_KIND_PREFIX = "email:"
# How many rows one hand-off task claims (a 2,000-row invitation import makes four).
HANDOFF_CHUNK = 500
# After a failed hand-off the broker is taken to be down for this long in this process:
# each try costs a request the broker's connection timeout, and the dispatcher sweep
# sends the waiting rows anyway once the broker is back.
HANDOFF_PAUSE_SECONDS = 30


@dataclass
class _HandOffBreaker:
    paused_until: float = 0.0

    def open(self) -> bool:
        return time.monotonic() >= self.paused_until

    def trip(self) -> None:
        self.paused_until = time.monotonic() + HANDOFF_PAUSE_SECONDS

    def reset(self) -> None:
        self.paused_until = 0.0


handoff_breaker = _HandOffBreaker()


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
        reply_to=[reply_to_for(ctx.get("programme"))],
    )
    msg.attach_alternative(html, "text/html")
    return msg


def reply_to_for(programme=None) -> str:
    """Where a reply reaches a person: the programme's contact address, else the site's."""
    return getattr(programme, "contact_email", "") or settings.REPLY_TO_EMAIL


def send_email(
    name: str, *, to: Iterable[str], context: dict, in_app_for=None
) -> EmailMultiAlternatives:
    """Render now and put it in the outbox; it goes once the transaction commits.

    With `in_app_for` (the one person it is addressed to), the event also appears in their
    notifications list, linking to `context["url"]`, written in the same transaction.
    """
    msg = build_email(name, to=to, context=context)
    if in_app_for is not None:
        event_record(name=name, recipient=in_app_for, title=msg.subject, url=context.get("url", ""))
    email_queue(msg, name=name, recipient=in_app_for)
    return msg


# --- The outbox of transactional emails ---------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One rendered message for the outbox, and the account it is for (None: an address)."""

    message: EmailMessage
    name: str
    recipient: object = None


def email_queue(message: EmailMessage, *, name: str, recipient=None) -> int | None:
    """Write one rendered message to the outbox; returns the row's id (None: suppressed)."""
    ids = emails_queue([Outgoing(message, name, recipient)])
    return ids[0] if ids else None


def emails_queue(outgoing: Iterable[Outgoing]) -> list[int]:
    """Write rendered messages to the outbox in one statement per 500, due now.

    Call it inside the transaction of the change the messages tell about. After the
    commit a task is handed the new rows (a publish bounded by the broker's short
    timeout); if that fails, the dispatcher's sweep sends them within a minute.
    """
    prefix = f"[{settings.SITE_NAME}] "
    return _write(
        (o.name, o.recipient, o.message.subject.removeprefix(prefix), message_dump(o.message))
        for o in outgoing
    )


@dataclass(frozen=True)
class Later:
    """An email the worker renders when it sends it: `render(data)` registered as `name`.

    For large batches (an invitation import): the request writes small rows and returns.
    `data` is stored encrypted, so it may carry a link's token.
    """

    name: str
    data: dict
    recipient: object = None


def emails_queue_later(items: Iterable[Later]) -> list[int]:
    """Write emails to be rendered by the worker, like `emails_queue` otherwise."""
    return _write(
        (i.name, i.recipient, "", json.dumps({"later": {"name": i.name, "data": i.data}}))
        for i in items
    )


_suppressed = contextvars.ContextVar("emails_suppressed", default=False)


@contextmanager
def emails_suppressed() -> Iterator[None]:
    """Write no email inside this block (the demo seed: its people's addresses do not
    exist, and a first `make run` should not send them anything)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def _write(rows: Iterable[tuple[str, object, str, str]]) -> list[int]:
    from .models import Notification

    if _suppressed.get():
        return []

    now = timezone.now()
    created = Notification.objects.bulk_create(
        (
            Notification(
                kind=Notification.cut_to_fit(
                    "kind", f"{EMAIL_KIND_PREFIX}{name.rsplit('/', 1)[-1]}"
                ),
                subject_key=f"email:{uuid.uuid4().hex}",
                recipient=recipient if getattr(recipient, "pk", None) else None,
                due_at=now,
                title=Notification.cut_to_fit("title", title),
                message=message,
            )
            for name, recipient, title, message in rows
        ),
        batch_size=HANDOFF_CHUNK,
    )
    ids = [row.pk for row in created]
    if ids:
        transaction.on_commit(partial(_hand_off, ids), robust=True)
    return ids


def _hand_off(ids: list[int]) -> None:
    """Ask a worker to send these rows now (with no worker, the dispatcher sweep will)."""
    from .tasks import send_now

    if not handoff_breaker.open():
        log.info("broker recently down: %s email(s) left for the sweep", len(ids))
        return
    try:
        for start in range(0, len(ids), HANDOFF_CHUNK):
            send_now.apply_async(args=[ids[start : start + HANDOFF_CHUNK]], retry=False)
    except Exception:  # the broker is down: the rows wait for the dispatcher
        handoff_breaker.trip()
        log.warning("could not hand %s email(s) to the broker; the sweep will", len(ids))


def message_dump(message: EmailMessage) -> str:
    """A rendered message as JSON, every header a reply or a calendar needs included.

    The Message-ID is fixed now, so a retried delivery is recognisably the same message.
    """
    headers = dict(message.extra_headers)
    if not any(k.lower() == "message-id" for k in headers):
        # The site's host, not the machine's name: looking that up can stall a request.
        headers["Message-ID"] = make_msgid(domain=urlsplit(settings.SITE_URL).hostname)
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([filename, base64.b64encode(content).decode(), mimetype, "b64"])
        else:
            attachments.append([filename, content, mimetype, ""])
    return json.dumps(
        {
            "subject": message.subject,
            "body": message.body,
            "from": message.from_email or settings.DEFAULT_FROM_EMAIL,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to) or [reply_to_for()],
            "headers": headers,
            "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
            "attachments": attachments,
        }
    )


def message_for(data: str) -> EmailMessage | None:
    """The message a row carries, rendering it now if it was queued to render later.

    None when its renderer finds it no longer needed; raises if no renderer is known.
    """
    raw = json.loads(data)
    if "later" not in raw:
        return message_load(data)
    name = raw["later"]["name"]
    render = registry.email_renderer(name)
    if render is None:
        raise LookupError(f"no email renderer is registered as {name!r}")
    message = render(raw["later"]["data"])
    if message is not None and not message.reply_to:
        message.reply_to = [reply_to_for()]
    return message


def message_load(data: str) -> EmailMultiAlternatives:
    """The message `message_dump` wrote, ready to send."""
    raw = json.loads(data)
    message = EmailMultiAlternatives(
        subject=raw["subject"],
        body=raw["body"],
        from_email=raw["from"],
        to=raw["to"],
        cc=raw["cc"],
        bcc=raw["bcc"],
        reply_to=raw["reply_to"],
        headers=raw["headers"],
    )
    for content, mimetype in raw["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype, encoding in raw["attachments"]:
        message.attach(filename, base64.b64decode(content) if encoding else content, mimetype)
    return message


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
            kind=Notification.cut_to_fit("kind", f"event:{e.name}"),
            subject_key=f"event:{uuid.uuid4().hex}",
            recipient=e.recipient,
            due_at=now,
            status=Notification.Status.SENT,
            title=Notification.cut_to_fit("title", e.title.removeprefix(prefix)),
            url=Notification.cut_to_fit("url", e.url.removeprefix(settings.SITE_URL)),
            delivered_at=now,
            sent_at=now,
        )
        for e in events
    )


def event_record(*, name: str, recipient, title: str, url: str) -> None:
    """Show one event already told by email (a meeting booked, a request accepted) in the app."""
    events_record([Event(name, recipient, title, url)])
