"""Calendar invitations (.ics) for meetings, and each person's private feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//Mentoring//Meetings//EN"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _address(user, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name or user.email)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("ACCEPTED")
    return address


def _event(meeting: Meeting, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@{settings.SITE_URL.split('//')[-1]}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add(
        "summary", f"Mentoring meeting: {meeting.mentor.full_name} and {meeting.mentee.full_name}"
    )
    event.add("organizer", _address(meeting.mentor))
    event.add("attendee", _address(meeting.mentor, "CHAIR"))
    event.add("attendee", _address(meeting.mentee, "REQ-PARTICIPANT"))
    url = settings.SITE_URL + reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    event.add("url", url)
    if meeting.mode == "video" and meeting.video_link:
        event.add("location", meeting.video_link)
    elif meeting.location:
        event.add("location", meeting.location)
    elif meeting.mode == "phone":
        event.add("location", "Phone call")
    if cancelled or meeting.status == Meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif meeting.status == Meeting.Status.PROPOSED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def meeting_invitation(meeting: Meeting) -> bytes:
    """METHOD:REQUEST for a new or changed meeting, METHOD:CANCEL for a cancelled one."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(meeting, cancelled=cancelled))
    return cal.to_ical()


def feed_calendar(meetings: Iterable[Meeting]) -> bytes:
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", "Mentoring meetings")
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return cal.to_ical()
