"""Sensitive account changes need a recent sign-in, so a stolen session cannot take over.

Email address, password, turning two-factor off and recovery codes ask for the
password (or a code) again when the last check is older than
ACCOUNT_REAUTHENTICATION_TIMEOUT. Closing the account asks for the password on its
own form (tests/wellbeing/test_erasure.py).
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.conftest import html_part, link_in
from tests.accounts.mfa import sign_in_with_mfa, with_totp
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL_URL = reverse("account_email")
REAUTH_URL = reverse("account_reauthenticate")
NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture
def maya(db):
    return UserFactory(email="maya@example.org", full_name="Dr Maya Mentor")


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _confirm_password(client, next_url: str = ""):
    data = {"password": PASSWORD, **({"next": next_url} if next_url else {})}
    return client.post(REAUTH_URL, data)


def _asks_to_reauthenticate(response, next_url: str) -> None:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == REAUTH_URL
    assert parse_qs(location.query)["next"] == [next_url]


def _addresses(user) -> list[tuple[str, bool, bool]]:
    return list(
        EmailAddress.objects.filter(user=user)
        .order_by("email")
        .values_list("email", "verified", "primary")
    )


# Email address


def test_adding_an_email_address_asks_for_the_password_first_and_changes_nothing(client, maya):
    client.force_login(maya)
    client.get(EMAIL_URL)  # allauth records the current address on the first visit
    before = _addresses(maya)

    response = client.post(EMAIL_URL, {"action_add": "", "email": "thief@example.net"})

    _asks_to_reauthenticate(response, EMAIL_URL)
    assert _addresses(maya) == before
    assert mail.outbox == []


def test_after_the_password_the_new_address_is_sent_its_confirmation(client, maya):
    client.force_login(maya)
    client.post(EMAIL_URL, {"action_add": "", "email": "maya.new@example.org"})

    # allauth keeps the interrupted request and carries it out once the password is right.
    response = _confirm_password(client, next_url=EMAIL_URL)

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=maya, email="maya.new@example.org").exists()
    [confirmation] = mail.outbox
    assert confirmation.to == ["maya.new@example.org"]


def test_a_wrong_password_does_not_let_the_change_through(client, maya):
    client.force_login(maya)
    client.post(EMAIL_URL, {"action_add": "", "email": "thief@example.net"})

    response = client.post(REAUTH_URL, {"password": "a-guess", "next": EMAIL_URL})

    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="thief@example.net").exists()
    assert mail.outbox == []


def test_removing_an_address_asks_for_the_password(client, maya):
    EmailAddress.objects.create(user=maya, email="maya.new@example.org", verified=False)
    client.force_login(maya)

    response = client.post(EMAIL_URL, {"action_remove": "", "email": "maya.new@example.org"})

    _asks_to_reauthenticate(response, EMAIL_URL)
    assert EmailAddress.objects.filter(email="maya.new@example.org").exists()


def test_a_recent_password_check_is_enough_until_it_is_too_old(client, maya, settings):
    client.force_login(maya)
    _confirm_password(client)

    added = client.post(EMAIL_URL, {"action_add": "", "email": "maya.new@example.org"})
    assert added["Location"] == EMAIL_URL

    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 5)
    with time_machine.travel(later):
        response = client.post(EMAIL_URL, {"action_add": "", "email": "maya.two@example.org"})
    _asks_to_reauthenticate(response, EMAIL_URL)
    assert not EmailAddress.objects.filter(email="maya.two@example.org").exists()


# Password


def test_setting_a_password_without_a_usable_one_asks_to_reauthenticate(client, maya):
    maya.set_unusable_password()
    maya.save()
    client.force_login(maya)
    url = reverse("account_set_password")

    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    maya.refresh_from_db()
    assert not maya.has_usable_password()


def test_changing_the_password_needs_the_current_one_even_in_a_live_session(client, maya):
    client.force_login(maya)
    _confirm_password(client)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "a-guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    maya.refresh_from_db()
    assert maya.check_password(PASSWORD)


# Two-factor authentication


@pytest.mark.parametrize(
    ("name", "data"),
    [("mfa_deactivate_totp", {}), ("mfa_generate_recovery_codes", {})],
)
def test_turning_two_factor_off_or_new_recovery_codes_ask_to_reauthenticate(
    client, maya, name, data
):
    with_totp(maya)
    sign_in_with_mfa(client, maya)  # a full sign-in is not a re-check
    before = list(Authenticator.objects.filter(user=maya).values_list("pk", "data"))

    response = client.post(reverse(name), data)

    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert list(Authenticator.objects.filter(user=maya).values_list("pk", "data")) == before


def test_after_a_code_the_authenticator_can_be_turned_off(client, maya):
    secret = with_totp(maya)
    sign_in_with_mfa(client, maya)
    url = reverse("mfa_deactivate_totp")
    client.post(url)

    client.post(reverse("mfa_reauthenticate"), {"code": _code(secret), "next": url})

    assert not Authenticator.objects.filter(user=maya, type=Authenticator.Type.TOTP).exists()


# The old address is told, and can undo


def _change_email(client, user, new_email: str):
    """The owner (or whoever holds the session and password) changes the address."""
    client.force_login(user)
    _confirm_password(client)
    client.post(EMAIL_URL, {"action_add": "", "email": new_email})
    [confirmation] = mail.outbox
    mail.outbox.clear()
    client.post(link_in(confirmation, "/accounts/confirm-email/"))
    user.refresh_from_db()


@pytest.fixture
def changed(client, maya):
    """maya@example.org changed to thief@example.net; returns the notice to the old address."""
    _change_email(client, maya, "thief@example.net")
    assert maya.email == "thief@example.net"
    [notice] = [m for m in mail.outbox if m.to == ["maya@example.org"]]
    mail.outbox.clear()
    return notice


def test_the_old_address_is_told_with_an_undo_link(changed, settings):
    assert "Your email address has changed" in changed.subject
    for part in (changed.body, html_part(changed)):
        assert "maya@example.org" in part and "thief@example.net" in part
        assert "/profile/email-change/undo/" in part
        assert f"within {settings.EMAIL_CHANGE_UNDO_DAYS} days" in part
    assert link_in(changed, "/profile/email-change/undo/").startswith("/profile/email-change/undo/")


def test_opening_the_undo_link_only_asks_to_confirm(client, maya, changed):
    page = client.get(link_in(changed, "/profile/email-change/undo/"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "maya@example.org" in html and "thief@example.net" in html
    assert "undo the change" in html
    maya.refresh_from_db()
    assert maya.email == "thief@example.net"


def test_undo_restores_the_old_address_and_signs_everyone_out(client, maya, changed):
    thief = client  # the session that made the change
    assert thief.get(reverse("accounts:profile")).status_code == 200
    owner = Client()

    response = owner.post(link_in(changed, "/profile/email-change/undo/"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password")
    maya.refresh_from_db()
    assert maya.email == "maya@example.org"
    assert _addresses(maya) == [("maya@example.org", True, True)]
    assert not maya.has_usable_password()
    signed_out = thief.get(reverse("accounts:profile"))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("account_login"))
    [notice] = mail.outbox
    assert notice.to == ["maya@example.org"]
    assert "put back" in notice.subject
    assert "/accounts/password/reset/" in notice.body
    assert "/accounts/password/reset/" in html_part(notice)


def test_the_owner_can_then_reset_the_password_and_sign_in(client, maya, changed):
    owner = Client()
    owner.post(link_in(changed, "/profile/email-change/undo/"))
    mail.outbox.clear()

    owner.post(reverse("account_reset_password"), {"email": "maya@example.org"})
    [reset] = mail.outbox
    assert reset.to == ["maya@example.org"]
    page = owner.get(link_in(reset, "/accounts/password/reset/key/"), follow=True)
    owner.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    maya.refresh_from_db()
    assert maya.check_password(NEW_PASSWORD)


def test_the_signed_in_person_using_the_link_is_signed_out_too(client, maya, changed):
    response = client.post(link_in(changed, "/profile/email-change/undo/"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_undo_link_works_once(client, maya, changed):
    url = link_in(changed, "/profile/email-change/undo/")
    client.post(url)
    maya.refresh_from_db()
    maya.set_password(NEW_PASSWORD)
    maya.save()
    mail.outbox.clear()

    again = client.post(url)

    assert again.status_code == 400
    assert "already" in again.content.decode()
    maya.refresh_from_db()
    assert maya.check_password(NEW_PASSWORD)
    assert mail.outbox == []


def test_an_expired_undo_link_changes_nothing(client, maya, changed, settings):
    url = link_in(changed, "/profile/email-change/undo/")
    later = timezone.now() + timedelta(days=settings.EMAIL_CHANGE_UNDO_DAYS, minutes=1)

    with time_machine.travel(later):
        response = client.post(url)

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    maya.refresh_from_db()
    assert maya.email == "thief@example.net"
    assert maya.has_usable_password()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_undo_link_changes_nothing(client, maya, changed, method):
    url = link_in(changed, "/profile/email-change/undo/")
    forged = url.replace("/undo/", "/undo/x")

    response = getattr(client, method)(forged)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    maya.refresh_from_db()
    assert maya.email == "thief@example.net"


def test_undo_refuses_an_old_address_now_used_by_another_account(client, maya, changed):
    UserFactory(email="maya@example.org", full_name="Someone Else")

    response = client.post(link_in(changed, "/profile/email-change/undo/"))

    assert response.status_code == 400
    assert "belongs to another account" in response.content.decode()
    maya.refresh_from_db()
    assert maya.email == "thief@example.net"
    assert maya.has_usable_password()


def test_undo_does_not_bring_back_the_address_of_a_closed_account(client, maya, changed):
    maya.is_active = False
    maya.email = "former-member@example.invalid"
    maya.save()

    response = client.post(link_in(changed, "/profile/email-change/undo/"))

    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not EmailAddress.objects.filter(email="maya@example.org").exists()
