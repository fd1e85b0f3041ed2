from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from mentoring.accounts.models import User
from tests.accounts.conftest import html_part, link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _sign_up(client, email="Priya.Shah@Example.org"):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Dr Priya Shah",
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_signup_page_asks_for_full_name_email_and_password_but_no_username(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields)[:4] == ["full_name", "email", "password1", "password2"]
    assert "username" not in form.fields
    body = response.content.decode()
    assert "Create an account" in body
    assert "username" not in body.lower()
    assert 'href="/static/css/site.css"' in body


def test_signing_up_stores_the_full_name_and_a_lowercase_email(client):
    _sign_up(client)
    user = User.objects.get()
    assert user.full_name == "Dr Priya Shah"
    assert user.email == "priya.shah@example.org"


def test_signing_up_does_not_sign_in_until_the_email_is_confirmed(client):
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _is_signed_in(client)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    assert not EmailAddress.objects.get().verified


def test_signing_in_before_confirming_sends_the_confirmation_again_and_stays_out(client):
    _sign_up(client)
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"), {"login": "priya.shah@example.org", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _is_signed_in(client)


def test_the_confirmation_email_has_text_and_html_parts_with_the_link(client):
    _sign_up(client)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya.shah@example.org"]
    assert message.subject.startswith("[")
    assert "Confirm your email address" in message.subject
    link = link_in(message, "/accounts/confirm-email/")
    assert "Hello Priya," in message.body
    html = html_part(message)
    assert link in html
    assert "Confirm my email address" in html
    assert "Samaritans" in html  # the site's email layout


def test_following_the_confirmation_link_confirms_and_signs_in(client):
    _sign_up(client)
    link = link_in(mail.outbox[0], "/accounts/confirm-email/")

    page = client.get(link)
    assert page.status_code == 200
    assert "priya.shah@example.org" in page.content.decode()
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _is_signed_in(client)
    assert EmailAddress.objects.get().verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_an_invalid_confirmation_link_explains_what_to_do(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert response.status_code == 200
    assert "expired or has already been used" in response.content.decode()


def test_login_page_offers_remember_me_sign_up_and_password_reset(client):
    response = client.get(reverse("account_login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["login", "password", "remember"]
    assert 'type="email"' in body
    assert "Remember me on this device" in body
    assert reverse("account_signup") in body
    assert reverse("account_reset_password") in body
    assert "username" not in body.lower()


def test_a_verified_person_signs_in_with_their_email_in_any_case(client):
    user = UserFactory(email="maya@example.org")

    response = client.post(
        reverse("account_login"), {"login": "MAYA@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Welcome, {user.display_name}."
    ]


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="maya@example.org")

    response = client.post(
        reverse("account_login"), {"login": "maya@example.org", "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "The email address or password is not right." in response.content.decode()
    assert not _is_signed_in(client)


def test_remember_me_unticked_ends_the_session_with_the_browser(client):
    UserFactory(email="maya@example.org")
    client.post(reverse("account_login"), {"login": "maya@example.org", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()


def test_remember_me_ticked_keeps_the_session(client):
    UserFactory(email="maya@example.org")
    client.post(
        reverse("account_login"),
        {"login": "maya@example.org", "password": PASSWORD, "remember": "on"},
    )
    assert not client.session.get_expire_at_browser_close()


def test_logout_asks_for_confirmation_then_signs_out(client):
    user = UserFactory(email="maya@example.org")
    client.force_login(user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Are you sure you want to sign out?" in page.content.decode()
    assert _is_signed_in(client)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not _is_signed_in(client)
