"""Read-side queries for notes, action points, agreements and stage progress."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from matching.models import Mentorship

from .. import frameworks
from ..models import ActionItem, Meeting, MentoringAgreement, SessionNote


def my_open_action_items(*, user, done: bool = False) -> QuerySet[ActionItem]:
    """The person's own action points across their mentorships (owner = their role)."""
    mine = Q(mentorship__mentor=user, owner=ActionItem.Owner.MENTOR) | Q(
        mentorship__mentee=user, owner=ActionItem.Owner.MENTEE
    )
    return (
        ActionItem.objects.visible_to(user)
        .filter(mine, done_at__isnull=not done)
        .select_related(
            "mentorship__programme", "mentorship__mentor", "mentorship__mentee", "meeting"
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def mentorship_action_items(*, mentorship: Mentorship) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(mentorship=mentorship)
        .select_related("meeting")
        .order_by(F("done_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk")
    )


def agreement_of(*, mentorship: Mentorship) -> MentoringAgreement | None:
    return MentoringAgreement.objects.filter(mentorship=mentorship).first()


def stage_progress(*, mentorship: Mentorship) -> list[dict]:
    """For Egan and GROW: which stages the notes have worked through, and how often.

    Only section keys are read (never their text), so the result is safe to show to
    both members.
    """
    notes = (
        SessionNote.objects.filter(
            meeting__mentorship=mentorship,
            framework__in=frameworks.STAGED,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting")
        .only("framework", "sections", "meeting__starts_at")
        .order_by("meeting__starts_at")
    )
    seen: dict[str, dict[str, dict]] = {}
    for note in notes:
        framework = frameworks.get(note.framework)
        stages = seen.setdefault(framework.key, {})
        for stage_key in {framework.stage_of(k) for k in (note.sections or {})}:
            if not stage_key:
                continue
            entry = stages.setdefault(stage_key, {"count": 0, "last": None})
            entry["count"] += 1
            entry["last"] = note.meeting.starts_at
    progress = []
    for key in frameworks.STAGED:
        if key not in seen:
            continue
        framework = frameworks.get(key)
        stages = [
            {
                "key": stage.key,
                "title": stage.title,
                "count": seen[key].get(stage.key, {}).get("count", 0),
                "last": seen[key].get(stage.key, {}).get("last"),
            }
            for stage in framework.stage_list()
        ]
        progress.append(
            {
                "framework": framework,
                "stages": stages,
                "done": sum(1 for s in stages if s["count"]),
                "total": len(stages),
            }
        )
    return progress
