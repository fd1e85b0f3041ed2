"""Meetings' part of the coordinators' weekly digest: pairs that have gone quiet.

A pair is quiet when its mentorship is active (a paused one is exempt until its pause
ends) and no meeting has been held or booked for three times the programme's expected
interval between meetings. The coordinator sees the two names and the date they last
met (or started): never an agenda, a note or why they have not met.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse

from matching.models import Mentorship
from programmes.models import Programme
from programmes.reminders import (
    DigestLine,
    DigestSection,
    digest_section,
    local_date,
    meeting_interval,
)
from programmes.signals import coordinator_digest_sections

from ..models import Meeting

QUIET_AFTER_INTERVALS = 3
# A meeting that shows the pair is still in touch: held, booked, or proposed for later.
IN_TOUCH = (Meeting.Status.HELD, Meeting.Status.CONFIRMED, Meeting.Status.PROPOSED)
MET = (Meeting.Status.HELD, Meeting.Status.CONFIRMED)


def quiet_mentorships(*, programme: Programme, now: dt.datetime):
    """Active mentorships with no meeting held or booked since the quiet cut-off.

    A pair counts from the later of its start and the end of its last pause, so a new
    or just-resumed pair is not called quiet. Annotated with `last_met`.
    """
    since = now - QUIET_AFTER_INTERVALS * meeting_interval(programme)
    recent = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status__in=IN_TOUCH, starts_at__gte=since
    )
    last_met = (
        Meeting.objects.filter(mentorship=OuterRef("pk"), status__in=MET, starts_at__lte=now)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    cut = since.date()
    return (
        Mentorship.objects.filter(programme=programme, status=Mentorship.Status.ACTIVE)
        .filter(Q(started_on__lte=cut) | Q(started_on__isnull=True, created_at__lte=since))
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=cut))
        .exclude(Exists(recent))
        .annotate(last_met=Subquery(last_met))
        .select_related("mentor", "mentee")
        .order_by(F("last_met").asc(nulls_first=True), "started_on", "pk")
    )


def _line(mentorship: Mentorship, recipient) -> DigestLine:
    names = f"{mentorship.mentor.full_name} and {mentorship.mentee.full_name}"
    url = reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk})
    if mentorship.last_met is not None:
        return DigestLine(names, local_date(mentorship.last_met, recipient), "last met", url)
    return DigestLine(names, mentorship.started_on, "started, not met yet", url)


def quiet_pairs_section(
    sender, *, programme: Programme, recipient, now: dt.datetime, **kwargs
) -> list[DigestSection]:
    """Answer the digest's signal: two queries whatever the programme's size."""
    weeks = QUIET_AFTER_INTERVALS * meeting_interval(programme).days // 7
    return [
        digest_section(
            title=f"Pairs with no meeting for about {weeks} weeks",
            rows=quiet_mentorships(programme=programme, now=now),
            line=lambda m: _line(m, recipient),
            url=reverse("programmes:manage", kwargs={"slug": programme.slug}),
            key="quiet-pairs",
        )
    ]


def register() -> None:
    coordinator_digest_sections.connect(
        quiet_pairs_section, sender=Programme, dispatch_uid="sessions-coordinator-digest"
    )
