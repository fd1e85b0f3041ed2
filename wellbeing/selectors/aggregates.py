"""Check-in figures for a programme's coordinators: counts and trends, never a person.

Also the programme's meeting ratings (mentees' "how did it go?", 1-5): an average and a
count, shown only once at least `SMALL_GROUP` mentees have rated.

Per month and role: how many check-ins, the response rate, the median WHO-5 score and
the share of people in each band. Small groups are suppressed by `suppress_counts`, a
pure function: any group of fewer than `SMALL_GROUP` people is shown as "fewer than 5",
and further cells (or the total) are hidden wherever what is shown would let a
suppressed count be worked out.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Avg, Count
from django.utils import timezone

from programmes.models import Membership, Programme
from sessions.models import MeetingFeedback

from ..instruments import WHO5, Band
from ..models import CheckIn

SMALL_GROUP = 5
MONTHS = 12
ROLES = (Membership.Role.MENTEE, Membership.Role.MENTOR)

SHOWN = "shown"
SMALL = "small"  # fewer than SMALL_GROUP people: shown as "fewer than 5"
HIDDEN = "hidden"  # not small itself, hidden so that a small one cannot be worked out


@dataclass(frozen=True)
class Suppression:
    cells: tuple[str, ...]  # SHOWN, SMALL or HIDDEN for each count
    total_shown: bool

    def shown(self, index: int) -> bool:
        return self.cells[index] == SHOWN


def _bounds(states, index, threshold, remainder) -> tuple[int, int]:
    """What someone who sees the shown cells and the total can deduce of a hidden cell."""

    def low(i):
        return 0 if states[i] == SMALL else threshold

    def high(i):
        return threshold - 1 if states[i] == SMALL else remainder

    others = [i for i, state in enumerate(states) if state != SHOWN and i != index]
    lowest = max(low(index), remainder - sum(high(i) for i in others))
    highest = min(high(index), remainder - sum(low(i) for i in others))
    return lowest, highest


def _any_worked_out(counts, states, threshold, total) -> bool:
    remainder = total - sum(c for c, s in zip(counts, states, strict=True) if s == SHOWN)
    for index, state in enumerate(states):
        if state != SHOWN:
            lowest, highest = _bounds(states, index, threshold, remainder)
            if lowest >= highest:
                return True
    return False


def suppress_counts(
    counts: Sequence[int], *, total: int | None = None, threshold: int = SMALL_GROUP
) -> Suppression:
    """Which of a group's counts (and its total) may be shown.

    `counts` split the group: they add up to `total` (their sum by default). Every
    count below `threshold`, zero included, is SMALL. While the shown counts and the
    total would pin down a hidden count exactly (one small cell, or several whose
    values are forced, such as two zeros), the smallest shown count is HIDDEN too;
    when none is left to hide, the total is not shown either. A group whose total is
    itself below `threshold` shows nothing.
    """
    counts = list(counts)
    total = sum(counts) if total is None else total
    if total < threshold:
        return Suppression(tuple(SMALL for _ in counts), total_shown=False)
    states = [SMALL if count < threshold else SHOWN for count in counts]
    while _any_worked_out(counts, states, threshold, total):
        shown = [(count, i) for i, count in enumerate(counts) if states[i] == SHOWN]
        if not shown:
            return Suppression(tuple(states), total_shown=False)
        states[min(shown)[1]] = HIDDEN
    return Suppression(tuple(states), total_shown=True)


# The figures ------------------------------------------------------------------------


@dataclass
class BandFigure:
    band: Band
    state: str
    count: int | None = None
    share: float | None = None  # 0-100


@dataclass
class MonthFigures:
    month: dt.date
    role: str
    members: int
    small: bool  # fewer than SMALL_GROUP people checked in: nothing else is shown
    checkins: int | None = None
    people: int | None = None
    response_rate: float | None = None  # 0-100
    median: float | None = None
    bands: list[BandFigure] = field(default_factory=list)


def _month_starts(programme: Programme, today: dt.date, months: int) -> list[dt.date]:
    first = today.replace(day=1)
    starts = [first - relativedelta(months=n) for n in range(months)]
    earliest = programme.starts_on.replace(day=1) if programme.starts_on else None
    return [m for m in starts if earliest is None or m >= earliest]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _members_by_month(programme, month_starts) -> dict[tuple[dt.date, str], int]:
    """Members in each role at any time during each month."""
    spans = list(
        Membership.objects.filter(programme=programme, role__in=ROLES).values_list(
            "role", "joined_at", "ended_at"
        )
    )
    counts: dict[tuple[dt.date, str], int] = defaultdict(int)
    for month in month_starts:
        start, end = _aware(month), _aware(month + relativedelta(months=1))
        for role, joined_at, ended_at in spans:
            if joined_at < end and (ended_at is None or ended_at >= start):
                counts[(month, role)] += 1
    return counts


def _latest_by_person(programme, since: dt.datetime) -> dict[tuple[dt.date, str], dict]:
    """Per month and role: the number of check-ins and each person's latest score."""
    rows = (
        CheckIn.objects.filter(programme=programme, created_at__gte=since, role__in=ROLES)
        .order_by("created_at", "pk")
        .values_list("pk", "user_id", "role", "score", "band", "created_at")
    )
    groups: dict[tuple[dt.date, str], dict] = defaultdict(lambda: {"checkins": 0, "people": {}})
    for pk, user_id, role, score, band, created_at in rows:
        month = timezone.localtime(created_at).date().replace(day=1)
        group = groups[(month, role)]
        group["checkins"] += 1
        # An erased account's check-ins keep counting, each as its own person.
        group["people"][user_id if user_id is not None else f"row-{pk}"] = (score, band)
    return groups


