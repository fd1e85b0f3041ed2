"""Matching runs: propose pairs, let coordinators adjust them, then publish.

A run is a proposal only. It stores each pair's score with its per-criterion
breakdown (all criteria, "preferences" included, because the total depends on
it; pages never show that one) and the mentee's runner-up mentor. Every change
to a run locks its row first, so two coordinators editing the same proposal
queue rather than overbook a mentor. Publishing creates every mentorship through
`mentorship_create` in one transaction: all pairs or none.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.emails import send_email
from programmes.models import Membership, Programme

from ..engine import assign, runner_up, score_pair
from ..engine.scoring import same_organisation
from ..engine.types import CRITERIA, Assignment, Rules, Score
from ..errors import MatchingError
from ..models import MatchingRun, Mentorship, ProposedPair, UnmatchedMentee
from ..selectors.runs import Inputs, inputs_for_changes, inputs_for_run, places_in_run
from .mentorships import matching_settings_for, mentorship_create
from .requests import pending_requests_withdraw
from .settings import ensure_coordinator

User = get_user_model()

REMOVED_REASON = "Removed from the proposal by a coordinator."
PAIR_FIELDS = [
    "mentor",
    "score",
    "breakdown",
    "reasons",
    "runner_up",
    "runner_up_score",
    "runner_up_breakdown",
    "locked",
]


@dataclass(frozen=True)
class RunOutcome:
    run: MatchingRun
    pairs: int
    unmatched: int
    replaced_draft: bool = False
    locks_kept: int = 0
    locks_dropped: int = 0


# -- Building the engine's inputs -------------------------------------------------------------


def _snapshot(inputs: Inputs, *, locked: int) -> dict:
    """A summary of how the run was made: settings and counts, never anyone's data."""
    weights, rules = inputs.weights, inputs.rules
    return {
        "weights": {c: getattr(weights, c) for c in CRITERIA},
        "min_career_gap": weights.min_career_gap,
        "min_score": rules.min_score,
        "cross_organisation": rules.cross_organisation,
        "mentees": len(inputs.mentees),
        "mentors": len(inputs.mentors),
        "places": sum(rules.capacities.get(m, 0) for m in inputs.mentors),
        "locked_pairs": locked,
    }


# -- Storing a proposal -----------------------------------------------------------------------


def _plain(breakdown: dict) -> dict[str, float]:
    return {str(k): round(float(v), 4) for k, v in breakdown.items()}


def _fill(pair: ProposedPair, score: Score, inputs: Inputs, rules: Rules) -> None:
    """Set a pair's score, breakdown, reasons and the mentee's runner-up mentor."""
    pair.score = round(float(score.total), 2)
    pair.breakdown = _plain(score.breakdown)
    pair.reasons = [str(r) for r in score.reasons]
    second = runner_up(
        inputs.mentees[pair.mentee_id],
        list(inputs.mentors.values()),
        inputs.weights,
        rules,
        exclude_mentor_id=pair.mentor_id,
    )
    if second is None:
        pair.runner_up_id, pair.runner_up_score, pair.runner_up_breakdown = None, None, {}
    else:
        candidate, alternative = second
        pair.runner_up_id = candidate.id
        pair.runner_up_score = round(float(alternative.total), 2)
        pair.runner_up_breakdown = _plain(alternative.breakdown)


def _store(run: MatchingRun, assignment: Assignment, inputs: Inputs, locked) -> int:
    """Save the engine's pairs and unmatched mentees; returns how many locks were kept."""
    pairs = []
    for found in assignment.pairs:
        pair = ProposedPair(run=run, mentee_id=found.mentee_id, mentor_id=found.mentor_id)
        pair.locked = (found.mentee_id, found.mentor_id) in locked
        _fill(pair, found.score, inputs, inputs.rules)
        pairs.append(pair)
    ProposedPair.objects.bulk_create(pairs)
    UnmatchedMentee.objects.bulk_create(
        UnmatchedMentee(run=run, mentee_id=mentee_id, reason=str(reason)[:300])
        for mentee_id, reason in sorted(assignment.unmatched.items())
    )
    return sum(1 for p in pairs if p.locked)


def _check_pool(inputs: Inputs) -> None:
    if not inputs.mentees:
        raise MatchingError(
            "No mentees are waiting for a mentor: everyone approved already has a mentor "
            "or a request waiting for a reply."
        )
    if not inputs.mentors:
        raise MatchingError(
            "No mentor has a place left. Mentors can raise their capacity, or you can "
            "approve more mentors, then run matching again."
        )


def _run_assign(inputs: Inputs, locked: frozenset) -> Assignment:
    rules = dataclasses.replace(inputs.rules, locked_pairs=locked)
    return assign(
        list(inputs.mentees.values()), list(inputs.mentors.values()), inputs.weights, rules
    )


