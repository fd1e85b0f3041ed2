from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpResponse
from django.urls import reverse

from programmes.access import coordinator_required
from tests.accounts.conftest import html_part
from tests.accounts.mfa import record_sign_in, sign_in_with_mfa
from tests.factories import PASSWORD


@coordinator_required
def coordinator_probe(request, programme):
    return HttpResponse(f"Managing {programme.name}")


pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls_mfa")]


def _probe(programme) -> str:
    return reverse("mfa_probe", kwargs={"slug": programme.slug})


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# Not tests.support.pages.sign_in: this posts the real sign-in form, whose answer (and
# the two-factor step after it) is what these tests check.
def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _confirm_password(client):
    """Changing two-factor settings asks for the password again, even just after sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def mfa_programme(programme):
    programme.coordinators_require_mfa = True
    programme.save(update_fields=["coordinators_require_mfa"])
    return programme


def test_a_coordinator_without_totp_is_sent_to_set_it_up_and_come_back(
    client, mfa_programme, coordinator
):
    client.force_login(coordinator)

    response = client.get(_probe(mfa_programme))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("mfa_activate_totp")
    assert parse_qs(location.query)["next"] == [_probe(mfa_programme)]
    [message] = get_messages(response.wsgi_request)
    assert "two-factor authentication" in str(message)
    assert mfa_programme.name in str(message)


def test_a_coordinator_who_passed_totp_this_session_reaches_the_page(
    client, mfa_programme, coordinator
):
    _with_totp(coordinator)
    sign_in_with_mfa(client, coordinator)

    response = client.get(_probe(mfa_programme))

    assert response.status_code == 200
    assert response.content.decode() == f"Managing {mfa_programme.name}"


@pytest.mark.parametrize("methods", [(), ("password",), ("password_reset",)])
def test_a_coordinator_with_totp_set_up_but_not_used_this_session_is_asked_for_a_code(
    client, mfa_programme, coordinator, methods
):
    secret = _with_totp(coordinator)
    client.force_login(coordinator)
    record_sign_in(client, coordinator, *methods)

    response = client.get(_probe(mfa_programme))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("mfa_reauthenticate")
    assert parse_qs(location.query)["next"] == [_probe(mfa_programme)]
    [message] = get_messages(response.wsgi_request)
    assert mfa_programme.name in str(message)
    # A code from the app lets them through, back to the page they asked for.
    response = client.post(response["Location"], {"code": _code(secret)})
    assert response.status_code == 302
    assert response["Location"] == _probe(mfa_programme)
    assert client.get(_probe(mfa_programme)).status_code == 200


def test_another_persons_mfa_records_do_not_count(client, mfa_programme, coordinator, mentor):
    _with_totp(coordinator)
    client.force_login(coordinator)
    record_sign_in(client, mentor, "password", "mfa")

    response = client.get(_probe(mfa_programme))

    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_signing_in_with_password_and_code_lets_the_coordinator_through(
    client, mfa_programme, coordinator
):
    secret = _with_totp(coordinator)
    _sign_in(client, coordinator)
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})

    assert client.get(_probe(mfa_programme)).status_code == 200


def test_a_programme_without_the_requirement_lets_its_coordinator_through(
    client, programme, coordinator
):
    assert not programme.coordinators_require_mfa
    client.force_login(coordinator)
    assert client.get(_probe(programme)).status_code == 200


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "outsider"])
def test_people_who_do_not_coordinate_the_programme_get_404(
    client, request, mfa_programme, coordinator, who
):
    person = request.getfixturevalue(who)
    _with_totp(person)
    client.force_login(person)
    assert client.get(_probe(mfa_programme)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, mfa_programme):
    response = client.get(_probe(mfa_programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_setting_up_totp_shows_recovery_codes_then_returns_to_the_coordinator_page(
    client, mfa_programme, coordinator, django_capture_on_commit_callbacks
):
    _sign_in(client, coordinator)
    activate_url = client.get(_probe(mfa_programme))["Location"]
    # First they confirm their password, and come back to the set-up page.
    reauthenticate = client.get(activate_url)
    assert reauthenticate["Location"].startswith(reverse("account_reauthenticate"))
    confirm_page = client.get(reauthenticate["Location"]).content.decode()
    assert "Confirm it is you" in confirm_page
    next_field = parse_qs(urlsplit(reauthenticate["Location"]).query)["next"][0]
    assert next_field == activate_url
    response = client.post(reauthenticate["Location"], {"password": PASSWORD, "next": next_field})
    assert response["Location"] == activate_url

    page = client.get(activate_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Set up an authenticator app" in body
    assert "data:image/svg+xml;base64," in body
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in body  # the key to type in by hand
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(activate_url, {"code": _code(secret)})
    # allauth sends the notice on commit, still inside the request; the test's outer
    # transaction delays the commit until after it, so replay it in the request's context.
    with allauth_context.request_context(response.wsgi_request):
        for callback in callbacks:
            callback()

    assert response.status_code == 302
    codes_url = urlsplit(response["Location"])
    assert codes_url.path == reverse("mfa_view_recovery_codes")
    assert parse_qs(codes_url.query)["next"] == [_probe(mfa_programme)]
    codes_page = client.get(response["Location"]).content.decode()
    assert "Recovery codes" in codes_page
    assert f'href="{_probe(mfa_programme)}"' in codes_page
    assert client.get(_probe(mfa_programme)).status_code == 200

    [notice] = mail.outbox
    assert "Two-factor authentication is on" in notice.subject
    assert notice.to == [coordinator.email]
    assert "authenticator app is now on" in notice.body
    assert "authenticator app is now on" in html_part(notice)


def test_a_wrong_code_does_not_turn_totp_on(client, coordinator):
    _sign_in(client, coordinator)
    _confirm_password(client)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=coordinator).exists()


def test_setup_ignores_a_next_address_outside_the_site(client, coordinator):
    _sign_in(client, coordinator)
    _confirm_password(client)
    url = f"{reverse('mfa_activate_totp')}?next=https://evil.example/"
    client.get(url)

    response = client.post(url, {"code": _code(client.session[SECRET_SESSION_KEY])})

    assert response["Location"] == reverse("mfa_view_recovery_codes")


def test_the_totp_secret_is_stored_encrypted(client, coordinator):
    _sign_in(client, coordinator)
    _confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})

    stored = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    assert stored.data["secret"] != secret
    assert secret not in stored.data["secret"]
    assert stored.wrap().validate_code(_code(secret))


def test_signing_in_with_totp_on_asks_for_a_code(client, coordinator):
    secret = _with_totp(coordinator)

    response = _sign_in(client, coordinator)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Enter your sign-in code" in page
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_two_factor_pages_render_in_the_site_layout(client, coordinator):
    _sign_in(client, coordinator)
    _confirm_password(client)
    index = client.get(reverse("mfa_index")).content.decode()
    assert "Set up an authenticator app" in index
    assert 'aria-label="Your account"' in index
    client.get(reverse("mfa_activate_totp"))
    client.post(reverse("mfa_activate_totp"), {"code": _code(client.session[SECRET_SESSION_KEY])})

    for name, text in [
        ("mfa_index", "Turn off"),
        ("mfa_view_recovery_codes", "Download codes"),
        ("mfa_generate_recovery_codes", "Create new codes"),
        ("mfa_deactivate_totp", "Turn off the authenticator app"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert text in body, name
        assert "css/site.css" in body and 'class="site-header"' in body, name
