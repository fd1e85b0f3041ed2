"""Both routes to a mentor, in the browser.

A mentee requests the mentor recommended first and that mentor accepts; on another
programme the coordinator runs matching, swaps a pair, publishes, and the two people
of the changed pair see their new mentorship. The main pages are photographed at
desktop width, and the directory and mentorship page on a phone, with no sideways
scroll.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import MatchingRun, Mentorship, ProposedPair
from programmes.models import Programme
from tests.e2e.conftest import PHONE, assert_no_sideways_scroll, login
from tests.factories import PASSWORD
from tests.matching.runs_setup import mentee_in, mentor_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _flash(page):
    return page.get_by_role("status").first


def test_a_mentee_requests_the_recommended_mentor_who_accepts(
    new_page, screenshot, programme, mentor, mentee
):
    # A second mentor who suits the mentee less well, so the ranking has a first place.
    mentor_in(
        programme,
        "omar.other@example.org",
        "Dr Omar Other",
        capacity=2,
        specialty="Dermatology",
        region="Lancashire",
        topics_offering=["Assessments/education"],
        meeting_modes=["in_person"],
    )

    phone = new_page(PHONE)
    login(phone, mentee.email, PASSWORD)
    phone.goto(f"/programmes/{programme.slug}/mentors/")
    expect(phone.get_by_role("heading", name="Find a mentor")).to_be_visible()
    assert_no_sideways_scroll(phone)
    screenshot(phone, "matching-directory-phone")

    page = new_page()
    login(page, mentee.email, PASSWORD)
    page.goto("/mentoring/")
    page.get_by_role("link", name=re.compile("^Find a mentor")).click()
    cards = page.locator("article.card")
    expect(cards).to_have_count(2)
    expect(cards.first.get_by_role("heading", level=2)).to_have_text(mentor.full_name)
    screenshot(page, "matching-directory")

    cards.first.get_by_role("link", name=re.compile("View profile and request")).click()
    expect(page.get_by_role("heading", name=mentor.full_name, level=1)).to_be_visible()
    screenshot(page, "matching-mentor-page")
    page.get_by_label("What would you like help with?").fill(
        "I am preparing for my first consultant interviews and would value your advice."
    )
    page.get_by_role("button", name="Send request").click()
    expect(_flash(page)).to_contain_text("Your request has been sent")

    mentor_page = new_page()
    login(mentor_page, mentor.email, PASSWORD)
    mentor_page.goto("/mentoring/")
    received = mentor_page.get_by_role("region", name="Requests to me")
    expect(received).to_contain_text(mentee.full_name)
    screenshot(mentor_page, "matching-my-mentoring-mentor")
    received.get_by_role("link", name=re.compile("Read and reply")).click()
    expect(mentor_page.get_by_text("first consultant interviews")).to_be_visible()
    mentor_page.locator("#accept-message").fill("Delighted to. Let us meet by video next week.")
    mentor_page.get_by_role("button", name="Accept and start mentoring").click()
    expect(_flash(mentor_page)).to_contain_text(f"You are now mentoring {mentee.full_name}")
    expect(mentor_page.get_by_role("heading", name=f"Mentoring {mentee.full_name}")).to_be_visible()
    screenshot(mentor_page, "matching-mentorship-mentor")

    mentor_page.goto("/mentoring/")
    expect(mentor_page.get_by_role("link", name=f"You mentor {mentee.full_name}")).to_be_visible()

    page.goto("/mentoring/")
    mine = page.get_by_role("link", name=f"{mentor.full_name} mentors you")
    expect(mine).to_be_visible()
    screenshot(page, "matching-my-mentoring-mentee")
    mine.click()
    expect(page.get_by_role("heading", name=f"Mentored by {mentor.full_name}")).to_be_visible()
    screenshot(page, "matching-mentorship")

    mentorship = Mentorship.objects.get(programme=programme)
    assert (mentorship.mentor, mentorship.mentee, mentorship.status) == (
        mentor,
        mentee,
        Mentorship.Status.ACTIVE,
    )
    phone.goto(f"/mentoring/mentorships/{mentorship.pk}/")
    expect(phone.get_by_role("heading", name=f"Mentored by {mentor.full_name}")).to_be_visible()
    assert_no_sideways_scroll(phone)
    screenshot(phone, "matching-mentorship-phone")


def _coordinator_matched_programme(programme: Programme):
    programme.matching_route = Programme.MatchingRoute.COORDINATOR
    programme.save(update_fields=["matching_route"])
    topics = ["Career development", "Workload", "Assessments/education"]
    specialties = ["Cardiology", "Paediatrics", "Anaesthetics"]
    people = []
    for n, (topic, specialty) in enumerate(zip(topics, specialties, strict=True), start=1):
        mentor = mentor_in(
            programme,
            f"nw.mentor{n}@example.org",
            f"Dr Mentor {specialty}",
            specialty=specialty,
            topics_offering=[topic],
        )
        mentee = mentee_in(
            programme,
            f"nw.mentee{n}@example.org",
            f"Dr Trainee {specialty}",
            specialty=specialty,
            topics_seeking=[topic],
            job_role="trainee",
            grade=f"ST{n + 2}",
        )
        people.append((mentor, mentee))
    return people


def test_a_coordinator_runs_matching_swaps_a_pair_and_publishes(
    new_page, screenshot, other_programme, other_coordinator
):
    _coordinator_matched_programme(other_programme)

    page = new_page()
    login(page, other_coordinator.email, PASSWORD)
    page.goto(f"/programmes/{other_programme.slug}/manage/")
    page.get_by_role("navigation", name=f"Manage {other_programme.name}").get_by_role(
        "link", name="Matching"
    ).click()
    expect(page.get_by_role("heading", name="Matching", level=1)).to_be_visible()
    screenshot(page, "matching-runs")
    page.get_by_role("button", name="Run matching").click()
    expect(_flash(page)).to_contain_text("Matching proposes 3 pairs")
    expect(page.get_by_role("heading", name="Matching proposal")).to_be_visible()
    screenshot(page, "matching-run-detail")

    run = MatchingRun.objects.get(programme=other_programme)
    pair = ProposedPair.objects.select_related("mentee", "mentor").filter(run=run).first()
    mentee, old_mentor = pair.mentee, pair.mentor
    page.get_by_role("link", name=f"Swap or change the mentor of {mentee}").click()
    expect(page.get_by_role("heading", name=f"Change {mentee}'s mentor")).to_be_visible()
    screenshot(page, "matching-pair-action")
    swap_with = page.get_by_label("Swap with")
    swap_with.select_option(index=1)
    page.get_by_role("button", name="Swap mentors").click()
    expect(_flash(page)).to_contain_text("Mentors swapped")
    pair.refresh_from_db()
    new_mentor = pair.mentor
    assert new_mentor != old_mentor and pair.locked

    page.get_by_role("link", name=re.compile("Publish")).click()
    expect(page.get_by_role("heading", name="Publish this proposal?")).to_be_visible()
    screenshot(page, "matching-run-publish")
    page.get_by_role("button", name="Publish 3 pairs").click()
    expect(_flash(page)).to_contain_text("Published: 3 mentorships started")
    screenshot(page, "matching-run-published")

    mentorship = Mentorship.objects.get(programme=other_programme, mentee=mentee)
    assert mentorship.mentor == new_mentor and mentorship.status == Mentorship.Status.ACTIVE

    mentee_page = new_page()
    login(mentee_page, mentee.email, PASSWORD)
    mentee_page.goto("/mentoring/")
    mentee_page.get_by_role("link", name=f"{new_mentor.full_name} mentors you").click()
    expect(
        mentee_page.get_by_role("heading", name=f"Mentored by {new_mentor.full_name}")
    ).to_be_visible()

    mentor_page = new_page()
    login(mentor_page, new_mentor.email, PASSWORD)
    mentor_page.goto("/mentoring/")
    expect(mentor_page.get_by_role("link", name=f"You mentor {mentee.full_name}")).to_be_visible()
    screenshot(mentor_page, "matching-my-mentoring-matched-mentor")
