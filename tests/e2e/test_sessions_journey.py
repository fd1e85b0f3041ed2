"""A mentor signed in on a laptop and a phone sees both, and signs the phone out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_signing_out_the_other_sessions_from_the_account_pages(new_page, screenshot, mentor):
    phone = new_page(PHONE)
    login(phone, mentor.email, PASSWORD)
    laptop = new_page()
    login(laptop, mentor.email, PASSWORD)

    laptop.goto("/profile/")
    laptop.get_by_role("link", name="Signed-in sessions").click()
    expect(laptop.get_by_role("heading", name="Signed-in sessions")).to_be_visible()
    expect(laptop.get_by_role("heading", name="2 sessions")).to_be_visible()
    expect(laptop.get_by_text("This browser")).to_have_count(1)
    screenshot(laptop, "sessions-list")

    laptop.get_by_role("button", name="Sign out of the other sessions").click()
    expect(laptop.get_by_text("Only this browser is still signed in")).to_be_visible()
    expect(laptop.get_by_text("You are signed in here only.")).to_be_visible()

    phone.goto("/profile/")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
