"""The first journey: a new doctor signs up, applies as a mentee, is approved."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from programmes.models import Application, Membership
from tests.e2e.conftest import PHONE, assert_no_sideways_scroll, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _confirmation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def _sign_up(page, screenshot, email: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill("Dr Priya Shah")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name=re.compile("Sign up|Create account")).click()
    expect(page.get_by_role("heading", name=re.compile("Verify|Check", re.I))).to_be_visible()
    screenshot(page, "verification-sent")


def _apply_as_mentee(page, screenshot) -> None:
    page.goto("/programmes/yorkshire/")
    page.get_by_role("link", name=re.compile("Apply as a mentee")).click()
    page.get_by_label("Job role").select_option(label="Doctor in training")
    page.get_by_label("Grade").fill("ST5")
    page.get_by_label("Specialty").select_option(label="Paediatrics")
    page.get_by_label("Years in practice").select_option(label="6-10 years")
    page.get_by_label("Region").select_option(label="West Yorkshire")
    page.get_by_label("What would you like to work on?").fill(
        "Preparing for consultant interviews and leading a small team."
    )
    screenshot(page, "application-form")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("status").first).to_contain_text(re.compile("application", re.I))


def test_a_new_mentee_signs_up_applies_and_is_approved(
    new_page, screenshot, programme, coordinator
):
    email = "priya.shah@nhs.example"

    mentee_page = new_page()
    _sign_up(mentee_page, screenshot, email)
    mentee_page.goto(_confirmation_link(email))
    mentee_page.get_by_role("button", name="Confirm").click()
    expect(mentee_page.get_by_role("heading", level=1)).to_contain_text("Priya")

    _apply_as_mentee(mentee_page, screenshot)
    application = Application.objects.get(applicant__email=email)
    assert application.status == Application.Status.SUBMITTED

    coordinator_page = new_page()
    login(coordinator_page, coordinator.email, PASSWORD)
    coordinator_page.goto("/programmes/yorkshire/manage/applications/")
    screenshot(coordinator_page, "review-queue")
    coordinator_page.get_by_role("link", name="Dr Priya Shah").click()
    coordinator_page.get_by_label(re.compile("Message", re.I)).first.fill(
        "Welcome aboard: we will be in touch about matching."
    )
    screenshot(coordinator_page, "application-detail")
    coordinator_page.get_by_role("button", name=re.compile("Approve as mentee")).click()
    expect(coordinator_page.get_by_role("status").first).to_contain_text("is now a mentee")

    assert (
        Membership.objects.active()
        .filter(user__email=email, programme=programme, role=Membership.Role.MENTEE)
        .exists()
    )
    approval = next(m for m in reversed(mail.outbox) if email in m.to)
    assert "Welcome aboard" in approval.body
    assert approval.alternatives and "Welcome aboard" in approval.alternatives[0][0]

    mentee_page.goto("/")
    card = mentee_page.locator(".card", has_text=programme.name).first
    expect(card).to_contain_text("Mentee")
    expect(card).to_contain_text(re.compile("find a mentor|match", re.I))
    screenshot(mentee_page, "home-approved-mentee")


def test_the_journey_pages_fit_a_phone_screen(new_page, screenshot, programme, mentee):
    page = new_page(viewport=PHONE)
    login(page, mentee.email, PASSWORD)
    for name, url in [
        ("phone-home", "/"),
        ("phone-programme", "/programmes/yorkshire/"),
        ("phone-profile", "/profile/edit/"),
        ("phone-support", "/support/"),
    ]:
        page.goto(url)
        screenshot(page, name)
        assert_no_sideways_scroll(page)
