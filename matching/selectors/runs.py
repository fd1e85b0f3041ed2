"""Reads for a programme's matching runs, and what the engine reads to make or change one.

Each makes a fixed number of queries.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from programmes.models import Membership, Programme

from ..candidates import candidates_for_programme, weights_and_rules_for
from ..engine import rank_mentors
from ..engine.types import CRITERIA, Candidate, Rules, Weights
from ..models import MatchingRun, MentorRequest, Mentorship, ProposedPair, UnmatchedMentee

User = get_user_model()

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


# -- What the engine reads, for a run and for changing its pairs by hand ------------------


@dataclass(frozen=True)
class Inputs:
    """What the engine needs, read once: candidates by id, weights and rules."""

    mentees: dict[int, Candidate]
    mentors: dict[int, Candidate]
    weights: Weights
    rules: Rules  # capacities are places left before this run; no locks


def _by_id(candidates) -> dict[int, Candidate]:
    return {c.id: c for c in sorted(candidates, key=lambda c: c.id)}


def inputs_for_run(programme: Programme) -> Inputs:
    """Mentees waiting for a mentor, and mentors with places left."""
    mentee_ids = eligible_mentee_ids(programme)
    wanted = set(mentee_ids)
    mentees = _by_id(c for c in candidates_for_programme(programme, "mentee") if c.id in wanted)
    weights, rules = weights_and_rules_for(programme, mentee_ids=mentee_ids)
    mentors = _by_id(
        c
        for c in candidates_for_programme(programme, "mentor")
        if rules.capacities.get(c.id, 0) > 0
    )
    return Inputs(mentees, mentors, weights, rules)


def _run_weights(run: MatchingRun, current: Weights) -> Weights:
    """The weights the run was computed with, so changed pairs compare like with like."""
    saved = run.settings_snapshot.get("weights") or {}
    values = {c: saved[c] for c in CRITERIA if c in saved}
    gap = run.settings_snapshot.get("min_career_gap", current.min_career_gap)
    return dataclasses.replace(current, **values, min_career_gap=gap)


def inputs_for_changes(run: MatchingRun, mentee_ids: list[int]) -> Inputs:
    """For changing pairs by hand: the run's weights and score rules, today's conflicts."""
    programme = run.programme
    mentees = _by_id(candidates_for_programme(programme, "mentee", user_ids=mentee_ids))
    weights, rules = weights_and_rules_for(programme, mentee_ids=mentee_ids)
    snapshot = run.settings_snapshot
    rules = dataclasses.replace(
        rules,
        min_score=snapshot.get("min_score", rules.min_score),
        cross_organisation=snapshot.get("cross_organisation", rules.cross_organisation),
        locked_pairs=frozenset(),
    )
    mentors = _by_id(candidates_for_programme(programme, "mentor"))
    return Inputs(mentees, mentors, _run_weights(run, weights), rules)


def places_in_run(run: MatchingRun, inputs: Inputs, *, except_pair: int) -> dict[int, int]:
    """Each mentor's places left once this run's other pairs are counted."""
    used = Counter(run.pairs.exclude(pk=except_pair).values_list("mentor_id", flat=True))
    return {m: inputs.rules.capacities.get(m, 0) - used[m] for m in inputs.mentors}


@dataclass(frozen=True)
class MentorOption:
    mentor: User
    score: float
    places_left: int


def reassign_options(*, run: MatchingRun, pair: ProposedPair) -> list[MentorOption]:
    """Mentors this pair's mentee could have instead, best first, within every hard rule."""
    inputs = inputs_for_changes(run, [pair.mentee_id])
    mentee = inputs.mentees.get(pair.mentee_id)
    if mentee is None:
        return []
    places = places_in_run(run, inputs, except_pair=pair.pk)
    open_places = {m: p for m, p in places.items() if p > 0 and m != pair.mentor_id}
    rules = dataclasses.replace(inputs.rules, capacities=open_places)
    ranked = [
        (candidate, score)
        for candidate, score in rank_mentors(
            mentee, [inputs.mentors[m] for m in open_places], inputs.weights, rules
        )
        if score.total >= rules.min_score
    ]
    users = User.objects.in_bulk([candidate.id for candidate, _ in ranked])
    return [
        MentorOption(users[c.id], round(float(s.total), 2), open_places[c.id])
        for c, s in ranked
        if c.id in users
    ]
