"""The security log: sign-ins, sign-outs, failures, account changes and refused access,
each with the person's id and address, never what they typed or wrote."""

from __future__ import annotations

import logging
import time

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
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path, reverse

from mentoring.accounts.security_log import id_arguments
from tests.accounts.conftest import link_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase"


def refused_probe(request, pk: int):
    raise PermissionDenied


def allowed_probe(request, pk: int):
    return HttpResponse("fine")


# The site's URLs plus two stand-in pages, for the refused-access tests.
urlpatterns = [
    path("probe/<int:pk>/refused/", refused_probe, name="refused_probe"),
    path("probe/<int:pk>/allowed/", allowed_probe, name="allowed_probe"),
    path("", include("mentoring.urls")),
]


@pytest.fixture
def security_log(caplog):
    """The lines written to the `mentoring.security` logger, as dicts of key=value pairs."""
    logger = logging.getLogger("mentoring.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="mentoring.security")

    def lines(event: str | None = None) -> list[dict[str, str]]:
        parsed = [
            dict(pair.split("=", 1) for pair in record.getMessage().split(" "))
            for record in caplog.records
            if record.name == "mentoring.security"
        ]
        return [line for line in parsed if event is None or line["event"] == event]

    lines.text = lambda: "\n".join(
        r.getMessage() for r in caplog.records if r.name == "mentoring.security"
    )
    lines.records = lambda: [r for r in caplog.records if r.name == "mentoring.security"]
    yield lines
    logger.removeHandler(caplog.handler)


# Not tests.support.pages.sign_in: this posts the real sign-in form with any password,
# since the security log records the form's successes and failures.
def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _confirm_password(client):
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _replay_on_commit(callbacks, response):
    """allauth acts on commit inside the request; the test's transaction delays it."""
    with allauth_context.request_context(response.wsgi_request):
        for callback in callbacks:
            callback()


# --- Sign-in and sign-out ------------------------------------------------------------


def test_a_sign_in_is_logged_with_the_user_id_and_address(client, mentee, security_log):
    _sign_in(client, mentee.email)

    [line] = security_log("login")
    assert line == {"event": "login", "user_id": str(mentee.pk), "ip": "127.0.0.1"}
    assert mentee.email not in security_log.text()


def test_a_failed_sign_in_names_the_account_by_id_never_by_what_was_typed(
    client, mentee, security_log
):
    _sign_in(client, "Mentee@Example.org", password="hunter2-wrong")

    [line] = security_log("login_failed")
    assert line["user_id"] == str(mentee.pk)
    assert line["account"] == "known"
    assert line["ip"] == "127.0.0.1"
    text = security_log.text().lower()
    assert "mentee@example.org" not in text
    assert "hunter2" not in text
    [record] = [r for r in security_log.records() if "login_failed" in r.getMessage()]
    assert record.levelno == logging.WARNING


def test_a_failed_sign_in_for_an_unknown_address_logs_no_address(client, db, security_log):
    _sign_in(client, "nobody.typo@example.org", password="whatever-typed")

    [line] = security_log("login_failed")
    assert line["user_id"] == "-"
    assert line["account"] == "unknown"
    assert "nobody" not in security_log.text()
    assert "whatever" not in security_log.text()


def test_a_sign_in_refused_by_the_throttle_is_logged_without_the_address(
    client, mentee, security_log
):
    for _ in range(6):
        _sign_in(client, mentee.email, password="hunter2-wrong")

    [line] = security_log("login_paused")
    assert line["user_id"] == str(mentee.pk)
    assert line["scope"] and line["ip"] == "127.0.0.1"
    assert mentee.email not in security_log.text().lower()


def test_a_sign_out_is_logged(client, mentee, security_log):
    _sign_in(client, mentee.email)

    client.post(reverse("account_logout"))

    [line] = security_log("logout")
    assert line["user_id"] == str(mentee.pk)
    assert line["reason"] == "user"


def test_a_wrong_second_factor_code_is_logged(client, coordinator, security_log):
    TOTP.activate(coordinator, generate_totp_secret())
    _sign_in(client, coordinator.email)

    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    [line] = security_log("mfa_failed")
    assert line["user_id"] == str(coordinator.pk)
    assert line["authenticator"] == "totp"
    assert "000000" not in security_log.text()


# --- Account changes ---------------------------------------------------------------------


def test_turning_two_factor_on_and_off_and_new_recovery_codes_are_logged(
    client, coordinator, security_log, django_capture_on_commit_callbacks
):
    _sign_in(client, coordinator.email)
    _confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    _replay_on_commit(callbacks, response)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("mfa_generate_recovery_codes"))
    _replay_on_commit(callbacks, response)
    client.post(reverse("mfa_deactivate_totp"))

    added = {line["authenticator"] for line in security_log("mfa_added")}
    assert added == {"totp", "recovery_codes"}
    assert [line["authenticator"] for line in security_log("mfa_reset")] == ["recovery_codes"]
    assert "totp" in [line["authenticator"] for line in security_log("mfa_removed")]
    for event in ("mfa_added", "mfa_reset", "mfa_removed"):
        assert {line["user_id"] for line in security_log(event)} == {str(coordinator.pk)}
    assert secret not in security_log.text()
    assert not Authenticator.objects.filter(user=coordinator, type="totp").exists()


