"""A person makes a private calendar address, sees it once, subscribes with it, and
after losing it makes a new one; the old address stops working."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sessions.models import CalendarFeed
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_calendar_address_is_shown_once_and_can_be_replaced(new_page, mentee, screenshot):
    page = new_page()
    login(page, mentee.email, PASSWORD)
    page.goto("/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    address = page.get_by_label("Your private calendar address")
    expect(address).to_be_visible()
    first = address.input_value()
    assert first.endswith(".ics")
    screenshot(page, "calendar-feed-shown-once")
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get(user=mentee).token_hash == CalendarFeed.hash_token(token)

    page.reload()
    expect(page.get_by_label("Your private calendar address")).to_have_count(0)
    expect(page.get_by_text("It was shown only once")).to_be_visible()

    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_text("The old one no longer works")).to_be_visible()
    second = page.get_by_label("Your private calendar address").input_value()
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200
