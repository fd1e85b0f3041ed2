"""Sign-in throttling that an attacker cannot turn against the account's owner.

Three limits apply to signing in with a password (numbers in settings.ACCOUNT_RATE_LIMITS,
reasons in the README, "Sign-in throttling"):

- every attempt from one address, a high ceiling (allauth's "login" limit on the form);
- wrong passwords for one account from one address ("login_failed_from_address"): that
  address pauses for that account, while the owner elsewhere, and every other account
  behind the same address, carry on;
- wrong passwords for one account from anywhere ("login_failed_for_account"): slower,
  above what one address can reach alone, lifted by a password reset or an emailed
  sign-in code, which no one else's failures can block.

An attempt is counted before the password is checked, so a burst of parallel guesses
cannot slip past the limits, and handed back when the password is right. Counters are
keyed by the email address typed, whether or not an account has it, so the answers do
not tell anyone which addresses have accounts.

The counters live in the "security" cache alias (the database), as do allauth's other
rate limits and its record of used one-time codes: allauth reads them from Django's
default cache, so `use_security_cache` points those two modules at the alias.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import ConnectionProxy, caches
from django.http import HttpRequest

SECURITY_CACHE = "security"
APP = "allauth.account"
FROM_ADDRESS = "login_failed_from_address"
FOR_ACCOUNT = "login_failed_for_account"


class Paused(enum.Enum):
    FROM_ADDRESS = "from_address"
    FOR_ACCOUNT = "for_account"


class SignInPaused(Exception):
    def __init__(self, scope: Paused):
        super().__init__(scope.value)
        self.scope = scope


@dataclass
class Attempt:
    """One counted attempt, handed back if the password turns out to be right."""

    usages: list

    def succeeded(self) -> None:
        for usage in self.usages:
            usage.rollback()


def use_security_cache() -> None:
    """Point allauth's rate limits and TOTP code-reuse guard at the "security" alias.

    allauth has no setting for the cache it uses; both modules read the module-level
    name `cache` at each call. Without this they would use the default cache, which
    answers "empty" while Redis is down: the limits and the reuse guard would switch off.
    """
    from allauth.mfa.totp.internal import auth as allauth_totp

    proxy = ConnectionProxy(caches, SECURITY_CACHE)
    for module in (allauth_ratelimit, allauth_totp):
        if not hasattr(module, "cache"):  # pragma: no cover - an allauth upgrade moved it
            raise RuntimeError(f"{module.__name__} no longer has `cache`: re-check throttling")
        module.cache = proxy


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _pair_key(request: HttpRequest, email: str) -> str:
    return f"{allauth_ratelimit.get_ip(request)}|{email}"


def sign_in_attempt(request: HttpRequest, *, email: str) -> Attempt:
    """Count a password attempt for `email`, or raise SignInPaused if a limit is reached.

    The per-address limit is checked first, so an address that paused itself learns that,
    and does not use up the account's budget while paused.
    """
    email = _normalise(email)
    usages = []
    for action, key, scope in (
        (FROM_ADDRESS, _pair_key(request, email), Paused.FROM_ADDRESS),
        (FOR_ACCOUNT, email, Paused.FOR_ACCOUNT),
    ):
        usage = allauth_ratelimit.consume(request, app=APP, action=action, key=key, limit_get=True)
        if usage is None:
            Attempt(usages).succeeded()
            raise SignInPaused(scope)
        usages.append(usage)
    return Attempt(usages)


def sign_in_lift(request: HttpRequest, *, emails: Iterable[str]) -> None:
    """Lift the pause on these addresses of one person: the account-wide counters, and
    those of the address this request comes from (the owner's own, often shared, one).

    Called when the owner proves they hold the email address: a password reset or a
    sign-in code. Failures from other addresses keep counting against those addresses.
    """
    for email in {_normalise(e) for e in emails if e}:
        allauth_ratelimit.clear(request, app=APP, action=FOR_ACCOUNT, key=email)
        allauth_ratelimit.clear(
            request, app=APP, action=FROM_ADDRESS, key=_pair_key(request, email)
        )


def _emails_of(user) -> set[str]:
    from allauth.account.models import EmailAddress

    emails = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return emails | {user.email}


def lift_after_password_reset(sender, *, request, user, **kwargs) -> None:
    """allauth's `password_reset` signal: the owner proved they hold the email address."""
    sign_in_lift(request, emails=_emails_of(user))


def lift_after_sign_in_code(sender, *, request, user, **kwargs) -> None:
    """allauth's `user_logged_in` signal: lift the pause if a code emailed to the owner
    was part of this sign-in."""
    from allauth.account.authentication import get_authentication_records

    if any(r.get("method") == "code" for r in get_authentication_records(request, user)):
        sign_in_lift(request, emails=_emails_of(user))
