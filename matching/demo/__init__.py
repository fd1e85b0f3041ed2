"""Demo matching data: requests, mentorships in every state and a published matching run.

`manage.py seed_demo` calls `matching_demo_seed` after the foundation data
(programmes/demo/). Everything is made through the matching services, so the demo
obeys the rules real use does (capacity, one waiting request per mentee, pairs never
repeated). The services stamp the current time; the dates are then moved back so the
history reads naturally (a mentorship that started months ago, a run published
up to three weeks ago), never before either person joined the programme.

- Yorkshire Consultant Mentoring (mentees choose): a dozen active mentorships from
  accepted requests, requests waiting for a reply, a declined and an expired request,
  a paused mentorship and a completed one with both closing reviews. The people the
  README names are fixed below; the others go to the mentor ranked best for them.
- North West Trainee Peer Mentoring (coordinators match): matching settings, and one
  published run that paired about half of the mentees, leaving the rest for the
  coordinator to match (no proposal is left waiting).

Only the first block of people takes part in Yorkshire whatever `--scale`; the North
West run covers all of that programme's mentees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mentoring.accounts.models import User
from mentoring.notifications.models import Notification
from mentoring.notifications.services import subject_key
from programmes.demo import MENTORS_PER_SCALE
from programmes.demo.data import DEMO_DOMAIN, NORTH_WEST, YORKSHIRE
from programmes.models import Application, Membership, Programme

from ..candidates import candidates_for_programme, places_left, weights_and_rules_for
from ..engine import rank_mentors
from ..models import ClosingReview, MatchingRun, MentorRequest, Mentorship
from ..reminders import KIND_REQUEST_PENDING, REQUEST_REMINDER_AFTER
from ..selectors.runs import eligible_mentee_ids
from ..services.lifecycle import closing_review_submit, mentorship_close, mentorship_pause
from ..services.mentorships import (
    matching_settings_for,
    mentor_settings_update,
    mentorship_started_hooks,
)
from ..services.requests import request_accept, request_create, request_decline, requests_expire
from ..services.runs import run_create, run_publish
from ..services.settings import matching_settings_update

Status = MentorRequest.Status

# Yorkshire: who does what, by person number (mentee, mentor). The README names them.
MENTOR_CAPACITY = {1: 3, 2: 3}  # room for a waiting request besides a current mentee
ACTIVE = [(1, 1)]
PAUSED = (24, 2)
COMPLETED = (34, 11)
DECLINED = (14, 13)  # mentee14 then asks the mentor ranked best for them, who accepts
EXPIRED = (44, 6)
PENDING = [(2, 2), (5, 1)]
# Mentees who go to the mentor ranked best for them: accepted, then still waiting.
RANKED_ACTIVE = [14, 31, 42, 35, 45, 37, 15, 22, 40, 47, 32]
RANKED_PENDING = [20, 27]

# North West: the weights its coordinator chose (peer mentoring: topics, training
# stage and being near enough to meet count most), pairs across trusts.
NORTH_WEST_SETTINGS = {
    "weight_specialty": 3,
    "weight_topics": 8,
    "weight_career_stage": 6,
    "weight_location": 5,
    "weight_modes": 4,
    "weight_language": 2,
    "weight_preferences": 3,
    "min_career_gap": 1,
    "min_score": 35,
    "cross_organisation": True,
    "publish_as_introductions": False,
}
RUN_DAYS_AGO = 21

REQUEST_OPENINGS = (
    "I read your profile and your experience is exactly what I hoped to find.",
    "A colleague spoke warmly of your mentoring, and your profile made me want to ask.",
    "Your profile mentions much of what I am working through at the moment.",
)
ACCEPT_REPLIES = (
    "I would be glad to. Shall we start with a video call in the next fortnight?",
    "Delighted to. I will email you some times for a first conversation.",
    "Happy to help. Let us meet for an hour and agree how we would like to work.",
)


@dataclass
class MatchingSummary:
    counts: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Matching in {YORKSHIRE.name} (mentees choose): {c['y_active']} active "
            f"mentorships, {c['y_paused']} paused, {c['y_closed']} completed with closing "
            f"reviews; {c['y_pending']} requests waiting for a reply, {c['y_declined']} "
            f"declined, {c['y_expired']} expired.",
            f"Matching in {NORTH_WEST.name} (coordinators match): run {c['nw_run']}, "
            f"published {c['nw_days']} days ago, started {c['nw_active']} mentorships; "
            f"{c['nw_waiting']} mentees are waiting for the next run.",
        ]


def _number(user: User) -> int:
    local = user.email.split("@")[0]
    return int(local.lstrip("abcdefghijklmnopqrstuvwxyz"))


class _Programme:
    """One programme's people, by number, with when each joined."""

    def __init__(self, slug: str):
        self.programme = Programme.objects.get(slug=slug)
        members = (
            Membership.objects.active()
            .filter(programme=self.programme)
            .select_related("user")
            .order_by("pk")
        )
        self.memberships = list(members)
        self.coordinator = next(
            m.user for m in self.memberships if m.role == Membership.Role.COORDINATOR
        )
        self.joined = {m.user_id: m.joined_at for m in self.memberships}
        self.mentors = self._by_number(Membership.Role.MENTOR)
        self.mentees = self._by_number(Membership.Role.MENTEE)

    def _by_number(self, role: str) -> dict[int, User]:
        return {
            _number(m.user): m.user
            for m in self.memberships
            if m.role == role and m.user.email.endswith(f"@{DEMO_DOMAIN}")
        }


