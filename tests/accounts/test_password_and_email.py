from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import html_part, link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture
def maya(db):
    return UserFactory(email="maya@example.org", full_name="Dr Maya Mentor")


# Not tests.support.pages.sign_in: this posts the real sign-in form with any address and
# password, and returns its answer, since a wrong password is what some tests check.
def _sign_in(client, email="maya@example.org", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_reset_sends_an_email_with_text_and_html_parts(client, maya):
    response = client.post(reverse("account_reset_password"), {"email": "maya@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maya@example.org"]
    assert "Reset your password" in message.subject
    assert "Hello Maya," in message.body
    link = link_in(message, "/accounts/password/reset/key/")
    html = html_part(message)
    assert link in html
    assert "Choose a new password" in html


def test_the_reset_link_sets_a_new_password_that_signs_in(client, maya):
    client.post(reverse("account_reset_password"), {"email": "maya@example.org"})
    link = link_in(mail.outbox[0], "/accounts/password/reset/key/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.check_password(NEW_PASSWORD)
    client.logout()
    assert _sign_in(client, password=NEW_PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_for_an_unknown_address_reveals_nothing_on_the_page(client, maya):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    page = client.get(response["Location"]).content.decode()
    assert "If an account uses that address" in page


def test_changing_the_password_needs_the_old_one_and_sends_a_notice(client, maya):
    client.force_login(maya)
    url = reverse("account_change_password")
    assert "Change your password" in client.get(url).content.decode()

    wrong = client.post(
        url, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    maya.refresh_from_db()
    assert maya.check_password(PASSWORD)

    response = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.check_password(NEW_PASSWORD)
    [notice] = mail.outbox
    assert "Your password has changed" in notice.subject
    assert "If you did not make this change" in notice.body
    assert "If you did not make this change" in html_part(notice)


def test_changing_the_email_takes_effect_once_the_new_address_is_confirmed(client, maya):
    client.force_login(maya)
    # Changing the address asks for the password again first (see test_reauthentication).
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert "Change your email address" in page.content.decode()

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "Maya.New@Example.org"}
    )
    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.email == "maya@example.org"  # unchanged until confirmed
    pending = client.get(reverse("account_email")).content.decode()
    assert "maya.new@example.org" in pending

    [confirmation] = mail.outbox
    mail.outbox.clear()
    assert confirmation.to == ["maya.new@example.org"]
    html_part(confirmation)
    link = link_in(confirmation, "/accounts/confirm-email/")
    client.post(link)

    maya.refresh_from_db()
    assert maya.email == "maya.new@example.org"
    assert list(EmailAddress.objects.filter(user=maya).values_list("email", flat=True)) == [
        "maya.new@example.org"
    ]


def test_account_pages_need_a_signed_in_person(client):
    for name in ("account_email", "account_change_password", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
