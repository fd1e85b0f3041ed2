"""The weekly digest for coordinators: what needs their attention in a programme.

Programmes cannot import the apps above it, so it asks them: the digest sends the
`coordinator_digest_sections` signal and matching (unmatched mentees, mentorships
ending soon) and meetings (quiet pairs) answer with sections; programmes adds its own
(new applications this week). Every section is counts plus a few names and dates:
never anything confidential, and a fixed number of queries whatever the programme's
size.

Rows are written by a weekly sweep: one per coordinator of each open or running
programme, for the ISO week of the coming Monday, due at 08:00 in their time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications import registry, services
from mentoring.notifications.models import Notification

from .models import Application, Membership, Programme
from .signals import coordinator_digest_sections

KIND = "coordinator_digest"
# A digest lists this many names per section, then "and N more".
LIST_LIMIT = 10
LIVE_PROGRAMMES = (Programme.Status.OPEN, Programme.Status.RUNNING)
CHUNK = 200


def meeting_interval(programme: Programme) -> dt.timedelta:
    return programme.meeting_interval


# --- Sections ------------------------------------------------------------------------

# The coordinator digest reads in this order, whichever app contributes a section: news
# first, then who is waiting, then the pairs to check on, then what ends soon. A section
# names its place here by its key; one the list does not name goes last, by key.
DIGEST_SECTION_ORDER = (
    "new-applications",  # programmes
    "unmatched-mentees",  # matching
    "quiet-pairs",  # sessions
    "ending-soon",  # matching
)


@dataclass(frozen=True)
class DigestLine:
    """One name (or pair of names) and the date that matters for it."""

    text: str
    date: dt.date | None = None
    # How the date reads: "applied", "ends", "last met"...
    date_label: str = ""
    url: str = ""


@dataclass(frozen=True)
class DigestSection:
    title: str
    count: int
    lines: list[DigestLine] = field(default_factory=list)
    # The page where the coordinator acts on it (a path; the email makes it absolute).
    url: str = ""
    # Where the section goes: its name in DIGEST_SECTION_ORDER.
    key: str = ""

    @property
    def more(self) -> int:
        return max(self.count - len(self.lines), 0)


def digest_section(
    *,
    title: str,
    rows: QuerySet,
    line: Callable[[Model], DigestLine],
    url: str = "",
    key: str,
    limit: int = LIST_LIMIT,
) -> DigestSection:
    """A count and the first `limit` rows: two queries however many rows match.

    `rows` must be ordered and carry the `select_related` that `line` needs.
    """
    count = rows.count()
    shown = list(rows[:limit]) if count else []
    return DigestSection(title, count, [line(row) for row in shown], url, key)


def digest_section_position(section: DigestSection) -> tuple[int, str]:
    """Sort key: the section's place in DIGEST_SECTION_ORDER, unknown keys last."""
    if section.key in DIGEST_SECTION_ORDER:
        return DIGEST_SECTION_ORDER.index(section.key), section.key
    return len(DIGEST_SECTION_ORDER), section.key


def local_date(value: dt.datetime, user) -> dt.date:
    return value.astimezone(user.zone).date()


def _new_applications(programme: Programme, recipient, now: dt.datetime) -> DigestSection:
    rows = (
        Application.objects.filter(programme=programme, submitted_at__gt=now - dt.timedelta(days=7))
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("applicant")
        .order_by("submitted_at", "pk")
    )
    return digest_section(
        title="New applications this week",
        rows=rows,
        line=lambda a: DigestLine(
            f"{a.applicant.full_name} ({a.get_role_display().lower()})",
            local_date(a.submitted_at, recipient),
            "applied",
        ),
        url=reverse("programmes:review", kwargs={"slug": programme.slug}),
        key="new-applications",
    )


def digest_sections_for(
    *, programme: Programme, recipient, now: dt.datetime
) -> list[DigestSection]:
    """Programmes' own section and those the apps above answer with, in order."""
    sections = [_new_applications(programme, recipient, now)]
    for _receiver, answer in coordinator_digest_sections.send(
        sender=Programme, programme=programme, recipient=recipient, now=now
    ):
        sections.extend(answer or [])
    return sorted(sections, key=digest_section_position)


