"""What the home page should suggest to mentors and mentees, from matching's side."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse

from programmes.selectors import NextStep

from ..models import MentorRequest, Mentorship


def home_next_steps(*, user, programme_ids: list[int]) -> dict[tuple[int, str], NextStep]:
    """Steps for the person's mentor and mentee memberships; three queries in all."""
    steps: dict[tuple[int, str], NextStep] = {}
    mentorships = (
        Mentorship.objects.open()
        .of_member(user)
        .filter(programme_id__in=programme_ids)
        .select_related("mentor", "mentee")
        .order_by("created_at")
    )
    mentoring_count: Counter[int] = Counter()
    for mentorship in mentorships:
        if mentorship.mentee_id == user.pk:
            steps[(mentorship.programme_id, "mentee")] = _mentee_step(mentorship)
        else:
            mentoring_count[mentorship.programme_id] += 1
    waiting_replies = Counter(
        MentorRequest.objects.pending()
        .filter(mentor=user, programme_id__in=programme_ids)
        .values_list("programme_id", flat=True)
    )
    my_mentoring = reverse("matching:my_mentoring")
    for programme_id in programme_ids:
        waiting, mentees = waiting_replies[programme_id], mentoring_count[programme_id]
        if waiting:
            steps[(programme_id, "mentor")] = NextStep(
                f"{waiting} mentee{'s are' if waiting > 1 else ' is'} waiting for your reply.",
                my_mentoring,
                "Read and reply",
                "envelope-paper-heart",
            )
        elif mentees:
            steps[(programme_id, "mentor")] = NextStep(
                f"You mentor {mentees} {'people' if mentees > 1 else 'person'} here.",
                my_mentoring,
                "My mentoring",
                "people",
            )
    asked = (
        MentorRequest.objects.pending()
        .filter(mentee=user, programme_id__in=programme_ids)
        .select_related("mentor")
        .order_by("created_at")
    )
    for request in asked:
        steps.setdefault(
            (request.programme_id, "mentee"),
            NextStep(
                f"Waiting for {request.mentor.full_name} to reply to your request.",
                my_mentoring,
                "See your request",
                "hourglass-split",
                "muted",
            ),
        )
    return steps


def _mentee_step(mentorship: Mentorship) -> NextStep:
    if mentorship.status == Mentorship.Status.PROPOSED:
        text = f"You have been introduced to {mentorship.mentor.full_name}: please reply."
    elif mentorship.status == Mentorship.Status.PAUSED:
        text = f"Your mentorship with {mentorship.mentor.full_name} is paused."
    else:
        text = f"You are mentored by {mentorship.mentor.full_name}."
    return NextStep(
        text,
        reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk}),
        "Open your mentorship",
        "people-fill",
    )