@transaction.atomic
def run_create(*, programme: Programme, by) -> RunOutcome:
    """Propose pairs for every waiting mentee; replaces the programme's current proposal."""
    ensure_coordinator(programme.pk, by)
    # One run at a time per programme: a second click waits, then replaces this one.
    Programme.objects.select_for_update().filter(pk=programme.pk).exists()
    inputs = inputs_for_run(programme)
    _check_pool(inputs)
    replaced = MatchingRun.objects.filter(
        programme=programme, status=MatchingRun.Status.DRAFT
    ).update(status=MatchingRun.Status.DISCARDED)
    assignment = _run_assign(inputs, frozenset())
    run = MatchingRun.objects.create(
        programme=programme,
        created_by=by,
        settings_snapshot=_snapshot(inputs, locked=0),
        total_score=round(float(assignment.total), 2),
    )
    _store(run, assignment, inputs, frozenset())
    return RunOutcome(
        run,
        pairs=len(assignment.pairs),
        unmatched=len(assignment.unmatched),
        replaced_draft=bool(replaced),
    )


def _lock_run(run: MatchingRun, by) -> MatchingRun:
    """Lock a run's row for a change, checking it is still a proposal."""
    locked = (
        MatchingRun.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=run.pk)
    )
    ensure_coordinator(locked.programme_id, by)
    if locked.status == MatchingRun.Status.PUBLISHED:
        raise MatchingError("This run has been published and can no longer be changed.")
    if locked.status != MatchingRun.Status.DRAFT:
        raise MatchingError(
            "This proposal was replaced by a newer run and can no longer be changed."
        )
    return locked


@transaction.atomic
def run_rerun(*, run: MatchingRun, by) -> RunOutcome:
    """Recompute the proposal around its locked pairs; the same run is updated in place.

    A locked pair is kept only while it is still possible: both people still waiting,
    the mentor with a place, and no conflict declared since.
    """
    run = _lock_run(run, by)
    wanted = frozenset(run.pairs.filter(locked=True).values_list("mentee_id", "mentor_id"))
    inputs = inputs_for_run(run.programme)
    _check_pool(inputs)
    possible = frozenset(
        (mentee, mentor)
        for mentee, mentor in wanted
        if mentee in inputs.mentees
        and mentor in inputs.mentors
        and (mentee, mentor) not in inputs.rules.blocked_pairs
    )
    assignment = _run_assign(inputs, possible)
    run.pairs.all().delete()
    run.unmatched.all().delete()
    kept = _store(run, assignment, inputs, possible)
    run.settings_snapshot = _snapshot(inputs, locked=kept)
    run.total_score = round(float(assignment.total), 2)
    run.save(update_fields=["settings_snapshot", "total_score"])
    return RunOutcome(
        run,
        pairs=len(assignment.pairs),
        unmatched=len(assignment.unmatched),
        locks_kept=kept,
        locks_dropped=len(wanted) - kept,
    )


# -- Changing pairs by hand -------------------------------------------------------------------


def _lock_pair(run: MatchingRun, pair_pk: int) -> ProposedPair:
    pair = (
        ProposedPair.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor")
        .filter(run=run, pk=pair_pk)
        .first()
    )
    if pair is None:
        raise MatchingError("That pair is no longer in this proposal.")
    return pair


def _refresh_total(run: MatchingRun) -> None:
    total = run.pairs.aggregate(total=Sum("score"))["total"] or 0
    MatchingRun.objects.filter(pk=run.pk).update(total_score=round(total, 2))


@transaction.atomic
def pair_lock_set(*, run: MatchingRun, pair: ProposedPair, by, locked: bool) -> ProposedPair:
    """Lock a pair so a re-run keeps it, or unlock it."""
    run = _lock_run(run, by)
    pair = _lock_pair(run, pair.pk)
    pair.locked = locked
    pair.save(update_fields=["locked"])
    return pair


@transaction.atomic
def pair_remove(*, run: MatchingRun, pair: ProposedPair, by) -> UnmatchedMentee:
    """Take a pair out of the proposal; the mentee is listed as unmatched."""
    run = _lock_run(run, by)
    pair = _lock_pair(run, pair.pk)
    mentee_id = pair.mentee_id
    pair.delete()
    _refresh_total(run)
    return UnmatchedMentee.objects.create(run=run, mentee_id=mentee_id, reason=REMOVED_REASON)


def _check_pair(inputs: Inputs, mentee: User, mentor: User) -> Score:
    """The pair's score, or a MatchingError naming the hard rule it would break."""
    who = f"{mentee} and {mentor} cannot be paired"
    mentee_c, mentor_c = inputs.mentees.get(mentee.pk), inputs.mentors.get(mentor.pk)
    if mentee_c is None:
        raise MatchingError(f"{mentee} is no longer a mentee in this programme.")
    if mentor_c is None:
        raise MatchingError(f"{mentor} is no longer a mentor in this programme.")
    rules = inputs.rules
    if (mentee.pk, mentor.pk) in rules.blocked_pairs:
        raise MatchingError(
            f"{who}: a conflict of interest has been declared, or they were paired before "
            "in this programme."
        )
    if rules.cross_organisation and same_organisation(mentee_c, mentor_c):
        raise MatchingError(
            f"{who}: they work in the same organisation (employer and department), and this "
            "programme pairs people from different organisations."
        )
    score = score_pair(mentee_c, mentor_c, inputs.weights)
    if score.total < rules.min_score:
        raise MatchingError(
            f"{who}: their overall match would be {int(score.total)}, below the programme's "
            f"minimum of {rules.min_score:g}."
        )
    return score