def _start_for(
    people: _Programme, mentee: User, mentor: User, now: dt.datetime, rng: random.Random
) -> dt.datetime:
    """When a pair plausibly started: a few days after the later of them joined."""
    later = max(people.joined[mentee.pk], people.joined[mentor.pk])
    return min(later + dt.timedelta(days=rng.randint(5, 20), hours=rng.randint(0, 8)), now)


def _backdate_mentorship(mentorship: Mentorship, started: dt.datetime) -> None:
    day = timezone.localtime(started).date()
    months = mentorship.programme.relationship_months
    Mentorship.objects.filter(pk=mentorship.pk).update(
        created_at=started,
        mentor_accepted_at=started,
        mentee_accepted_at=started,
        started_on=day,
        planned_end_on=day + relativedelta(months=months),
    )
    # Its reminders were written for today's dates: write them again for the real ones
    # (removed, not cancelled, so a start kept on today is written again too).
    Notification.objects.filter(
        subject_key=subject_key(mentorship), status=Notification.Status.PENDING
    ).delete()
    mentorship_started_hooks(Mentorship.objects.select_related("programme").get(pk=mentorship.pk))


def _backdate_request(request: MentorRequest, sent: dt.datetime, *, answered=None) -> None:
    days = matching_settings_for(request.programme).request_expiry_days
    changes = {"created_at": sent, "expires_at": sent + dt.timedelta(days=days)}
    if answered is not None:
        changes["responded_at"] = answered
    MentorRequest.objects.filter(pk=request.pk).update(**changes)
    # The mentor's reminder comes three days after the (moved) sending date.
    Notification.objects.filter(
        kind=KIND_REQUEST_PENDING,
        subject_key=subject_key(request),
        status=Notification.Status.PENDING,
    ).update(due_at=sent + REQUEST_REMINDER_AFTER)


def _message(programme: Programme, mentee: User, mentor: User, rng: random.Random) -> str:
    goals = (
        Application.objects.filter(programme=programme, applicant=mentee)
        .values_list("goals", flat=True)
        .first()
    )
    name = mentor.preferred_name or mentor.full_name.split()[0]
    return (
        f"Dear {name}, {rng.choice(REQUEST_OPENINGS)} "
        f"{goals or 'I would like a confidential space to think about my career.'} "
        "Would you have room to mentor me?"
    )


def _ask(people, mentee, mentor, rng) -> MentorRequest:
    programme = people.programme
    return request_create(
        programme=programme,
        mentee=mentee,
        mentor_id=mentor.pk,
        message=_message(programme, mentee, mentor, rng),
    )


def _accepted(people, mentee, mentor, now, rng) -> Mentorship:
    """A request the mentor accepted: the mentorship started a while ago."""
    request = _ask(people, mentee, mentor, rng)
    mentorship = request_accept(
        request_id=request.pk, mentor=mentor, message=rng.choice(ACCEPT_REPLIES)
    )
    started = _start_for(people, mentee, mentor, now, rng)
    _backdate_request(request, started - dt.timedelta(days=2), answered=started)
    _backdate_mentorship(mentorship, started)
    return mentorship


