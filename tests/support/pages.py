"""Helpers for tests that drive the site through Django's test client."""

from __future__ import annotations

from django.contrib.messages import get_messages

from tests.factories import PASSWORD


def sign_in(client, user):
    """Sign `user` in on `client` (whoever was signed in before is signed out first)."""
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def messages_of(response) -> list[str]:
    """The flash messages queued for the request that produced `response`."""
    return [str(m) for m in get_messages(response.wsgi_request)]