def test_a_password_change_is_logged_without_the_password(client, mentee, security_log):
    _sign_in(client, mentee.email)
    _confirm_password(client)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [line] = security_log("password_changed")
    assert line["user_id"] == str(mentee.pk)
    assert NEW_PASSWORD not in security_log.text()
    assert PASSWORD not in security_log.text()


def test_a_password_reset_is_logged(client, mentee, security_log):
    client.post(reverse("account_reset_password"), {"email": mentee.email})
    link = link_in(mail.outbox[-1], "/accounts/password/reset/key/")
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    [line] = security_log("password_reset")
    assert line["user_id"] == str(mentee.pk)
    assert mentee.email not in security_log.text()


def test_an_email_change_is_logged_by_address_id_never_the_address(client, mentee, security_log):
    _sign_in(client, mentee.email)
    _confirm_password(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "sam.new@example.org"})
    client.post(link_in(mail.outbox[-1], "/accounts/confirm-email/"))

    [added] = security_log("email_added")
    [changed] = security_log("email_changed")
    for line in (added, changed):
        assert line["user_id"] == str(mentee.pk)
        assert line["email_address_id"].isdigit()
    text = security_log.text()
    assert "sam.new" not in text and "example.org" not in text


# --- Refused access ------------------------------------------------------------------------


def test_a_404_on_someone_elses_record_is_logged_with_who_asked(client, outsider, security_log):
    client.force_login(outsider)

    response = client.get(reverse("wellbeing:checkin_result", kwargs={"pk": 987654}))

    assert response.status_code == 404
    [line] = security_log("access_refused")
    assert line == {
        "event": "access_refused",
        "user_id": str(outsider.pk),
        "ip": "127.0.0.1",
        "status": "404",
        "method": "GET",
        "view": "wellbeing:checkin_result",
        "arg_pk": "987654",
    }


@pytest.mark.urls("tests.accounts.test_security_log")
def test_a_403_on_a_record_is_logged(client, outsider, security_log):
    client.force_login(outsider)

    response = client.post(reverse("refused_probe", kwargs={"pk": 12}))

    assert response.status_code == 403
    [line] = security_log("access_refused")
    assert line["status"] == "403"
    assert line["method"] == "POST"
    assert line["arg_pk"] == "12"
    assert line["user_id"] == str(outsider.pk)


@pytest.mark.urls("tests.accounts.test_security_log")
def test_pages_that_answer_are_not_logged(client, outsider, security_log):
    client.force_login(outsider)

    assert client.get(reverse("allowed_probe", kwargs={"pk": 12})).status_code == 200

    assert security_log("access_refused") == []


def test_a_404_on_a_url_without_an_id_is_not_logged(client, outsider, security_log):
    client.force_login(outsider)

    assert client.get("/no-such-page/").status_code == 404

    assert security_log("access_refused") == []


def test_a_refused_token_is_logged_without_the_token(client, db, security_log):
    token = "Sup3rSecretFeedToken"

    response = client.get(reverse("meetings:calendar_feed", kwargs={"token": token}))

    assert response.status_code == 404
    [line] = security_log("access_refused")
    assert line["user_id"] == "-"
    assert line["arg_token"] == "[redacted]"
    assert token not in security_log.text()


def test_id_bearing_arguments_are_recognised_by_name():
    assert id_arguments(
        {"pk": 1, "meeting_pk": 2, "mentorship_id": 3, "uuid": "u", "key": "k", "slug": "s"}
    ) == {"pk": 1, "meeting_pk": 2, "mentorship_id": 3, "uuid": "u", "key": "[redacted]"}


def test_nothing_a_caller_passes_can_forge_a_key_or_a_line(client, db, security_log):
    from mentoring.accounts.security_log import security_event

    security_event("probe", note="x user_id=1\nevent=login")

    [line] = security_log("probe")
    assert line["user_id"] == "-"
    assert "\n" not in security_log.text()
    assert line["note"] == "x_user_id_1_event_login"


def test_the_security_logger_is_configured_in_settings(settings):
    logger_config = settings.LOGGING["loggers"]["mentoring.security"]
    assert logger_config["level"] == "INFO"
    assert logger_config["handlers"] == ["security"]


def test_an_email_change_by_another_person_does_not_log_their_address(client, mentee, security_log):
    other = UserFactory(email="someone.else@example.org")
    _sign_in(client, mentee.email)
    _confirm_password(client)

    client.post(reverse("account_email"), {"action_add": "", "email": other.email})

    assert "someone.else" not in security_log.text()
