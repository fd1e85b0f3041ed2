"""Meetings and mentorships made before reminders existed get them from the backfill."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from matching.models import Mentorship
from mentoring.notifications.models import Notification
from sessions.models import Meeting


def test_the_backfill_writes_rows_once(programme, mentor, mentee, capsys):
    pair = Mentorship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Mentorship.Status.ACTIVE,
        origin=Mentorship.Origin.REQUEST,
        started_on=timezone.localdate(),
        planned_end_on=timezone.localdate() + dt.timedelta(days=365),
    )
    start = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.create(
        mentorship=pair,
        mentor=mentor,
        mentee=mentee,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        status=Meeting.Status.CONFIRMED,
        mode="video",
    )
    assert not Notification.objects.exists()
    call_command("reminders_backfill")
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"meeting_upcoming", "mentorship_midpoint", "mentorship_quiet"} <= kinds
    count = Notification.objects.count()
    call_command("reminders_backfill")
    assert Notification.objects.count() == count
    assert "1 mentorship" in capsys.readouterr().out
