"""The account's part of the privacy rights: the person's identity, profile and preferences."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from mentoring.privacy import (
    FORMER_MEMBER,
    Closure,
    all_fields_of,
    fields_of,
    former_member_email,
    register_erasure_step,
    register_export_section,
    register_kept,
    with_choice_labels,
)
from mentoring.vocabulary import Framework, MeetingMode

from .models import MatchingPreferences, Profile, User


def _account(user: User) -> dict:
    return {
        **fields_of(
            user,
            ("email", "full_name", "preferred_name", "pronouns", "time_zone", "date_joined"),
        ),
        "last_login": user.last_login,
        "email_addresses": [
            fields_of(address, ("email", "verified", "primary"))
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # Which methods are set up, never their secrets.
        "two_factor_methods": [
            {
                "type": a.get_type_display(),
                "created_at": a.created_at,
                "last_used_at": a.last_used_at,
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile(user: User) -> dict | None:
    profile = Profile.objects.filter(user=user).first()
    return all_fields_of(profile) if profile else None


def _matching_preferences(user: User) -> dict | None:
    prefs = MatchingPreferences.objects.filter(user=user).first()
    return all_fields_of(prefs) if prefs else None


def _readable_profile(row: dict) -> dict | None:
    return with_choice_labels(
        Profile,
        row,
        lists={
            "meeting_modes": MeetingMode.choices,
            "frameworks_taught": Framework.choices,
            "frameworks_practised": Framework.choices,
        },
    )


def _readable_preferences(row: dict) -> dict | None:
    return with_choice_labels(MatchingPreferences, row)


def _erase(closure: Closure) -> None:
    MatchingPreferences.objects.filter(user=closure.person).delete()


def _blank_profile(person: User) -> None:
    profile = Profile.objects.filter(user=person).first()
    if profile is None:
        return
    for field in Profile._meta.concrete_fields:
        if field.name in ("id", "user", "updated_at"):
            continue
        setattr(profile, field.attname, field.get_default())
    profile.languages = ""
    profile.save()


def _anonymise(closure: Closure) -> None:
    person = closure.person
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    # Where and on what they signed in (addresses, browsers) is theirs too.
    UserSession.objects.filter(user=person).delete()
    _blank_profile(person)
    person.full_name = FORMER_MEMBER
    person.preferred_name = ""
    person.pronouns = ""
    person.email = former_member_email(person.pk)
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    # A new password hash also ends every other signed-in session of the person.
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()


def register() -> None:
    register_export_section(
        "account",
        _account,
        title="Your account",
        covers=("account.EmailAddress", "mfa.Authenticator"),
    )
    register_export_section(
        "profile",
        _profile,
        title="Your profile",
        covers=("accounts.Profile",),
        readable=_readable_profile,
    )
    register_export_section(
        "matching_preferences",
        _matching_preferences,
        title="Your private matching preferences",
        covers=("accounts.MatchingPreferences",),
        readable=_readable_preferences,
    )
    register_erasure_step(
        "accounts", _erase, stage="erase", covers=("accounts.MatchingPreferences",)
    )
    register_erasure_step(
        "accounts",
        _anonymise,
        stage="anonymise",
        covers=(
            "accounts.Profile",
            "account.EmailAddress",
            "mfa.Authenticator",
            "usersessions.UserSession",
        ),
    )
    register_kept(
        "admin.LogEntry",
        because="the record of changes staff made in the admin; the person who made "
        "them is shown as the anonymised account",
    )
