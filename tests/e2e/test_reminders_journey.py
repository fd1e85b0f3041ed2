"""A mentee's meeting reminder arrives by email and under the bell; they open it, land on
the meeting, choose a weekly digest for such reminders, and a colleague's copy of another
email's one-click link stops those emails without signing in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.notifications import preferences, services
from mentoring.notifications.models import Notification
from sessions.services.reminders import meeting_reminders_schedule
from tests.e2e.conftest import PHONE, assert_no_sideways_scroll, login
from tests.factories import PASSWORD
from tests.sessions.booking_setup import make_mentorship, meeting_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _deliver_due(kind: str) -> None:
    """Deliver the waiting rows of `kind` at their due time, past any quiet hours."""
    for _ in range(3):
        waiting = Notification.objects.filter(kind=kind, status="pending").order_by("due_at")
        if not waiting:
            return
        now = max(waiting[0].due_at, timezone.now())

        def deliver(pk, token, now=now):
            services.notification_deliver(notification_id=pk, token=token, now=now)

        services.notifications_dispatch(now=now, kinds=[kind], enqueue=deliver)


def test_a_reminder_reaches_the_bell_and_the_person_chooses_how_to_get_them(
    new_page, screenshot, programme, mentor, mentee
):
    pair = make_mentorship(programme, mentor, mentee)
    meeting = meeting_at(pair, timezone.now() + dt.timedelta(days=2))
    meeting_reminders_schedule(meeting=meeting)
    Notification.objects.filter(kind="meeting_upcoming", occurrence__startswith="1h").delete()
    _deliver_due("meeting_upcoming")
    to_mentee = [m for m in mail.outbox if m.to == [mentee.email]]
    assert len(to_mentee) == 1
    unsubscribe_url = to_mentee[0].extra_headers["List-Unsubscribe"].strip("<>")

    page = new_page()
    login(page, mentee.email, PASSWORD)
    bell = page.get_by_role("link", name=re.compile("Notifications"))
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notifications")
    screenshot(page, "notifications-list")
    page.get_by_role("link", name=re.compile("Dr Maya Mentor")).first.click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    expect(page.get_by_role("link", name=re.compile("Notifications"))).not_to_contain_text("1")

    # Upcoming-meeting reminders: once a week instead.
    page.goto("/notifications/settings/")
    screenshot(page, "notifications-settings")
    group = page.get_by_role("group", name="Reminders of upcoming meetings")
    group.get_by_label("In a weekly digest email").check()
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("saved")
    assert preferences.preference_for(mentee.pk, "meeting_upcoming") == "digest"

    # The email's one-click link works signed out, and asks before changing anything.
    other = new_page(PHONE)
    other.goto(unsubscribe_url.replace("http://127.0.0.1:8000", ""))
    expect(other.get_by_role("heading", level=1)).to_contain_text("Stop these emails?")
    screenshot(other, "notifications-unsubscribe-phone")
    assert preferences.preference_for(mentee.pk, "meeting_upcoming") == "digest"
    other.get_by_role("button", name="Stop these emails").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Done")
    assert preferences.preference_for(mentee.pk, "meeting_upcoming") == "off"

    # On a phone the list fits the screen.
    phone = new_page(PHONE)
    login(phone, mentee.email, PASSWORD)
    phone.goto("/notifications/")
    assert_no_sideways_scroll(phone)
    screenshot(phone, "notifications-list-phone")
