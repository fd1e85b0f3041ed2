"""Receivers for sign-in, sign-out and account changes, connected when the app is ready.

They only log and end sessions: the changes themselves are allauth's.
"""

from __future__ import annotations

import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from . import security_log, session_policy
from .middleware import session_start


def _start_session_clocks(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request, time.time())


def _end_other_sessions(sender, request, user, **kwargs) -> None:
    """A new second factor, password or email address ends every other session: a
    session someone else had open does not outlive the change meant to shut them out."""
    if request is not None and user is not None:
        session_policy.other_sessions_end(request=request, user=user)


def connect() -> None:
    # Django's signals, so every sign-in counts, whatever the way in.
    auth_signals.user_logged_in.connect(security_log.on_logged_in)
    auth_signals.user_logged_in.connect(_start_session_clocks)
    auth_signals.user_logged_out.connect(security_log.on_logged_out)
    auth_signals.user_login_failed.connect(security_log.on_login_failed)

    mfa_signals.authentication_failed.connect(security_log.on_mfa_failed)
    mfa_signals.authenticator_added.connect(security_log.on_mfa_added)
    mfa_signals.authenticator_removed.connect(security_log.on_mfa_removed)
    mfa_signals.authenticator_reset.connect(security_log.on_mfa_reset)

    account_signals.password_changed.connect(security_log.on_password_changed)
    account_signals.password_set.connect(security_log.on_password_set)
    account_signals.password_reset.connect(security_log.on_password_reset)
    account_signals.email_added.connect(security_log.on_email_added)
    account_signals.email_removed.connect(security_log.on_email_removed)
    account_signals.email_changed.connect(security_log.on_email_changed)

    for signal in (
        mfa_signals.authenticator_added,
        account_signals.password_changed,
        account_signals.password_set,
        account_signals.password_reset,
        account_signals.email_changed,
    ):
        signal.connect(_end_other_sessions)
