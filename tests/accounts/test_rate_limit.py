"""Sign-in throttling through allauth's sign-in form: who is paused, who is not, and how
the owner gets back in (README, "Sign-in throttling")."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
A, B = "203.0.113.10", "198.51.100.20"
NEW_PASSWORD = "another-long-passphrase"
PAUSED_HERE = "Too many unsuccessful sign-in attempts for this account from your network"
PAUSED_EVERYWHERE = "signing in with a password is paused: ask for a sign-in code"


@pytest.fixture
def maya(db):
    return UserFactory(email="maya@example.org", full_name="Dr Maya Mentor")


def _attempt(client, password, *, address=A, email="maya@example.org"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def _fail(client, *, address=A, email="maya@example.org", times=1):
    for _ in range(times):
        response = _attempt(client, "not-my-password", address=address, email=email)
        assert response.status_code == 200


def _signed_in(client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_five_failures_from_one_address_refuse_even_the_right_password_there(client, maya):
    _fail(client, times=5)

    response = _attempt(client, PASSWORD)

    assert not _signed_in(client, response)
    assert PAUSED_HERE in response.content.decode()
    assert "ask for a sign-in code by email" in response.content.decode()


def test_four_failed_attempts_still_allow_the_right_password(client, maya):
    _fail(client, times=4)

    assert _signed_in(client, _attempt(client, PASSWORD))


def test_the_owner_at_another_address_signs_in_while_the_first_is_paused(client, maya):
    _fail(client, address=A, times=5)

    assert _signed_in(client, _attempt(client, PASSWORD, address=B))


def test_other_accounts_behind_the_paused_address_sign_in(client, maya):
    sam = UserFactory(email="sam@example.org")
    _fail(client, address=A, times=5)

    assert _signed_in(client, _attempt(client, PASSWORD, address=A, email=sam.email))


def test_colleagues_mistyping_behind_one_address_pause_no_one_else(client, maya):
    # Twenty-five staff behind one NHS trust address, each mistyping four times.
    for n in range(25):
        _fail(client, address=A, email=f"colleague{n}@example.org", times=4)

    assert _signed_in(client, _attempt(client, PASSWORD, address=A))


def test_sign_in_works_again_once_the_address_pause_is_over(client, maya):
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        _fail(client, times=5)
        traveller.shift(16 * 60)

        assert _signed_in(client, _attempt(client, PASSWORD))


def test_many_failures_from_many_addresses_pause_the_account_everywhere(client, maya):
    for n in range(10):
        _fail(client, address=f"192.0.2.{n}", times=3)

    response = _attempt(client, PASSWORD, address=B)

    assert not _signed_in(client, response)
    assert PAUSED_EVERYWHERE in response.content.decode()
    sam = UserFactory(email="sam@example.org")
    assert _signed_in(client, _attempt(client, PASSWORD, address=B, email=sam.email))


def test_one_address_alone_cannot_pause_the_account_everywhere(client, maya):
    with time_machine.travel("2030-01-06 09:00 +0000", tick=False) as traveller:
        for _ in range(6):
            _fail(client, address=A, times=5)
            traveller.shift(15 * 60 + 1)

        assert _signed_in(client, _attempt(client, PASSWORD, address=B))


def _reset_password(client, *, address):
    client.post(reverse("account_reset_password"), {"email": "maya@example.org"})
    link = link_in(mail.outbox[-1], "/accounts/password/reset/key/")
    form_page = client.get(link, follow=True, REMOTE_ADDR=address)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302
    client.logout()


def test_a_password_reset_lifts_the_pause_on_the_account(client, maya):
    for n in range(10):
        _fail(client, address=f"192.0.2.{n}", times=3)
    assert not _signed_in(client, _attempt(client, PASSWORD, address=B))

    _reset_password(client, address=B)

    assert _signed_in(client, _attempt(client, NEW_PASSWORD, address=B))


def test_a_password_reset_from_the_shared_address_lifts_its_pause_too(client, maya):
    # Someone behind the same hospital address tried Maya's account five times.
    _fail(client, address=A, times=5)

    _reset_password(client, address=A)

    assert _signed_in(client, _attempt(client, NEW_PASSWORD, address=A))


def _sign_in_with_a_code(client, *, address):
    response = client.post(
        reverse("account_request_login_code"), {"email": "maya@example.org"}, REMOTE_ADDR=address
    )
    assert response.status_code == 302
    [code] = re.findall(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE)
    response = client.post(
        reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=address
    )
    assert _signed_in(client, response)


def test_the_paused_owner_signs_in_with_a_code_sent_by_email(client, maya):
    for n in range(10):
        _fail(client, address=f"192.0.2.{n}", times=3)

    _sign_in_with_a_code(client, address=B)


def test_signing_in_with_a_code_lifts_the_pause_on_passwords(client, maya):
    for n in range(10):
        _fail(client, address=f"192.0.2.{n}", times=3)
    _sign_in_with_a_code(client, address=B)
    client.logout()

    assert _signed_in(client, _attempt(client, PASSWORD, address=B))


def test_the_sign_in_page_offers_a_code_by_email(client):
    page = client.get(LOGIN).content.decode()

    assert reverse("account_request_login_code") in page


def test_a_flood_from_one_address_is_refused_above_a_high_ceiling(client, maya):
    # Far above a hospital's busiest minute; the per-account limits stay the real guard.
    statuses = [
        _attempt(client, "x", address=A, email=f"p{n}@example.org").status_code for n in range(121)
    ]

    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429
    assert _signed_in(client, _attempt(client, PASSWORD, address=B))


def test_asking_a_code_for_an_address_without_an_account_answers_the_same(client, maya):
    known = client.post(reverse("account_request_login_code"), {"email": maya.email})
    client.logout()
    unknown = client.post(reverse("account_request_login_code"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_behind_the_proxy_each_person_is_counted_at_their_own_address(client, settings, maya):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        client.post(
            LOGIN,
            {"login": maya.email, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=A,
        )

    response = client.post(
        LOGIN,
        {"login": maya.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=B,
    )

    assert _signed_in(client, response)
