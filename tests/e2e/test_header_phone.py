"""On phones the header keeps the brand, the support button, the bell and the menu on one
line (a wrapped menu button looks broken and pushes the page down)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 390])
def test_the_header_fits_one_line_on_a_phone(new_page, screenshot, mentee, width):
    page = new_page({"width": width, "height": 640})
    login(page, mentee.email, PASSWORD)
    page.goto("/notifications/")
    brand = page.locator(".navbar-brand").bounding_box()
    for selector in (".btn-struggling.d-xl-none", ".nav-bell", ".navbar-toggler"):
        box = page.locator(selector).first.bounding_box()
        assert box["y"] < brand["y"] + brand["height"], f"{selector} wrapped at {width}px"
    # The brand keeps its name for screen readers even when only its icon shows.
    expect(page.get_by_role("link", name="Mentoring", exact=True)).to_be_visible()
    screenshot(page, f"header-phone-{width}")
