"""A mentee books a time from the mentor's availability; after the meeting the mentor
marks it held and writes a GROW note; the mentee reads its shared part only, and the
coordinator sees that the meeting happened but none of its text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from sessions.models import ActionItem, AvailabilityWindow, Meeting, SessionNote
from tests.e2e.conftest import PHONE, assert_no_sideways_scroll, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "We set a goal for the fellowship application"
PRIVATE = "Seemed tired; check in about the rota"
GOAL = "Apply for the fellowship this year"
ACTIONS = ("Email the fellowship lead", "Share the leadership course link")


def _setup(programme, mentor, mentee) -> Mentorship:
    mentorship = Mentorship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Mentorship.Status.ACTIVE,
        origin=Mentorship.Origin.REQUEST,
        started_on=timezone.localdate() - dt.timedelta(days=30),
    )
    # Two weekly windows, starting tomorrow and the day after (London time).
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for offset, start, end in ((0, dt.time(10), dt.time(12)), (1, dt.time(17), dt.time(19))):
        AvailabilityWindow.objects.create(
            mentor=mentor,
            weekday=(tomorrow.weekday() + offset) % 7,
            start_time=start,
            end_time=end,
            time_zone="Europe/London",
            modes=["video", "phone"],
        )
    return mentorship


def test_a_booked_meeting_is_held_noted_and_read_by_each_person_as_allowed(
    new_page, screenshot, programme, coordinator, mentor, mentee
):
    mentorship = _setup(programme, mentor, mentee)
    book_url = f"/mentorships/{mentorship.pk}/book/"

    # On a phone, the booking page fits the screen.
    phone = new_page(PHONE)
    login(phone, mentee.email, PASSWORD)
    phone.goto(book_url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Book a meeting")
    assert_no_sideways_scroll(phone)
    screenshot(phone, "meetings-book-phone")

    # The mentee books the first open time.
    page = new_page()
    login(page, mentee.email, PASSWORD)
    page.goto(book_url)
    screenshot(page, "meetings-book")
    page.get_by_role("radio").first.check()
    page.get_by_label("How would you like to meet?").select_option("video")
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator(".alert-success, [role=status]").first).to_be_visible()
    meeting = Meeting.objects.get(mentorship=mentorship)
    assert meeting.status == Meeting.Status.CONFIRMED
    assert meeting.starts_at > timezone.now()
    assert meeting.mentor_id == mentor.pk and meeting.mentee_id == mentee.pk

    # The header's Meetings link lists it.
    page.get_by_role("navigation").get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(meeting.starts_at.strftime("%-d %b")))
    ).not_to_have_count(0)
    screenshot(page, "meetings-list-mentee")

    # The meeting takes place: its time is now in the past.
    length = meeting.ends_at - meeting.starts_at
    starts = timezone.now() - dt.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + length)

    # The mentor marks it held and writes a GROW note.
    mentor_page = new_page()
    login(mentor_page, mentor.email, PASSWORD)
    mentor_page.goto(f"/meetings/{meeting.pk}/")
    mentor_page.get_by_role("button", name="Mark held").click()
    expect(mentor_page.locator(".alert-success, [role=status]").first).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    mentor_page.goto(f"/meetings/{meeting.pk}/note/")
    mentor_page.get_by_label("Framework for this note").select_option("grow")
    mentor_page.get_by_role("button", name="Use this framework").click()
    mentor_page.get_by_label("Goal", exact=True).fill(GOAL)
    mentor_page.get_by_label("Private notes").fill(PRIVATE)
    mentor_page.get_by_label("Shared summary").fill(SUMMARY)
    action_fields = mentor_page.get_by_label("Action point", exact=True)
    action_fields.nth(0).fill(ACTIONS[0])
    action_fields.nth(1).fill(ACTIONS[1])
    screenshot(mentor_page, "meetings-note-edit")
    mentor_page.get_by_role("button", name="Save the note").click()
    expect(mentor_page.locator(".alert-success, [role=status]").first).to_be_visible()

    note = SessionNote.objects.get(meeting=meeting)
    assert note.framework == "grow"
    assert note.sections == {"goal": GOAL}
    assert note.private_notes == PRIVATE
    assert sorted(ActionItem.objects.filter(meeting=meeting).values_list("text", flat=True)) == (
        sorted(ACTIONS)
    )

    # The mentee reads the shared part and the action points, never the private part.
    page.goto(f"/meetings/{meeting.pk}/note/")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    for text in ACTIONS:
        expect(page.get_by_text(text).first).to_be_visible()
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    expect(page.get_by_text(GOAL)).to_have_count(0)
    screenshot(page, "meetings-note-mentee")

    # The mentor's view of the mentorship lists the meeting.
    mentor_page.goto(f"/mentoring/mentorships/{mentorship.pk}/")
    expect(mentor_page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(mentor_page, "meetings-mentorship-mentor")

    # The coordinator sees the mentorship, but no note text at all.
    coordinator_page = new_page()
    login(coordinator_page, coordinator.email, PASSWORD)
    coordinator_page.goto(f"/mentoring/mentorships/{mentorship.pk}/")
    expect(coordinator_page.get_by_role("heading", level=1)).to_be_visible()
    body = coordinator_page.locator("body").inner_text()
    for secret in (SUMMARY, PRIVATE, GOAL, *ACTIONS):
        assert secret not in body
    screenshot(coordinator_page, "meetings-mentorship-coordinator")
    # Nor can the coordinator open the note.
    response = coordinator_page.goto(f"/meetings/{meeting.pk}/note/")
    assert response.status == 404
    assert SUMMARY not in response.text()
