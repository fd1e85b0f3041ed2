"""The idle timeout: signed out after a while without activity, sooner for coordinators
and welfare leads, on top of the session's absolute lifetime."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _after(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


# Not tests.support.pages.sign_in: this signs in through the real sign-in form (and checks
# its answer), the way a browser starts the session these tests let go idle.
def _sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _page(client):
    return client.get(reverse("accounts:profile"))


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as t:
        yield t


@pytest.fixture
def welfare_lead(programme):
    from tests.factories import UserFactory

    user = UserFactory(email="welfare@example.org", full_name="Wendy Welfare")
    MembershipFactory(programme=programme, user=user, role=Membership.Role.WELFARE_LEAD)
    return user


def test_a_mentee_idle_for_longer_than_four_hours_is_signed_out_with_a_message(
    client, mentee, traveller
):
    _sign_in(client, mentee)
    traveller.move_to(_after(4 * 60 + 1))

    response = _page(client)

    assert _is_sign_in_redirect(response)
    assert "next=/profile/" in response["Location"]
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the site for 240 minutes" in page


def test_a_mentee_who_keeps_using_the_site_stays_signed_in(client, mentee, traveller):
    _sign_in(client, mentee)
    for hour in range(1, 6):
        traveller.move_to(_after(hour * 60 - 5))
        assert _page(client).status_code == 200
    assert "_auth_user_id" in client.session


def test_a_coordinator_is_signed_out_after_thirty_idle_minutes(client, coordinator, traveller):
    _sign_in(client, coordinator)
    traveller.move_to(_after(29))
    assert _page(client).status_code == 200

    traveller.move_to(_after(29 + 31))
    response = _page(client)

    assert _is_sign_in_redirect(response)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "You were signed out because you had not used the site for 30 minutes. "
        "Please sign in again."
    ]


def test_a_welfare_lead_gets_the_short_timeout_too(client, welfare_lead, traveller):
    _sign_in(client, welfare_lead)
    traveller.move_to(_after(31))

    assert _is_sign_in_redirect(_page(client))


def test_a_mentor_idle_for_an_hour_is_still_signed_in(client, mentor, traveller):
    _sign_in(client, mentor)
    traveller.move_to(_after(60))

    assert _page(client).status_code == 200


def test_an_ended_coordinator_role_no_longer_shortens_the_timeout(client, coordinator, traveller):
    Membership.objects.filter(user=coordinator).update(ended_at=timezone.now())
    _sign_in(client, coordinator)
    traveller.move_to(_after(60))

    assert _page(client).status_code == 200


def test_the_limits_come_from_settings(client, mentee, coordinator, settings, traveller):
    settings.IDLE_TIMEOUT_MINUTES = 10
    settings.IDLE_TIMEOUT_PRIVILEGED_MINUTES = 5
    _sign_in(client, mentee)
    traveller.move_to(_after(9))
    assert _page(client).status_code == 200
    traveller.move_to(_after(9 + 11))
    assert _is_sign_in_redirect(_page(client))

    _sign_in(client, coordinator)
    traveller.move_to(_after(9 + 11 + 6))
    assert _is_sign_in_redirect(_page(client))


def test_the_unread_count_the_page_loads_by_itself_is_not_activity(client, mentee, traveller):
    _sign_in(client, mentee)
    for minutes in (60, 120, 180, 239):
        traveller.move_to(_after(minutes))
        badge = client.get(reverse("notifications:unread"), headers={"HX-Request": "true"})
        assert badge.status_code == 200

    traveller.move_to(_after(4 * 60 + 1))

    assert _is_sign_in_redirect(_page(client))


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_sign_in(
    client, mentee, traveller
):
    _sign_in(client, mentee)
    traveller.move_to(_after(4 * 60 + 1))

    response = client.get(reverse("notifications:unread"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_a_post_after_the_timeout_changes_nothing(client, mentee, traveller):
    _sign_in(client, mentee)
    traveller.move_to(_after(4 * 60 + 1))

    response = client.post(
        reverse("accounts:preferences"), {"prefer_same_specialty": "on"}, follow=False
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_signing_in_again_restarts_the_idle_clock(client, coordinator, traveller):
    _sign_in(client, coordinator)
    traveller.move_to(_after(45))
    assert _is_sign_in_redirect(_page(client))

    _sign_in(client, coordinator)
    assert _page(client).status_code == 200
    traveller.move_to(_after(45 + 20))
    assert _page(client).status_code == 200


def test_the_absolute_lifetime_still_applies_to_an_active_person(
    client, mentee, settings, traveller
):
    settings.SESSION_COOKIE_AGE = 60 * 60
    _sign_in(client, mentee)
    for minutes in (20, 40, 59):
        traveller.move_to(_after(minutes))
        assert _page(client).status_code == 200

    traveller.move_to(_after(61))

    assert _is_sign_in_redirect(_page(client))


def test_a_session_from_before_the_timeout_existed_starts_its_clocks_at_its_next_request(
    client, coordinator, traveller
):
    from mentoring.accounts.middleware import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY

    _sign_in(client, coordinator)
    session = client.session
    del session[SIGNED_IN_AT_KEY], session[LAST_ACTIVITY_KEY]
    session.save()
    traveller.move_to(_after(120))

    assert _page(client).status_code == 200
    traveller.move_to(_after(120 + 31))
    assert _is_sign_in_redirect(_page(client))


def test_an_idle_sign_out_is_in_the_security_log(client, mentee, traveller, caplog):
    import logging

    logger = logging.getLogger("mentoring.security")
    logger.addHandler(caplog.handler)
    try:
        _sign_in(client, mentee)
        traveller.move_to(_after(4 * 60 + 1))
        _page(client)
    finally:
        logger.removeHandler(caplog.handler)

    lines = [r.getMessage() for r in caplog.records if r.name == "mentoring.security"]
    assert f"event=logout user_id={mentee.pk} ip=127.0.0.1 reason=idle" in lines
