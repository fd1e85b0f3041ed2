"""A mentee's check-ins on a phone, sharing one with their mentor, and the coordinator's view."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from tests.e2e.conftest import PHONE, login
from tests.factories import PASSWORD
from wellbeing.instruments import WHO5

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _answer(page, label: str) -> None:
    for item in WHO5.items:
        page.get_by_role("group", name=re.compile(re.escape(item))).get_by_text(
            label, exact=True
        ).click()


def test_a_very_low_check_in_then_a_shared_one_seen_by_the_mentor_only(
    new_page, screenshot, programme, coordinator, mentor, mentee
):
    Mentorship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Mentorship.Status.ACTIVE,
        origin=Mentorship.Origin.REQUEST,
        started_on=timezone.localdate(),
    )

    phone = new_page(PHONE)
    login(phone, mentee.email, PASSWORD)
    phone.goto("/wellbeing/")
    phone.get_by_role("link", name="Check in now").click()
    _answer(phone, "Some of the time")
    screenshot(phone, "wellbeing-checkin-form-phone")
    phone.get_by_role("button", name="Save my check-in").click()

    urgent = phone.get_by_role("heading", name="If you need someone now")
    score = phone.get_by_role("heading", name="Your wellbeing score")
    expect(urgent).to_be_visible()
    assert urgent.bounding_box()["y"] < score.bounding_box()["y"]
    expect(phone.get_by_role("link", name=re.compile("Call 116 123"))).to_be_visible()
    screenshot(phone, "wellbeing-very-low-result-phone")

    phone.goto("/wellbeing/check-ins/new/")
    _answer(phone, "Less than half of the time")
    phone.get_by_label("What would help? (optional)").fill("A chat about rotas")
    phone.get_by_label("Share this check-in with my mentor").check()
    phone.get_by_role("button", name="Save my check-in").click()
    expect(phone.get_by_role("status").first).to_contain_text("shared it with your mentor")
    screenshot(phone, "wellbeing-home-phone")

    mentor_page = new_page()
    login(mentor_page, mentor.email, PASSWORD)
    mentor_page.goto("/wellbeing/check-ins/shared-with-me/")
    expect(mentor_page.get_by_text("A chat about rotas")).to_be_visible()
    expect(mentor_page.locator(".band-badge").first).to_have_text("Low")
    expect(mentor_page.get_by_text("out of 100")).to_have_count(0)
    screenshot(mentor_page, "wellbeing-shared-with-mentor")

    coordinator_page = new_page()
    login(coordinator_page, coordinator.email, PASSWORD)
    coordinator_page.goto(f"/wellbeing/programmes/{programme.slug}/manage/wellbeing/")
    expect(coordinator_page.get_by_role("heading", name="Check-in figures")).to_be_visible()
    expect(coordinator_page.get_by_text("fewer than 5 people checked in").first).to_be_visible()
    expect(coordinator_page.get_by_text("A chat about rotas")).to_have_count(0)
    screenshot(coordinator_page, "wellbeing-coordinator-figures")


def test_a_mentee_stops_sharing_a_check_in_and_shares_another_later(
    new_page, screenshot, programme, mentor, mentee
):
    from wellbeing.services.checkins import checkin_record

    Mentorship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Mentorship.Status.ACTIVE,
        origin=Mentorship.Origin.REQUEST,
        started_on=timezone.localdate(),
    )
    shared = checkin_record(
        user=mentee,
        programme=programme,
        answers=[2, 2, 2, 2, 2],
        what_would_help="Quokka rota chat",
        share_with_mentor=True,
    )
    private = checkin_record(
        user=mentee, programme=programme, answers=[4, 4, 3, 3, 3], what_would_help="Narwhal days"
    )

    mentor_page = new_page()
    login(mentor_page, mentor.email, PASSWORD)
    mentor_page.goto("/wellbeing/check-ins/shared-with-me/")
    mentor_page.get_by_role("link", name=mentee.full_name).click()
    expect(mentor_page.get_by_text("Quokka rota chat")).to_be_visible()

    phone = new_page(PHONE)
    login(phone, mentee.email, PASSWORD)
    phone.goto(f"/wellbeing/check-ins/{shared.pk}/")
    phone.get_by_role("button", name="Stop sharing with my mentor").click()
    expect(phone.get_by_role("status").first).to_contain_text("stopped sharing")
    expect(phone.get_by_role("button", name="Share with my mentor")).to_be_visible()
    screenshot(phone, "wellbeing-stopped-sharing-phone")

    response = mentor_page.reload()
    assert response.status == 404
    mentor_page.goto("/wellbeing/check-ins/shared-with-me/")
    expect(mentor_page.get_by_text("Quokka rota chat")).to_have_count(0)

    phone.goto(f"/wellbeing/check-ins/{private.pk}/")
    phone.get_by_role("button", name="Share with my mentor").click()
    expect(phone.get_by_role("status").first).to_contain_text("shared this check-in")
    mentor_page.reload()
    expect(mentor_page.get_by_text("Narwhal days")).to_be_visible()

    phone.goto("/wellbeing/access-log/")
    expect(phone.get_by_text("Stopped sharing your check-in with your mentor")).to_be_visible()
    expect(phone.get_by_text("Shared your check-in with your mentor")).to_be_visible()
