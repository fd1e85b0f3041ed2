"""Reads for a programme's matching runs. Each makes a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from programmes.models import Membership, Programme

from ..engine.types import CRITERIA
from ..models import MatchingRun, MentorRequest, Mentorship, ProposedPair, UnmatchedMentee

# How pages name each criterion. "preferences" is deliberately absent: its per-criterion
# value would hint at a mentee's private preferences, so pages show only the overall match.
CRITERION_LABELS = {
    "specialty": "Specialty",
    "topics": "Topics",
    "career_stage": "Career stage",
    "location": "Region or time zone",
    "modes": "Meeting modes",
    "language": "Language",
}
SHOWN_CRITERIA = tuple(c for c in CRITERIA if c in CRITERION_LABELS)


@dataclass(frozen=True)
class CriterionBar:
    label: str
    percent: int


def shown_breakdown(breakdown: dict) -> list[CriterionBar]:
    """The criteria a coordinator may see, as 0-100 bars, in the engine's order."""
    bars = []
    for criterion in SHOWN_CRITERIA:
        value = breakdown.get(criterion)
        if value is None:
            continue
        percent = round(max(0.0, min(1.0, float(value))) * 100)
        bars.append(CriterionBar(CRITERION_LABELS[criterion], percent))
    return bars


def eligible_mentee_ids(programme: Programme) -> list[int]:
    """Approved mentees with no open mentorship and no pending request: the ones to match."""
    with_mentor = Mentorship.objects.open().filter(programme=programme).values("mentee_id")
    waiting = MentorRequest.objects.pending().filter(programme=programme).values("mentee_id")
    return list(
        Membership.objects.active()
        .filter(programme=programme, role=Membership.Role.MENTEE, user__is_active=True)
        .exclude(user_id__in=with_mentor)
        .exclude(user_id__in=waiting)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class PoolSummary:
    mentees_waiting: int
    mentors_with_places: int
    places: int


def _open_mentorships_of_mentor() -> Subquery:
    return Subquery(
        Mentorship.objects.open()
        .filter(programme=OuterRef("programme"), mentor=OuterRef("user"))
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def pool_summary(programme: Programme) -> PoolSummary:
    """Who a run would consider now: waiting mentees, and mentors' places left."""
    mentors = (
        Membership.objects.active()
        .filter(
            programme=programme,
            role=Membership.Role.MENTOR,
            accepting_mentees=True,
            user__is_active=True,
        )
        .annotate(load=Coalesce(_open_mentorships_of_mentor(), 0))
        .values_list("capacity", "load")
    )
    places = [max((capacity or 0) - load, 0) for capacity, load in mentors]
    return PoolSummary(
        mentees_waiting=len(eligible_mentee_ids(programme)),
        mentors_with_places=sum(1 for p in places if p),
        places=sum(places),
    )


def _count_of(model) -> Coalesce:
    rows = (
        model.objects.filter(run=OuterRef("pk"))
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def runs_for(programme: Programme) -> QuerySet[MatchingRun]:
    """The programme's runs, newest first, with their pair and unmatched counts."""
    return (
        MatchingRun.objects.filter(programme=programme)
        .select_related("created_by", "published_by")
        .annotate(pair_count=_count_of(ProposedPair), unmatched_count=_count_of(UnmatchedMentee))
        .order_by("-created_at", "-pk")
    )


def run_counts(run: MatchingRun) -> tuple[int, int, int]:
    """Pairs, locked pairs and unmatched mentees of one run."""
    pairs = run.pairs.aggregate(total=Count("pk"), locked=Count("pk", filter=Q(locked=True)))
    return pairs["total"], pairs["locked"], run.unmatched.count()


def pairs_of(run: MatchingRun) -> QuerySet[ProposedPair]:
    return run.pairs.select_related(
        "mentee__profile", "mentor__profile", "runner_up__profile"
    ).order_by("-score", "pk")


def unmatched_of(run: MatchingRun) -> QuerySet[UnmatchedMentee]:
    return run.unmatched.select_related("mentee__profile").order_by("mentee__full_name", "pk")
