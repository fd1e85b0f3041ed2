"""Answers to signals sent by the layers below (programmes' home page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from programmes.models import Programme
from programmes.selectors import NextStep
from programmes.signals import member_next_steps

from .models import Meeting


def connect() -> None:
    """Called from MentoringSessionsConfig.ready()."""
    member_next_steps.connect(
        next_meeting_steps, sender=Programme, dispatch_uid="sessions-member-next-steps"
    )


def next_meeting_steps(sender, *, user, programme_ids, **kwargs) -> dict:
    """A mentee's next booked meeting replaces "you are mentored by": one query."""
    upcoming = (
        Meeting.objects.filter(
            mentee=user,
            status=Meeting.Status.CONFIRMED,
            starts_at__gt=timezone.now(),
            mentorship__programme_id__in=programme_ids,
        )
        .select_related("mentor", "mentorship")
        .order_by("starts_at")
    )
    steps: dict[tuple[int, str], NextStep] = {}
    for meeting in upcoming:
        key = (meeting.mentorship.programme_id, "mentee")
        if key in steps:
            continue
        local = meeting.starts_at.astimezone(user.zone)
        steps[key] = NextStep(
            f"Your next meeting with {meeting.mentor.full_name}: "
            f"{date_format(local, 'l j F')}, {local:%H:%M}.",
            reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}),
            "See the meeting",
            "calendar-event",
        )
    return steps
