"""The site runs under its Content-Security-Policy: pages work, and nothing is refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programmes.models import Invitation
from programmes.services.invitation_import import MAX_IMPORT_BYTES
from tests.e2e.conftest import login
from tests.factories import PASSWORD, ApplicationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_or_style_is_refused_and_fails_the_test(
    new_page, csp_violations, mentee
):
    page = new_page()
    login(page, mentee.email, PASSWORD)
    response = page.goto("/profile/")
    policy = response.header_value("content-security-policy")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<p style="color: red" id="styled">x</p>'
            + '<img src="x" onerror="window.ran = 1">';
          document.body.append(box);
          const script = document.createElement("script");
          script.textContent = "window.ran = 2";
          document.body.append(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    assert page.locator("#styled").evaluate("el => getComputedStyle(el).color") != "rgb(255, 0, 0)"
    refused = " ".join(csp_violations)
    assert "script-src" in refused and "style-src" in refused
    csp_violations.clear()  # seen: this test wanted them


def test_select_all_ticks_every_application_awaiting_review(
    new_page, screenshot, programme, coordinator
):
    for number in range(3):
        ApplicationFactory(
            programme=programme, applicant=UserFactory(full_name=f"Applicant {number}")
        )
    page = new_page()
    login(page, coordinator.email, PASSWORD)
    page.goto(reverse("programmes:review", kwargs={"slug": programme.slug}))
    page.locator("#select-all").check()
    boxes = page.locator(".application-check")
    expect(boxes).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()
    page.locator("#select-all").uncheck()
    expect(boxes.nth(0)).not_to_be_checked()
    screenshot(page, "csp-application-review")


def test_the_authenticator_set_up_page_shows_its_qr_code(new_page, screenshot, mentee):
    page = new_page()
    login(page, mentee.email, PASSWORD)
    page.goto("/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks to confirm it is you
    page.get_by_role("button", name="Confirm").click()
    qr = page.get_by_alt_text("QR code", exact=False)
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.evaluate("img => img.getBoundingClientRect().width") <= 14 * 16 + 1
    screenshot(page, "csp-totp-set-up")


def test_an_invitations_file_too_large_is_refused_in_the_browser_before_sending(
    new_page, programme, coordinator
):
    page = new_page()
    login(page, coordinator.email, PASSWORD)
    page.goto(reverse("programmes:invitation_upload", kwargs={"slug": programme.slug}))
    file_input = page.get_by_label("CSV file")
    big = b"email,role\n" + b"x" * (MAX_IMPORT_BYTES + 1)
    file_input.set_input_files(files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": big}])
    message = file_input.evaluate("input => input.validationMessage")
    assert message == "The file is larger than 2 MB. Split it into smaller files."
    page.get_by_role("button", name=re.compile("Upload|Check|Send", re.I)).click()
    assert file_input.evaluate("input => input.files.length") == 1  # still on the form
    assert not Invitation.objects.exists()
    small = b"email,role\nx@example.org,mentee\n"
    file_input.set_input_files(files=[{"name": "s.csv", "mimeType": "text/csv", "buffer": small}])
    assert file_input.evaluate("input => input.validationMessage") == ""
