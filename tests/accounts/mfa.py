"""Test helpers for sessions that passed (or skipped) the second factor."""

from __future__ import annotations

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

# allauth keeps whose records they are next to the records themselves.
_RECORDS_USER_KEY = "account_authentication_methods_user"


def with_totp(user) -> str:
    """Turn an authenticator app on for the person; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def record_sign_in(client, user, *methods: str) -> None:
    """Write the authentication records allauth keeps after a sign-in with `methods`."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": method, "at": time.time()} for method in methods
    ]
    session[_RECORDS_USER_KEY] = user_id_to_str(user)
    session.save()


def sign_in_with_mfa(client, user) -> None:
    """Signed in with the password and an authenticator code, as the login page does."""
    client.force_login(user)
    record_sign_in(client, user, "password", "mfa")
