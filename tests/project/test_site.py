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