# --- The kind --------------------------------------------------------------------------


def _render(n: Notification) -> registry.Message | None:
    programme = Programme.objects.filter(
        pk=services.subject_pk(n), status__in=LIVE_PROGRAMMES
    ).first()
    if programme is None:
        return None  # closed (or back to draft) since the row was written
    still_coordinator = Membership.objects.active().filter(
        programme=programme, user_id=n.recipient_id, role=Membership.Role.COORDINATOR
    )
    if not still_coordinator.exists():
        return None
    sections = digest_sections_for(programme=programme, recipient=n.recipient, now=timezone.now())
    if not any(section.count for section in sections):
        return None  # nothing needs their attention this week: no email
    return registry.Message(
        template="coordinator_digest",
        context={"programme": programme, "sections": sections, "site_url": settings.SITE_URL},
        url=reverse("programmes:manage", kwargs={"slug": programme.slug}),
    )


COORDINATOR_DIGEST = registry.Kind(
    name=KIND,
    label="Weekly summary of each programme you coordinate",
    render=_render,
    optional=True,
    audience="coordinator",
    help_text=(
        "On Monday mornings: new applications, unmatched mentees, quiet pairs and "
        "mentorships ending soon. Names and dates only."
    ),
)


# --- The weekly sweep ------------------------------------------------------------------


def _live_programme_ids() -> Iterator[list[int]]:
    # Programmes are few; reading them by status is the whole scan.
    ids = list(
        Programme.objects.filter(status__in=LIVE_PROGRAMMES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _dues_for(programme_ids: list[int], now: dt.datetime) -> list[services.Due]:
    coordinators = (
        Membership.objects.active()
        .filter(
            programme_id__in=programme_ids,
            role=Membership.Role.COORDINATOR,
            user__is_active=True,
        )
        .select_related("user")
    )
    dues = []
    for membership in coordinators:
        due = services.next_monday_morning(membership.user, now, all_of_monday=True)
        dues.append(
            services.Due(
                KIND,
                f"programmes.programme:{membership.programme_id}",
                membership.user_id,
                due,
                services.iso_week(due, membership.user),
            )
        )
    return dues


def _not_yet_written(dues: list[services.Due]) -> list[services.Due]:
    """Leave out rows a previous run wrote (the unique key would too, but burn ids)."""
    if not dues:
        return []
    written = set(
        Notification.objects.filter(
            kind=KIND,
            subject_key__in={d.subject_key for d in dues},
            occurrence__in={d.occurrence for d in dues},
        ).values_list("subject_key", "recipient_id", "occurrence")
    )
    return [d for d in dues if (d.subject_key, d.recipient_id, d.occurrence) not in written]


def coordinator_digests_schedule(now: dt.datetime) -> int:
    """Write the coming Monday's digest row for each coordinator of each running programme.

    Safe to run twice, or twice at once: rows already there are left alone. Returns how
    many rows it offered.
    """
    offered = 0
    for programme_ids in _live_programme_ids():
        dues = _not_yet_written(_dues_for(programme_ids, now))
        offered += services.notifications_schedule(dues)
    return offered


COORDINATOR_DIGEST_SWEEP = registry.Sweep(
    name="coordinator_digest", kinds=(KIND,), run=coordinator_digests_schedule
)


def reminder_audiences(user) -> set[str]:
    """The roles whose reminders can reach this person (for the reminder settings page)."""
    roles = set(
        Membership.objects.filter(user=user, ended_at__isnull=True).values_list("role", flat=True)
    )
    return roles & {"mentor", "mentee", "coordinator"}


def register() -> None:
    registry.register_kind(COORDINATOR_DIGEST)
    registry.register_sweep(COORDINATOR_DIGEST_SWEEP)
    registry.register_audience_provider(reminder_audiences)
