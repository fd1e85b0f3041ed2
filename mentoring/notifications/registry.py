"""The kinds of reminder and the sweeps that find them due, registered by the apps.

A lower layer cannot import the apps above it, so each app registers its kinds from
its `AppConfig.ready()`: the dispatcher then knows how to turn a row into a message
without knowing what a meeting or a mentorship is.

A kind's `render(notification)` re-reads the subject when the reminder is about to go
and returns a `Message`, or `None` when the reminder is no longer needed (the meeting
was cancelled, the note was written, the request was answered): the row is then
cancelled and nothing is sent. `render` may also return `Defer(until)` to put the
reminder back until a later time (a paused mentorship).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Notification


@dataclass(frozen=True)
class Message:
    """What to send: the email template (three files under templates/emails/) and the page."""

    template: str
    context: dict
    # Path of the page the email and the in-app list link to (e.g. "/meetings/12/").
    url: str


@dataclass(frozen=True)
class Defer:
    """Not yet: try again at `until` (e.g. when a pause ends)."""

    until: dt.datetime


Render = Callable[["Notification"], "Message | Defer | None"]


@dataclass(frozen=True)
class Kind:
    name: str
    # What the settings page calls it: "Reminders of upcoming meetings".
    label: str
    render: Render
    # Optional kinds can be turned off or put in a weekly digest, carry a one-click
    # unsubscribe and wait for the morning in the recipient's quiet hours.
    optional: bool = True
    # Who gets it, to group the settings page: "member", "mentor", "mentee", "coordinator".
    audience: str = "member"
    help_text: str = ""
    # The channel for someone who has not chosen: "email", "digest" or "off" (opt-in kinds).
    default_channel: str = "email"
    # Called with (user_id, channel) inside the transaction that changes a person's choice
    # (an opt-in kind starts its first row here).
    on_preference: Callable[[int, str], None] | None = None
    # Called after the message went (the digest marks what it carried).
    after_send: Callable[[Notification], None] | None = None


@dataclass(frozen=True)
class Sweep:
    """A periodic service function that writes rows for reminders that became due."""

    name: str
    kinds: tuple[str, ...]
    run: Callable[[dt.datetime], int]


_KINDS: dict[str, Kind] = {}
_SWEEPS: dict[str, Sweep] = {}
# Emails written to the outbox before they are rendered (a 2,000-row invitation import
# returns at once; the worker renders each): name -> render(data), which returns the
# message, or None when it is no longer needed (the invitation was withdrawn meanwhile).
_EMAIL_RENDERERS: dict[str, Callable[[dict], Any]] = {}
# Callables (user) -> set of audiences ("mentor", "coordinator"...) the person belongs to,
# registered by the app that knows roles, so the settings page shows only what applies.
_AUDIENCE_PROVIDERS: list[Callable[[Any], set[str]]] = []


def register_kind(kind: Kind) -> None:
    existing = _KINDS.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"the notification kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind


def register_audience_provider(provider: Callable[[Any], set[str]]) -> None:
    if provider not in _AUDIENCE_PROVIDERS:
        _AUDIENCE_PROVIDERS.append(provider)


def audience_providers() -> list[Callable[[Any], set[str]]]:
    return list(_AUDIENCE_PROVIDERS)


def register_email_renderer(name: str, render: Callable[[dict], Any]) -> None:
    existing = _EMAIL_RENDERERS.get(name)
    if existing is not None and existing != render:
        raise ValueError(f"the email renderer {name!r} is registered twice")
    _EMAIL_RENDERERS[name] = render


def email_renderer(name: str) -> Callable[[dict], Any] | None:
    return _EMAIL_RENDERERS.get(name)


def register_sweep(sweep: Sweep) -> None:
    _SWEEPS[sweep.name] = sweep


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def optional_kinds() -> list[Kind]:
    return [k for k in _KINDS.values() if k.optional]


def sweeps(kind_name: str | None = None) -> list[Sweep]:
    if kind_name is None:
        return list(_SWEEPS.values())
    return [s for s in _SWEEPS.values() if kind_name in s.kinds]
