"""People's privacy rights: download everything held about them, and close their account.

Each app contributes its part through `mentoring.privacy` (from its
`AppConfig.ready()`); this module only runs the contributions.

The download is a ZIP of `data.json` and a readable `summary.html`, built from the
registered export sections, each a function of the person that makes a fixed number of
queries. It holds the person's own data and correspondence only: never another
person's check-ins, private notes or support requests, and never the other side's
private words (a mentor's private decline reason goes only to that mentor).

Closing an account erases the person's confidential records, replaces their identity
in shared records by "Former member", and keeps the anonymised figures that
programme aggregates count (a check-in's score and band, a closing review's ratings).
The other party of a mentorship keeps their own notes and records.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.accounts.models import User
from mentoring.notifications.emails import send_email
from mentoring.privacy import (
    Closure,
    closure_checks,
    erasure_steps,
    export_sections,
)
from programmes.errors import ProgrammeError

# Download my data --------------------------------------------------------------------


def export_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, section by section."""
    with transaction.atomic():  # one consistent snapshot
        return {section.key: section.build(user) for section in export_sections()}


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return " | ".join(_text(v) for v in value)
    return str(value)


def _records(data: Any) -> list[list[tuple[str, str]]]:
    """A section's data as records of (label, text) rows for the summary."""
    if data is None:
        return []
    items = data if isinstance(data, list) else [data]
    return [[(_label(k), _text(v)) for k, v in item.items()] for item in items]


def export_summary_html(*, user: User, data: dict[str, Any], generated_at: dt.datetime) -> str:
    sections = []
    # A person reads headings: the summary lists them by title.
    for s in sorted(export_sections(), key=lambda s: s.title):
        section_data = data.get(s.key)
        if s.readable is not None and section_data is not None:
            section_data = s.readable(section_data)
        sections.append({"title": s.title, "key": s.key, "records": _records(section_data)})
    return render_to_string(
        "wellbeing/export_summary.html",
        {
            "person": user,
            "sections": sections,
            "generated_at": generated_at,
            "SITE_NAME": settings.SITE_NAME,
        },
    )


def data_export_build(*, user: User) -> bytes:
    """The ZIP a person downloads: data.json and summary.html, built in memory."""
    now = timezone.now()
    data = export_data(user=user)
    document = {"generated_at": now, "about": user.email, **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr(
            "summary.html", export_summary_html(user=user, data=data, generated_at=now)
        )
    return buffer.getvalue()


# Close my account ----------------------------------------------------------------------


@transaction.atomic
def account_close(*, user: User) -> User:
    """Close the person's account: end, erase and anonymise, all or nothing.

    The confirmation goes to their address as it was, rendered before anything
    changes and sent once the transaction commits.
    """
    person = User.objects.select_for_update().get(pk=user.pk)
    if not person.is_active:
        raise ProgrammeError("This account is already closed.")
    for check in closure_checks():
        check(person)
    old_email = person.email
    send_email("account_closed", to=[old_email], context={"recipient": person})
    closure = Closure(person=person, old_email=old_email, now=timezone.now())
    for step in erasure_steps():
        step.run(closure)
    return person
