from __future__ import annotations

import socket

import pytest

from tests.support import reminders


@pytest.fixture
def test_kind():
    """The test-only reminder kind the worker processes also know (tests/support)."""
    reminders.register()
    yield reminders.KIND
    reminders.unregister()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings
