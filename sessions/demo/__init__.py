"""Demo meetings: availability, held meetings with notes, agreements, upcoming meetings.

`manage.py seed_demo` calls `meetings_demo_seed` after the matching demo data
(matching/demo/) and before wellbeing's. For every active mentorship:

- the mentor's meeting defaults and two weekly availability windows;
- two or three meetings in the past, marked held, each with the mentor's note. The
  frameworks rotate across the set (Egan, GROW, CLEAR, OSKAR and free-form), with a
  shared summary, private sections and notes, tags and action points (those of the
  earlier meetings done);
- a confirmed mentoring agreement for every other mentorship;
- an upcoming meeting, booked by the mentee from the mentor's availability, for two
  mentorships in three.

Past meetings cannot be booked (the booking service refuses past times), so they are
created directly; the notes go through the notes service. Everything is placed from
the `now` passed in, so the demo is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.vocabulary import TOPICS, MeetingMode

from .. import frameworks
from ..errors import MeetingError
from ..models import ActionItem, Meeting, MentoringAgreement, SessionNote
from ..selectors import offered_periods, zone_of
from ..services.agreements import agreement_confirm, agreement_defaults, agreement_save
from ..services.availability import defaults_set, window_add
from ..services.booking import meeting_book
from ..services.notes import note_save

# The order the frameworks rotate in, across mentorships and their meetings.
ROTATION = ("grow", "egan", "clear", "oskar", "free")
MEETING_GAP_DAYS = 14
EVENING = dt.time(18, 0)

SECTION_TEXT = {
    "egan": {
        "story": "Feels stretched between the rota and a new service lead role.",
        "blind_spots": "Has not yet noticed how much the team already relies on them.",
        "leverage": "Protected time for the service work would change most.",
        "possibilities": "A job plan with one session a week for the service.",
        "change_agenda": "Ask for a job-plan review before the summer.",
        "commitment": "Keen: 8 out of 10; worried about seeming ungrateful.",
        "strategies": "Clinical director, a peer who did the same, the appraisal.",
        "best_fit": "Raise it at appraisal, with a peer's example to hand.",
        "plan": "Draft the case this month, appraisal next month.",
    },
    "grow": {
        "goal": "Decide whether to apply for the fellowship this year.",
        "reality": "Interested, but the timing clashes with exams and a house move.",
        "options": "Apply now; defer a year; ask about a part-time route.",
        "will": "Will email the fellowship lead about part-time; 7 out of 10.",
    },
    "clear": {
        "contracting": "Wanted to use the hour on handling a difficult meeting.",
        "listening": "Frustrated, and underneath that, worried about being judged.",
        "exploring": "Questioned the assumption that silence means disapproval.",
        "action": "Prepare three points and ask for feedback afterwards.",
        "review": "Found it helpful to rehearse the opening aloud.",
    },
    "oskar": {
        "outcome": "Leaving work on time at least three days a week.",
        "scaling": "A 4 out of 10 now; it is not lower because handovers have improved.",
        "know_how": "Days with a clear handover list finish on time.",
        "affirm_action": "Good at supporting juniors; next step: a handover template.",
        "review": "Two more on-time days since last month.",
    },
    "free": {
        "notes": "Talked through the options after the rotation change and what matters most.",
    },
}
SUMMARIES = (
    "We looked at what you want from the next year and agreed one step to take first.",
    "You described the current pressures clearly; we explored two options and their costs.",
    "Good progress since last time. We agreed to revisit the plan after your appraisal.",
    "We rehearsed the conversation you are planning and noted what support would help.",
)
PRIVATE_NOTES = (
    "Check in about workload next time; seemed tired.",
    "Follow up on the appraisal date.",
    "Offer to share my own job-plan example.",
)
ACTIONS = (
    ("Write down three things that would make the job plan work", "mentee"),
    ("Email the fellowship lead about the part-time route", "mentee"),
    ("Send a link to the leadership course", "mentor"),
    ("Draft a handover template and try it for a week", "mentee"),
    ("Introduce you to a colleague who made the same move", "mentor"),
)
VIDEO_HOST = "https://meet.example.org/"


@dataclass
class MeetingsSummary:
    counts: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Meetings: {c['windows']} weekly availability windows for {c['mentors']} mentors; "
            f"{c['held']} meetings held with notes, {c['actions']} action points "
            f"({c['done']} done); {c['agreements']} confirmed agreements; {c['upcoming']} "
            "meetings booked ahead."
        ]


class _Diary:
    """The hours already taken, so demo meetings never overlap for anyone."""

    def __init__(self):
        self.taken: list[tuple[int, dt.datetime, dt.datetime]] = []

    def free(self, people: tuple[int, int], starts: dt.datetime, ends: dt.datetime) -> bool:
        return not any(p in people and s < ends and starts < e for p, s, e in self.taken)

    def take(self, people: tuple[int, int], starts: dt.datetime, ends: dt.datetime) -> None:
        self.taken.extend((p, starts, ends) for p in people)


def _availability(mentor, number: int, counts: Counter) -> None:
    local = mentor.email.split("@")[0]
    defaults_set(
        mentor=mentor,
        video_link=f"{VIDEO_HOST}{local}",
        location="Education centre, meeting room 2",
    )
    window_add(
        mentor=mentor,
        weekday=number % 5,
        start_time=dt.time(18, 0),
        end_time=dt.time(20, 0),
        modes=[MeetingMode.VIDEO, MeetingMode.PHONE],
    )
    window_add(
        mentor=mentor,
        weekday=(number + 2) % 5,
        start_time=dt.time(12, 30),
        end_time=dt.time(14, 0),
        modes=[MeetingMode.VIDEO, MeetingMode.IN_PERSON],
    )
    counts["mentors"] += 1
    counts["windows"] += 2


def _past_times(mentorship, length, now, count, diary) -> list[dt.datetime]:
    """Up to `count` evening times between the start of the mentorship and now."""
    zone = zone_of(mentorship.mentor)
    today = now.astimezone(zone).date()
    span = (today - mentorship.started_on).days
    gap = min(MEETING_GAP_DAYS, span // (count + 1))
    if gap < 1:
        return []
    people = (mentorship.mentor_id, mentorship.mentee_id)
    times = []
    for k in range(count, 0, -1):
        day = today - dt.timedelta(days=gap * k)
        starts = dt.datetime.combine(day, EVENING, tzinfo=zone)
        while not diary.free(people, starts, starts + length):
            starts += dt.timedelta(hours=1)
        diary.take(people, starts, starts + length)
        times.append(starts)
    return times


def _note(meeting, framework: str, i: int, rng: random.Random) -> SessionNote:
    sections = {
        k: v for k, v in SECTION_TEXT[framework].items() if frameworks.get(framework).section(k)
    }
    actions = [ACTIONS[(i + j) % len(ACTIONS)] for j in range(2)]
    due = meeting.starts_at.date() + dt.timedelta(days=MEETING_GAP_DAYS)
    return note_save(
        meeting=meeting,
        author=meeting.mentor,
        data={
            "framework": framework,
            "sections": sections,
            "shared_summary": SUMMARIES[i % len(SUMMARIES)],
            "private_notes": PRIVATE_NOTES[i % len(PRIVATE_NOTES)],
            "tags": rng.sample(TOPICS, 2),
        },
        action_items=[{"text": t, "owner": o, "due_on": due} for t, o in actions],
    )


def _held(mentorship, index, now, diary, rng, counts) -> list[Meeting]:
    length = dt.timedelta(minutes=mentorship.programme.meeting_length_minutes or 50)
    times = _past_times(mentorship, length, now, 2 + index % 2, diary)
    meetings = []
    for j, starts in enumerate(times):
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            mentor=mentorship.mentor,
            mentee=mentorship.mentee,
            starts_at=starts,
            ends_at=starts + length,
            mode=MeetingMode.VIDEO,
            video_link=f"{VIDEO_HOST}{mentorship.mentor.email.split('@')[0]}",
            status=Meeting.Status.HELD,
            proposed_by=mentorship.mentee,
        )
        _note(meeting, ROTATION[(index + j) % len(ROTATION)], index + j, rng)
        written = meeting.ends_at + dt.timedelta(hours=2)
        SessionNote.objects.filter(meeting=meeting).update(created_at=written, updated_at=written)
        items = ActionItem.objects.filter(meeting=meeting)
        items.update(created_at=written)
        counts["actions"] += 2
        if j < len(times) - 1:  # the earlier meetings' action points are done
            items.update(done_at=meeting.ends_at + dt.timedelta(days=7))
            counts["done"] += 2
        counts["held"] += 1
        meetings.append(meeting)
    return meetings


def _agreement(mentorship, confirmed_at: dt.datetime, counts: Counter) -> None:
    agreement = agreement_save(
        mentorship=mentorship,
        author=mentorship.mentor,
        data=agreement_defaults(mentorship=mentorship),
    )
    for person in (mentorship.mentor, mentorship.mentee):
        agreement_confirm(mentorship=mentorship, user=person, version=agreement.version)
    MentoringAgreement.objects.filter(pk=agreement.pk).update(
        mentor_confirmed_at=confirmed_at, mentee_confirmed_at=confirmed_at
    )
    counts["agreements"] += 1


def _upcoming(mentorship, now, diary, counts) -> None:
    """The mentee books the first open time in the mentor's windows, a few days ahead."""
    length = dt.timedelta(minutes=mentorship.programme.meeting_length_minutes or 50)
    people = (mentorship.mentor_id, mentorship.mentee_id)
    start = now + dt.timedelta(days=2)
    periods = sorted(offered_periods(mentorship.mentor, start, start + dt.timedelta(days=14)))
    for begins, finishes, modes in periods:
        starts = begins
        while starts + length <= finishes:
            if starts > now and diary.free(people, starts, starts + length):
                try:
                    meeting_book(
                        mentorship=mentorship,
                        by=mentorship.mentee,
                        starts_at=starts,
                        mode=modes[0],
                    )
                except MeetingError:
                    pass
                else:
                    diary.take(people, starts, starts + length)
                    counts["upcoming"] += 1
                    return
            starts += dt.timedelta(hours=1)


@transaction.atomic
def meetings_demo_seed(*, now: dt.datetime | None = None, seed: int = 2024) -> MeetingsSummary:
    """Add demo meetings to the matching demo's active mentorships (seeded before)."""
    now = now or timezone.now()
    rng = random.Random(seed)
    summary = MeetingsSummary()
    counts = summary.counts
    mentorships = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
        .select_related("programme", "mentor", "mentee")
        .order_by("pk")
    )
    mentors = {}
    for mentorship in mentorships:
        mentors.setdefault(mentorship.mentor_id, mentorship.mentor)
    for number, mentor in enumerate(mentors.values()):
        _availability(mentor, number, counts)
    diary = _Diary()
    for index, mentorship in enumerate(mentorships):
        held = _held(mentorship, index, now, diary, rng, counts)
        if index % 2 == 0 and held:
            _agreement(mentorship, held[0].ends_at, counts)
    for index, mentorship in enumerate(mentorships):
        if index % 3 != 2:
            _upcoming(mentorship, now, diary, counts)
    return summary
