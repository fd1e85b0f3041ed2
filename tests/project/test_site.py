from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_support_page_lists_urgent_contacts_without_signing_in(client):
    response = client.get(reverse("support"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "999" in body and "116 123" in body and "0330 123 1245" in body


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_unknown_page_is_a_friendly_404(client, outsider):
    client.force_login(outsider)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert reverse("programmes:list") in body


def test_the_500_page_renders_without_a_request_or_database():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Something went wrong on our side" in body
    assert "116 123" in body


def test_the_403_page_offers_a_way_on(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("programmes:create"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not available to you" in body
    assert reverse("home") in body


def test_every_signed_in_page_offers_the_struggling_link(client, mentee):
    client.force_login(mentee)
    for name in ("home", "programmes:list", "accounts:profile"):
        body = client.get(reverse(name)).content.decode()
        assert body.count(f'href="{reverse("support")}"') >= 2, name
        assert "I&#x27;m struggling right now" in body or "I'm struggling right now" in body