def _room(programme: Programme) -> dict[int, int]:
    """Each mentor's places left once the requests waiting for them are counted."""
    waiting = dict(
        MentorRequest.objects.pending()
        .filter(programme=programme)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
    )
    return {m: places - waiting.get(m, 0) for m, places in places_left(programme).items()}


def _best_mentor(people: _Programme, mentee: User, *, avoid: set[int]) -> User:
    """The first-block mentor ranked best for the mentee among those with room."""
    programme = people.programme
    weights, rules = weights_and_rules_for(programme, mentee_ids=[mentee.pk])
    room = _room(programme)
    rules = dataclasses.replace(
        rules, capacities={m: n for m, n in room.items() if n > 0 and m not in avoid}
    )
    by_id = {user.pk: user for n, user in people.mentors.items() if n <= MENTORS_PER_SCALE}
    (candidate,) = candidates_for_programme(programme, "mentee", user_ids=[mentee.pk])
    mentors = candidates_for_programme(programme, "mentor", user_ids=list(by_id))
    ranked = rank_mentors(candidate, mentors, weights, rules)
    return by_id[ranked[0][0].id]


def _yorkshire(now: dt.datetime, rng: random.Random, counts: Counter) -> None:
    people = _Programme(YORKSHIRE.slug)
    programme, mentees, mentors = people.programme, people.mentees, people.mentors
    today = timezone.localdate(now)
    for number, capacity in MENTOR_CAPACITY.items():
        mentor_settings_update(
            programme=programme,
            mentor_id=mentors[number].pk,
            capacity=capacity,
            accepting_mentees=True,
        )

    # A mentorship that ran its course, with both closing reviews.
    mentee, mentor = mentees[COMPLETED[0]], mentors[COMPLETED[1]]
    completed = _accepted(people, mentee, mentor, now, rng)
    mentorship_close(
        mentorship_id=completed.pk,
        user=mentee,
        reason=Mentorship.CloseReason.COMPLETED,
        note="We met every month and I reached the goals I came with.",
    )
    reviews = [
        closing_review_submit(
            mentorship_id=completed.pk,
            author=mentee,
            helpfulness=5,
            supportive_environment=5,
            comments="Having someone outside my trust to think aloud with made a real "
            "difference to my first years as a consultant.",
        ),
        closing_review_submit(
            mentorship_id=completed.pk,
            author=mentor,
            helpfulness=4,
            supportive_environment=5,
            comments="A thoughtful mentee who did the work between meetings.",
        ),
    ]
    started = Mentorship.objects.get(pk=completed.pk).created_at
    closed = max(started + dt.timedelta(days=30), now - dt.timedelta(days=14))
    closed = min(closed, now)
    Mentorship.objects.filter(pk=completed.pk).update(closed_at=closed)
    ClosingReview.objects.filter(pk__in=[r.pk for r in reviews]).update(created_at=closed)

    for mentee_number, mentor_number in ACTIVE:
        _accepted(people, mentees[mentee_number], mentors[mentor_number], now, rng)

    # A pause: the place stays held until the resume date.
    mentee, mentor = mentees[PAUSED[0]], mentors[PAUSED[1]]
    paused = _accepted(people, mentee, mentor, now, rng)
    mentorship_pause(
        mentorship_id=paused.pk, user=mentee, until=today + dt.timedelta(days=35), today=today
    )

    # A request declined with a kind message, and one that lapsed unanswered.
    mentee, mentor = mentees[DECLINED[0]], mentors[DECLINED[1]]
    declined = _ask(people, mentee, mentor, rng)
    request_decline(
        request_id=declined.pk,
        mentor=mentor,
        reason="We work closely together on the regional training committee.",
        message="Thank you for asking me. I do not think I am the right fit this time, "
        "and I am sure another mentor here will suit you well. Best of luck.",
    )
    sent = max(people.joined[mentee.pk], people.joined[mentor.pk]) + dt.timedelta(days=1)
    _backdate_request(declined, min(sent, now), answered=min(sent + dt.timedelta(days=1), now))

    mentee, mentor = mentees[EXPIRED[0]], mentors[EXPIRED[1]]
    lapsed = _ask(people, mentee, mentor, rng)
    sent = max(now - dt.timedelta(days=25), people.joined[mentee.pk], people.joined[mentor.pk])
    _backdate_request(lapsed, sent, answered=None)
    requests_expire(now=MentorRequest.objects.get(pk=lapsed.pk).expires_at)

    # Requests waiting for a reply: sent in the last few days.
    waiting = []
    for mentee_number, mentor_number in PENDING:
        waiting.append(_ask(people, mentees[mentee_number], mentors[mentor_number], rng))

    for number in RANKED_ACTIVE:
        mentee = mentees[number]
        avoid = {mentors[DECLINED[1]].pk} if number == DECLINED[0] else set()
        _accepted(people, mentee, _best_mentor(people, mentee, avoid=avoid), now, rng)
    for number in RANKED_PENDING:
        mentee = mentees[number]
        waiting.append(_ask(people, mentee, _best_mentor(people, mentee, avoid=set()), rng))
    for days, request in enumerate(waiting, start=1):
        _backdate_request(request, now - dt.timedelta(days=days, hours=3), answered=None)

    mentorships = Counter(
        Mentorship.objects.filter(programme=programme).values_list("status", flat=True)
    )
    requests = Counter(
        MentorRequest.objects.filter(programme=programme).values_list("status", flat=True)
    )
    counts.update(
        y_active=mentorships[Mentorship.Status.ACTIVE],
        y_paused=mentorships[Mentorship.Status.PAUSED],
        y_closed=mentorships[Mentorship.Status.CLOSED],
        y_pending=requests[Status.PENDING],
        y_declined=requests[Status.DECLINED],
        y_expired=requests[Status.EXPIRED],
    )