@transaction.atomic
def pair_swap(
    *, run: MatchingRun, pair: ProposedPair, other_pair_id: int, by
) -> tuple[ProposedPair, ProposedPair]:
    """Exchange the mentors of two pairs; both are rescored and locked."""
    run = _lock_run(run, by)
    first = _lock_pair(run, pair.pk)
    second = _lock_pair(run, other_pair_id)
    if first.pk == second.pk:
        raise MatchingError("Choose another pair to swap mentors with.")
    if first.mentor_id == second.mentor_id:
        raise MatchingError("Both pairs have the same mentor: there is nothing to swap.")
    inputs = inputs_for_changes(run, [first.mentee_id, second.mentee_id])
    first_score = _check_pair(inputs, first.mentee, second.mentor)
    second_score = _check_pair(inputs, second.mentee, first.mentor)
    first.mentor, second.mentor = second.mentor, first.mentor
    for changed, score in ((first, first_score), (second, second_score)):
        _fill(changed, score, inputs, inputs.rules)
        changed.locked = True
    ProposedPair.objects.bulk_update([first, second], PAIR_FIELDS)
    _refresh_total(run)
    return first, second


@transaction.atomic
def pair_reassign(*, run: MatchingRun, pair: ProposedPair, mentor_id: int, by) -> ProposedPair:
    """Give the pair's mentee another mentor with a place left; the pair is locked."""
    run = _lock_run(run, by)
    pair = _lock_pair(run, pair.pk)
    if mentor_id == pair.mentor_id:
        raise MatchingError(f"{pair.mentor} is already this mentee's mentor in the proposal.")
    membership = (
        Membership.objects.active()
        .filter(programme_id=run.programme_id, role=Membership.Role.MENTOR, user_id=mentor_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise MatchingError("Choose a mentor of this programme.")
    mentor = membership.user
    inputs = inputs_for_changes(run, [pair.mentee_id])
    if places_in_run(run, inputs, except_pair=pair.pk).get(mentor.pk, 0) <= 0:
        raise MatchingError(f"{mentor} has no places left in this proposal.")
    score = _check_pair(inputs, pair.mentee, mentor)
    pair.mentor = mentor
    _fill(pair, score, inputs, inputs.rules)
    pair.locked = True
    pair.save(update_fields=PAIR_FIELDS)
    _refresh_total(run)
    return pair


# -- Publishing -------------------------------------------------------------------------------


def _site_url(name: str, **kwargs) -> str:
    return django_settings.SITE_URL + reverse(name, kwargs=kwargs)


def _notify(pair: ProposedPair, mentorship: Mentorship, *, introduction: bool) -> None:
    context = {
        "programme": mentorship.programme,
        "mentorship": mentorship,
        "introduction": introduction,
        "reasons": pair.reasons,
        "url": _site_url("matching:mentorship_detail", pk=mentorship.pk),
    }
    send_email(
        "match_published_mentee",
        to=[pair.mentee.email],
        context={**context, "person": pair.mentee, "other": pair.mentor},
        in_app_for=pair.mentee,
    )
    send_email(
        "match_published_mentor",
        to=[pair.mentor.email],
        context={**context, "person": pair.mentor, "other": pair.mentee},
        in_app_for=pair.mentor,
    )


@transaction.atomic
def run_publish(*, run: MatchingRun, by) -> list[Mentorship]:
    """Create every pair's mentorship (or introduction) and email both people; all or none."""
    run = _lock_run(run, by)
    programme = run.programme
    introduction = matching_settings_for(programme).publish_as_introductions
    pairs = list(
        run.pairs.select_related("mentee__profile", "mentor__profile").order_by("-score", "pk")
    )
    if not pairs:
        raise MatchingError("This proposal has no pairs to publish.")
    created = []
    for pair in pairs:
        try:
            mentorship = mentorship_create(
                programme=programme,
                mentor_id=pair.mentor_id,
                mentee_id=pair.mentee_id,
                origin=Mentorship.Origin.MATCHING,
                run_id=run.pk,
                introduction=introduction,
            )
        except (MatchingError, ValidationError) as error:
            why = getattr(error, "message", None) or "; ".join(error.messages)
            raise MatchingError(
                f"Nothing has been published. {pair.mentee} with {pair.mentor}: {why} "
                "Change or remove this pair, then publish again."
            ) from error
        created.append((pair, mentorship))
    now = timezone.now()
    for pair, _ in created:
        # A request made since the run would now compete with the published match.
        pending_requests_withdraw(programme=programme, mentee_id=pair.mentee_id, now=now)
    run.status = MatchingRun.Status.PUBLISHED
    run.published_at = now
    run.published_by = by
    run.save(update_fields=["status", "published_at", "published_by"])
    for pair, mentorship in created:
        _notify(pair, mentorship, introduction=introduction)
    return [mentorship for _, mentorship in created]
