"""Staff sign in to the admin through the site's sign-in: its throttle and second factor apply."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.accounts.mfa import with_totp
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
ADMIN_LOGIN = reverse("admin:login")
LOGIN = reverse("account_login")


@pytest.fixture
def staff(db):
    return UserFactory(
        email="admin@example.org", full_name="Ada Admin", is_staff=True, is_superuser=True
    )


def _code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _is_sign_in_page(response, next_url: str) -> bool:
    location = urlsplit(response["Location"])
    return location.path == LOGIN and parse_qs(location.query)["next"] == [next_url]


def test_the_admin_login_page_sends_people_to_the_site_sign_in(client):
    response = client.get(f"{ADMIN_LOGIN}?next={ADMIN}")

    assert response.status_code == 302
    assert _is_sign_in_page(response, ADMIN)


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client, staff):
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_staff_with_an_authenticator_cannot_reach_the_admin_without_a_code(client, staff):
    secret = with_totp(staff)

    response = client.post(LOGIN, {"login": staff.email, "password": PASSWORD, "next": ADMIN})

    assert response["Location"] == reverse("mfa_authenticate")
    admin_page = client.get(ADMIN)
    assert admin_page.status_code == 302
    assert urlsplit(admin_page["Location"]).path in (ADMIN_LOGIN, LOGIN)
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_failed_admin_sign_ins_meet_the_site_throttle(client, staff, settings):
    for _ in range(5):
        client.post(LOGIN, {"login": staff.email, "password": "a-guess", "next": ADMIN})

    response = client.post(LOGIN, {"login": staff.email, "password": PASSWORD, "next": ADMIN})

    # The sign-in form answers again, saying password sign-in is paused for now.
    assert response.status_code == 200
    assert "Too many unsuccessful sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_who_is_not_staff_is_refused(client):
    client.force_login(UserFactory(email="someone@example.org"))

    assert client.get(ADMIN_LOGIN).status_code == 403
