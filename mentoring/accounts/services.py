from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction

from .models import MatchingPreferences, Profile, User

PERSONAL_FIELDS = ("full_name", "preferred_name", "pronouns", "time_zone")


def profile_for(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def preferences_for(user: User) -> MatchingPreferences:
    prefs, _ = MatchingPreferences.objects.get_or_create(user=user)
    return prefs


@transaction.atomic
def profile_update(*, user: User, data: dict, personal: dict | None = None) -> Profile:
    """Update the person's professional profile (and their personal details) together.

    `data` and `personal` are cleaned form data; nothing is saved unless all of it is valid.
    """
    if personal:
        person = User.objects.select_for_update().get(pk=user.pk)
        for field in PERSONAL_FIELDS:
            if field in personal:
                setattr(person, field, personal[field])
        person.full_clean()
        person.save(update_fields=[f for f in PERSONAL_FIELDS if f in personal])
    profile = Profile.objects.select_for_update().get(pk=profile_for(user).pk)
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def preferences_update(*, user: User, data: dict) -> MatchingPreferences:
    """Update the person's private matching preferences from cleaned form data."""
    prefs = MatchingPreferences.objects.select_for_update().get(pk=preferences_for(user).pk)
    for field, value in data.items():
        setattr(prefs, field, value)
    prefs.full_clean()
    prefs.save()
    return prefs


# Undoing an email change from the old address ("this wasn't me").

EMAIL_CHANGE_UNDO_SALT = "mentoring.accounts.email-change-undo"
INVALID_UNDO_LINK = "This link is not valid: please use the link in the email."


class EmailChangeUndoError(Exception):
    """The undo link cannot be used; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def email_change_undo_token(*, user: User, old_email: str, new_email: str) -> str:
    """A signed, time-limited token for the link sent to the old address."""
    return signing.dumps(
        {"user": user.pk, "old": old_email, "new": new_email}, salt=EMAIL_CHANGE_UNDO_SALT
    )


def email_change_undo_read(*, token: str) -> dict:
    """The change a token undoes, or EmailChangeUndoError if it is forged or too old."""
    max_age = timedelta(days=settings.EMAIL_CHANGE_UNDO_DAYS)
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_UNDO_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise EmailChangeUndoError(
            "This link has expired. If someone else changed your email address, "
            f"please tell us at {settings.SUPPORT_EMAIL}."
        ) from error
    except signing.BadSignature as error:
        raise EmailChangeUndoError(INVALID_UNDO_LINK) from error
    if not isinstance(data, dict) or not {"user", "old", "new"} <= data.keys():
        raise EmailChangeUndoError(INVALID_UNDO_LINK)
    return data


def email_change_is_undone(*, user: User, old_email: str) -> bool:
    """The account has only the old address again (the link was used, or it was changed back)."""
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "primary"))
    return user.email.lower() == old_email.lower() and addresses == [(user.email, True)]


@transaction.atomic
def email_change_undo(*, token: str) -> User:
    """Put the old address back as the only, verified, primary one, and lock the account.

    The password becomes unusable, which signs the person out of every session
    (each session is tied to the password) and makes them choose a new one by a
    reset link sent to the restored address. Using the link again changes nothing.
    """
    data = email_change_undo_read(token=token)
    user = User.objects.select_for_update().filter(pk=data["user"]).first()
    if user is None or not user.is_active:
        # A closed account keeps no trace of its addresses: never put one back.
        raise EmailChangeUndoError("This account has been closed.")
    old_email = data["old"].lower()
    if email_change_is_undone(user=user, old_email=old_email):
        raise EmailChangeUndoError(
            f"Your email address is already {old_email}: this change has been undone."
        )
    taken = User.objects.filter(email__iexact=old_email).exclude(pk=user.pk).exists()
    if taken or EmailAddress.objects.filter(email__iexact=old_email).exclude(user=user).exists():
        raise EmailChangeUndoError(
            f"{old_email} now belongs to another account, so we cannot put it back. "
            f"Please tell us at {settings.SUPPORT_EMAIL}."
        )
    EmailAddress.objects.filter(user=user).exclude(email__iexact=old_email).delete()
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=old_email,
        defaults={"email": old_email, "verified": True, "primary": True},
    )
    user.email = old_email
    user.set_unusable_password()
    user.save(update_fields=["email", "password"])
    return user