def _figures(month, role, members, group) -> MonthFigures:
    latest = list(group["people"].values()) if group else []
    by_band = [sum(1 for _, b in latest if b == band.code) for band in WHO5.bands]
    people = len(latest)
    figures = MonthFigures(month=month, role=role, members=members, small=people < SMALL_GROUP)
    if figures.small:
        return figures
    suppression = suppress_counts(by_band, total=people)
    if suppression.total_shown:
        # The number of check-ins is at least the number of people: it goes with the total.
        figures.checkins = group["checkins"]
        figures.people = people
        figures.response_rate = min(100.0, 100 * people / members) if members else None
    figures.median = statistics.median(score for score, _ in latest)
    for index, band in enumerate(WHO5.bands):
        shown = suppression.shown(index)
        figures.bands.append(
            BandFigure(
                band=band,
                state=suppression.cells[index],
                count=by_band[index] if shown else None,
                share=100 * by_band[index] / people if shown else None,
            )
        )
    return figures


def programme_aggregates(
    *, programme: Programme, today: dt.date | None = None, months: int = MONTHS
) -> dict[str, list[MonthFigures]]:
    """The last `months` months (newest first) for each role, in two queries."""
    today = today or timezone.localdate()
    month_starts = _month_starts(programme, today, months)
    result: dict[str, list[MonthFigures]] = {role: [] for role in ROLES}
    if not month_starts:
        return result
    members = _members_by_month(programme, month_starts)
    groups = _latest_by_person(programme, _aware(month_starts[-1]))
    for role in ROLES:
        for month in month_starts:
            result[role].append(
                _figures(month, role, members.get((month, role), 0), groups.get((month, role)))
            )
    return result


# Meeting ratings -----------------------------------------------------------------------


@dataclass(frozen=True)
class RatingFigures:
    small: bool  # fewer than SMALL_GROUP mentees have rated: nothing else is shown
    ratings: int | None = None
    people: int | None = None
    average: float | None = None  # 1-5


def meeting_ratings(*, programme: Programme) -> RatingFigures:
    """The average of mentees' meeting ratings in the programme, in one query."""
    row = MeetingFeedback.objects.filter(meeting__mentorship__programme=programme).aggregate(
        ratings=Count("pk"), people=Count("mentee", distinct=True), average=Avg("rating")
    )
    if row["people"] < SMALL_GROUP:
        return RatingFigures(small=True)
    return RatingFigures(
        small=False, ratings=row["ratings"], people=row["people"], average=float(row["average"])
    )
