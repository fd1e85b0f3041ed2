"""Each person's channel for each optional reminder, and the signed links that turn them off."""

from __future__ import annotations

from django.core import signing
from django.db import transaction

from . import registry
from .models import NotificationPreference

Channel = NotificationPreference.Channel

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_OPTIONAL = "*"


def preference_for(user_id: int, kind_name: str) -> str:
    """The person's channel for a kind: their choice, else the kind's default."""
    channel = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind_name)
        .values_list("channel", flat=True)
        .first()
    )
    found = registry.kind(kind_name)
    return channel or (found.default_channel if found else Channel.EMAIL)


def preferences_for(user) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {k.name: chosen.get(k.name, k.default_channel) for k in registry.optional_kinds()}


def audiences_for(user) -> set[str]:
    """Which groups of reminders can reach this person: everyone's, plus their roles'."""
    found = {"member"}
    for provider in registry.audience_providers():
        found |= provider(user)
    return found


def preferences_update(*, user, channels: dict[str, str]) -> None:
    """Save the person's choice for each optional kind (unknown kinds are refused)."""
    known = {k.name for k in registry.optional_kinds()}
    valid = set(Channel.values)
    for name, channel in channels.items():
        if name not in known or channel not in valid:
            raise ValueError(f"unknown reminder or channel: {name}={channel}")
    with transaction.atomic():
        for name, channel in channels.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=name, defaults={"channel": channel}
            )
            _preference_changed(user.pk, name, channel)


def _preference_changed(user_id: int, kind_name: str, channel: str) -> None:
    found = registry.kind(kind_name)
    if found is not None and found.on_preference is not None:
        found.on_preference(user_id, channel)


def unsubscribe_token(user_id: int, kind_name: str) -> str:
    return signing.dumps({"u": user_id, "k": kind_name}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, list[registry.Kind]]:
    """The person and the kinds a signed link turns off; raises signing.BadSignature."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user_id, name = int(data["u"]), str(data["k"])
    if name == ALL_OPTIONAL:
        return user_id, registry.optional_kinds()
    found = registry.kind(name)
    if found is None or not found.optional:
        raise signing.BadSignature("not an optional reminder")
    return user_id, [found]


def unsubscribe_apply(*, token: str) -> tuple[int, list[registry.Kind]]:
    user_id, found = unsubscribe_read(token)
    with transaction.atomic():
        for k in found:
            NotificationPreference.objects.update_or_create(
                user_id=user_id, kind=k.name, defaults={"channel": Channel.OFF}
            )
            _preference_changed(user_id, k.name, Channel.OFF)
    return user_id, found
