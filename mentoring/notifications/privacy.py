"""Notifications' part of the privacy rights: the person's reminders and choices."""

from __future__ import annotations

from mentoring.privacy import (
    Closure,
    fields_of,
    humanise,
    register_erasure_step,
    register_export_section,
    with_choice_labels,
)

from . import registry
from .models import Notification, NotificationPreference


def _notifications(user) -> list[dict]:
    rows = Notification.objects.filter(recipient=user).order_by("created_at")
    return [
        fields_of(n, ("kind", "occurrence", "status", "title", "due_at", "sent_at", "read_at"))
        for n in rows
    ] + [
        fields_of(p, ("kind", "channel", "updated_at"))
        for p in NotificationPreference.objects.filter(user=user).order_by("kind")
    ]


EVENT_PREFIX = "event:"


def kind_label(code: str) -> str:
    """What a person calls a kind: its registered label, or the event's name in words."""
    registered = registry.kind(code)
    if registered is not None:
        return registered.label
    return humanise(code.removeprefix(EVENT_PREFIX))


def _readable(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        row = with_choice_labels(NotificationPreference, with_choice_labels(Notification, row))
        out.append({**row, "kind": kind_label(row["kind"])})
    return out


def _erase(closure: Closure) -> None:
    # Their notifications list (titles name other people) and waiting reminders.
    Notification.objects.filter(recipient=closure.person).delete()
    NotificationPreference.objects.filter(user=closure.person).delete()


def register() -> None:
    covers = ("notifications.Notification", "notifications.NotificationPreference")
    register_export_section(
        "notifications",
        _notifications,
        title="Reminders and your choices about them",
        covers=covers,
        readable=_readable,
    )
    register_erasure_step("notifications", _erase, stage="erase", covers=covers)
