"""Every allauth page renders inside the site's layout, with a page title and a lead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    ("account_login", [], "Sign in"),
    ("account_signup", [], "Create an account"),
    ("account_reset_password", [], "Reset your password"),
    ("account_reset_password_done", [], "Check your email"),
    ("account_email_verification_sent", [], "Check your email"),
    ("account_confirm_email", ["no-such-key"], "Confirm your email address"),
    ("account_reset_password_from_key", ["1-x", "bad-key"], "This link has expired"),
]
SIGNED_IN_PAGES = [
    ("account_logout", "Sign out"),
    ("account_email", "Email address"),
    ("account_change_password", "Change your password"),
    ("account_reauthenticate", "Confirm it is you"),
    ("mfa_index", "Two-factor authentication"),
    ("accounts:profile", "Your profile"),
    ("accounts:profile_edit", "Edit your profile"),
    ("accounts:preferences", "Private matching preferences"),
]


def _assert_in_site_layout(response, heading):
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="viewport"' in body
    assert "css/site.css" in body
    assert 'class="site-header"' in body and 'class="site-footer' in body
    assert 'class="page-title' in body and heading in body
    assert "<title>" in body


@pytest.mark.parametrize(("name", "args", "heading"), ANONYMOUS_PAGES)
def test_pages_before_signing_in_use_the_site_layout(client, name, args, heading):
    response = client.get(reverse(name, args=args), follow=True)
    _assert_in_site_layout(response, heading)
    assert 'class="auth-card"' in response.content.decode()


@pytest.mark.parametrize(("name", "heading"), SIGNED_IN_PAGES)
def test_account_pages_use_the_site_layout_with_the_account_menu(client, name, heading):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    _assert_in_site_layout(response, heading)
    body = response.content.decode()
    if name not in ("account_logout", "account_reauthenticate"):
        assert 'aria-label="Your account"' in body
        assert 'aria-current="page"' in body