def _north_west(now: dt.datetime, counts: Counter) -> None:
    people = _Programme(NORTH_WEST.slug)
    programme, coordinator = people.programme, people.coordinator
    matching_settings_update(programme=programme, by=coordinator, data=NORTH_WEST_SETTINGS)

    # The first round had places for about half of the mentees: the mentors who had
    # joined first, up to that many places. The others take part from the next run.
    target = len(eligible_mentee_ids(programme)) // 2
    mentors = sorted(
        (m for m in people.memberships if m.role == Membership.Role.MENTOR),
        key=lambda m: (m.joined_at, m.pk),
    )
    for membership in mentors:
        places = min(membership.capacity or 0, target)
        target -= places
        mentor_settings_update(
            programme=programme,
            mentor_id=membership.user_id,
            capacity=max(places, 1),
            accepting_mentees=places > 0,
        )
    run = run_create(programme=programme, by=coordinator).run
    started = run_publish(run=run, by=coordinator)
    for membership in mentors:  # everyone's own settings again
        mentor_settings_update(
            programme=programme,
            mentor_id=membership.user_id,
            capacity=membership.capacity,
            accepting_mentees=True,
        )

    latest_joined = max(
        max(people.joined[m.mentor_id], people.joined[m.mentee_id]) for m in started
    )
    # Proposed, reviewed for an hour, published: after everyone in it had joined.
    proposed = max(now - dt.timedelta(days=RUN_DAYS_AGO), latest_joined + dt.timedelta(hours=1))
    proposed = min(proposed, now - dt.timedelta(hours=1))
    published = proposed + dt.timedelta(hours=1)
    MatchingRun.objects.filter(pk=run.pk).update(created_at=proposed, published_at=published)
    for mentorship in started:
        _backdate_mentorship(mentorship, published)

    counts.update(
        nw_run=run.pk,
        nw_days=(now - published).days,
        nw_active=len(started),
        nw_waiting=len(eligible_mentee_ids(programme)),
    )


@transaction.atomic
def matching_demo_seed(*, now: dt.datetime | None = None, seed: int = 2024) -> MatchingSummary:
    """Add the demo matching data to the foundation's programmes (seeded before)."""
    now = now or timezone.now()
    summary = MatchingSummary()
    _yorkshire(now, random.Random(seed), summary.counts)
    _north_west(now, summary.counts)
    return summary
