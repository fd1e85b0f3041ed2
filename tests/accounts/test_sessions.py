"""Signed-in sessions: the list, ending the others, and ending them on account changes."""

from __future__ import annotations

import time

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import link_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LAPTOP = "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/605.1"
NEW_PASSWORD = "another-long-passphrase"


def _browser(user, user_agent: str) -> Client:
    """A browser in which `user` signed in with their password."""
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session


def _still_signed_in(browser: Client) -> bool:
    """The next page the browser asks for is served, not a sign-in redirect."""
    response = browser.get(reverse("accounts:profile"))
    return response.status_code == 200


def _confirm_password(browser: Client) -> None:
    response = browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_the_sessions_page_lists_each_signed_in_browser_and_marks_this_one(mentor):
    laptop = _browser(mentor, LAPTOP)
    _browser(mentor, PHONE)

    page = laptop.get(reverse("usersessions_list"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Signed-in sessions" in body
    assert "2 sessions" in body
    assert LAPTOP in body and PHONE in body
    assert "Firefox on Windows" in body and "Safari on iPhone" in body
    assert body.count("This browser") == 1
    assert "Sign out of the other sessions" in body
    # In the site layout, with the account navigation pointing at this page.
    assert 'aria-label="Your account"' in body
    assert f'href="{reverse("usersessions_list")}"' in body


def test_signing_out_the_other_sessions_keeps_this_one(mentor):
    laptop = _browser(mentor, LAPTOP)
    phone = _browser(mentor, PHONE)

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert _still_signed_in(laptop)
    assert not _still_signed_in(phone)
    assert list(UserSession.objects.filter(user=mentor).values_list("user_agent", flat=True)) == [
        LAPTOP
    ]
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "You are signed in here only." in page


def test_a_person_sees_only_their_own_sessions(mentor, outsider):
    _browser(mentor, PHONE)
    own = _browser(outsider, LAPTOP)

    body = own.get(reverse("usersessions_list")).content.decode()

    assert LAPTOP in body
    assert PHONE not in body
    assert "1 session" in body


def test_ending_other_sessions_leaves_other_people_signed_in(mentor, outsider):
    laptop = _browser(mentor, LAPTOP)
    theirs = _browser(outsider, PHONE)

    laptop.post(reverse("usersessions_list"))

    assert _still_signed_in(theirs)


def test_the_sessions_page_needs_a_signed_in_person(client):
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.post(reverse("usersessions_list"))
    assert not UserSession.objects.exists()


def test_a_stored_browser_name_is_shown_escaped(mentor):
    laptop = _browser(mentor, "<script>alert(1)</script>")

    body = laptop.get(reverse("usersessions_list")).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(mentor):
    laptop = _browser(mentor, LAPTOP)
    phone = _browser(mentor, PHONE)
    _confirm_password(laptop)

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _still_signed_in(laptop)
    assert not _still_signed_in(phone)
    assert UserSession.objects.filter(user=mentor).count() == 1


def test_confirming_a_new_email_address_ends_the_other_sessions(mentor):
    laptop = _browser(mentor, LAPTOP)
    phone = _browser(mentor, PHONE)
    _confirm_password(laptop)
    laptop.post(reverse("account_email"), {"action_add": "", "email": "maya.new@example.org"})
    # Adding an address changes nothing yet: the phone stays signed in until it is confirmed.
    assert _still_signed_in(phone)

    link = link_in(mail.outbox[-1], "/accounts/confirm-email/")
    laptop.post(link)

    mentor.refresh_from_db()
    assert mentor.email == "maya.new@example.org"
    assert _still_signed_in(laptop)
    assert not _still_signed_in(phone)


def test_turning_on_two_factor_ends_the_other_sessions(mentor, django_capture_on_commit_callbacks):
    laptop = _browser(mentor, LAPTOP)
    phone = _browser(mentor, PHONE)
    _confirm_password(laptop)
    laptop.get(reverse("mfa_activate_totp"))
    secret = laptop.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    with django_capture_on_commit_callbacks() as callbacks:
        response = laptop.post(reverse("mfa_activate_totp"), {"code": code})
    # allauth announces the new authenticator on commit, inside the request; the test's
    # transaction delays the commit until after it, so replay it in the request's context.
    with allauth_context.request_context(response.wsgi_request):
        for callback in callbacks:
            callback()

    assert response.status_code == 302
    assert _still_signed_in(laptop)
    assert not _still_signed_in(phone)


def test_a_failed_change_ends_no_session(mentor):
    laptop = _browser(mentor, LAPTOP)
    phone = _browser(mentor, PHONE)
    _confirm_password(laptop)

    laptop.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert _still_signed_in(phone)
    assert UserSession.objects.filter(user=mentor).count() == 2


def test_a_password_reset_ends_every_session(client, mentor):
    phone = _browser(mentor, PHONE)
    client.post(reverse("account_reset_password"), {"email": mentor.email})
    link = link_in(mail.outbox[-1], "/accounts/password/reset/key/")
    form = client.get(link, follow=True)

    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert not _still_signed_in(phone)
    assert not UserSession.objects.filter(user=mentor).exists()
