"""The security log: who signed in, out or failed to, account changes, refused access.

One line per event on the `mentoring.security` logger, as `key=value` pairs
(`event=login_failed user_id=12 ip=203.0.113.9`), so a log search or a SIEM can
parse it. Lines name people by id only: never an email address as typed, a password,
a token or any text a person wrote.
"""

from __future__ import annotations

import logging
import re

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

logger = logging.getLogger("mentoring.security")

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:,/\-\[\]]")


def _value(value) -> str:
    """One token: nothing a caller passes can add a key or a line to the log."""
    if value is None or value == "":
        return "-"
    return _UNSAFE.sub("_", str(value))[:100]


def client_ip(request: HttpRequest | None) -> str | None:
    """The address allauth rate-limits on (it honours the trusted proxy settings)."""
    if request is None:
        return None
    try:
        return get_adapter().get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def security_event(
    event: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    user_id=None,
    level: int = logging.INFO,
    **fields,
) -> None:
    if user_id is None and user is not None:
        user_id = getattr(user, "pk", None)
    if user_id is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user_id = request_user.pk
    pairs = {"event": event, "user_id": user_id, "ip": client_ip(request), **fields}
    message = " ".join(f"{key}={_value(value)}" for key, value in pairs.items())
    logger.log(level, message, extra={"security": {k: v for k, v in pairs.items()}})


# --- Receivers (connected in signals.py) ------------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    security_event("login", request=request, user=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    reason = getattr(request, "security_logout_reason", None) or "user"
    security_event("logout", request=request, user=user, reason=reason)


def _account_tried(typed: str) -> dict:
    """The account an address typed at sign-in belongs to, by id, never the address itself
    (it may be a typo of someone else's, or a password typed into the wrong box)."""
    address = (
        EmailAddress.objects.filter(email__iexact=typed).only("user_id").first() if typed else None
    )
    return {
        "user_id": address.user_id if address else None,
        "account": "known" if address else "unknown",
    }


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    security_event("login_failed", request=request, level=logging.WARNING, **_account_tried(typed))


def login_paused(request, *, typed: str, scope: str) -> None:
    """A sign-in refused by the throttle before the password was checked."""
    security_event(
        "login_paused", request=request, scope=scope, level=logging.WARNING, **_account_tried(typed)
    )


def on_mfa_failed(sender, request, user, authenticator=None, **kwargs) -> None:
    security_event(
        "mfa_failed",
        request=request,
        user=user,
        authenticator=getattr(authenticator, "type", None),
        reauthentication=bool(kwargs.get("reauthentication")),
        level=logging.WARNING,
    )


def _authenticator_event(event: str):
    def receiver(sender, request, user, authenticator, **kwargs) -> None:
        security_event(event, request=request, user=user, authenticator=authenticator.type)

    receiver.__name__ = f"on_{event}"
    return receiver


on_mfa_added = _authenticator_event("mfa_added")
on_mfa_removed = _authenticator_event("mfa_removed")
# Recovery codes regenerated: the old codes stop working.
on_mfa_reset = _authenticator_event("mfa_reset")


def _account_event(event: str):
    def receiver(sender, request, user, **kwargs) -> None:
        security_event(event, request=request, user=user)

    receiver.__name__ = f"on_{event}"
    return receiver


on_password_changed = _account_event("password_changed")
on_password_set = _account_event("password_set")
on_password_reset = _account_event("password_reset")


def _email_event(event: str, field: str):
    def receiver(sender, request, user, **kwargs) -> None:
        address = kwargs.get(field)
        security_event(
            event, request=request, user=user, email_address_id=getattr(address, "pk", None)
        )

    receiver.__name__ = f"on_{event}"
    return receiver


on_email_added = _email_event("email_added", "email_address")
on_email_removed = _email_event("email_removed", "email_address")
on_email_changed = _email_event("email_changed", "to_email_address")


# --- Refused access ----------------------------------------------------------------------

# URL arguments that name one record or carry a secret: a 403 or 404 on such a URL may
# be someone trying ids or links that are not theirs.
_ID_ARGUMENT = re.compile(r"(^|_)(id|pk|uuid|token|key|uidb36)$")
# Arguments that are secrets themselves: logged as present, never their value.
_SECRET_ARGUMENT = re.compile(r"(^|_)(token|key|uidb36)$")


def id_arguments(kwargs: dict) -> dict[str, str]:
    """The id-bearing URL arguments, ready to log (secrets redacted)."""
    return {
        name: "[redacted]" if _SECRET_ARGUMENT.search(name) else value
        for name, value in kwargs.items()
        if _ID_ARGUMENT.search(name)
    }


def log_refused_access(request: HttpRequest, status: int) -> None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return
    ids = id_arguments(match.kwargs)
    if not ids:
        return
    security_event(
        "access_refused",
        request=request,
        status=status,
        method=request.method,
        view=match.view_name,
        **{f"arg_{name}": value for name, value in ids.items()},
        level=logging.WARNING,
    )
