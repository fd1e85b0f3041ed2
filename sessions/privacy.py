"""Sessions' part of the privacy rights: meetings, notes, reflections and availability."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, Q

from mentoring.privacy import (
    Closure,
    fields_of,
    register_erasure_step,
    register_export_section,
)
from mentoring.vocabulary import MeetingMode

from .models import (
    ActionItem,
    AgendaItem,
    AvailabilitySlot,
    AvailabilityWindow,
    Blackout,
    CalendarFeed,
    Meeting,
    MeetingDefaults,
    MeetingFeedback,
    MentoringAgreement,
    Reflection,
    SessionNote,
)

MEETING_PEOPLE = ("meeting__mentorship__programme", "meeting__mentor", "meeting__mentee")


def _with_whom(meeting: Meeting, user) -> dict[str, Any]:
    is_mentor = meeting.mentor_id == user.pk
    return {
        "programme": meeting.mentorship.programme.name,
        "your_role": "mentor" if is_mentor else "mentee",
        "with": (meeting.mentee if is_mentor else meeting.mentor).full_name,
        "starts_at": meeting.starts_at,
    }


def _meeting_ratings(user) -> list[dict]:
    rows = (
        MeetingFeedback.objects.filter(mentee=user)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {"meeting_on": f.meeting.starts_at, "rating": f.rating, "given_at": f.updated_at}
        for f in rows
    ]


def _meetings(user) -> list[dict]:
    rows = (
        Meeting.objects.of_member(user)
        .select_related("mentorship__programme", "mentor", "mentee")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(author=user),
                to_attr="own_agenda",
            )
        )
        .order_by("starts_at", "pk")
    )
    out = []
    for m in rows:
        row = {
            **_with_whom(m, user),
            **fields_of(m, ("ends_at", "video_link", "location", "created_at")),
            "mode": m.get_mode_display(),
            "status": m.get_status_display(),
            "cancelled_by_you": m.cancelled_by_id == user.pk,
            "your_agenda_items": [{"text": a.text, "added_at": a.created_at} for a in m.own_agenda],
        }
        if m.cancelled_by_id == user.pk:
            row["your_cancellation_reason"] = m.cancel_reason
        out.append(row)
    return out


def _session_notes_you_wrote(user) -> list[dict]:
    # The author's whole note, private parts included: they are the author's own.
    rows = (
        SessionNote.objects.filter(author=user)
        .select_related(*MEETING_PEOPLE)
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {
            **_with_whom(n.meeting, user),
            "framework": n.get_framework_display(),
            "shared_summary": n.shared_summary,
            "your_private_sections": n.sections,
            "your_private_notes": n.private_notes,
            "tags": n.tags,
            **fields_of(n, ("created_at", "updated_at")),
        }
        for n in rows
    ]


def _session_notes_shared_with_you(user) -> list[dict]:
    # Only the part the author shared with the person; never their private sections.
    rows = (
        SessionNote.objects.filter(meeting__mentee=user)
        .exclude(author=user)
        .select_related(*MEETING_PEOPLE)
        .only(
            "shared_summary",
            "updated_at",
            "meeting__starts_at",
            "meeting__mentor_id",
            "meeting__mentee_id",
            "meeting__mentor__full_name",
            "meeting__mentee__full_name",
            "meeting__mentorship__programme__name",
        )
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {
            **_with_whom(n.meeting, user),
            "shared_summary": n.shared_summary,
            "updated_at": n.updated_at,
        }
        for n in rows
    ]


def _reflections(user) -> list[dict]:
    rows = (
        Reflection.objects.filter(author=user)
        .select_related(*MEETING_PEOPLE)
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {**_with_whom(r.meeting, user), "text": r.text, "updated_at": r.updated_at} for r in rows
    ]


def _action_items(user) -> list[dict]:
    rows = (
        ActionItem.objects.visible_to(user)
        .select_related("mentorship__programme", "meeting")
        .order_by("mentorship_id", "pk")
    )
    return [
        {
            "programme": a.mentorship.programme.name,
            "text": a.text,
            "whose": a.get_owner_display(),
            "from_meeting_on": a.meeting.starts_at if a.meeting else None,
            **fields_of(a, ("due_on", "done_at", "created_at")),
            "added_by_you": a.created_by_id == user.pk,
        }
        for a in rows
    ]


AGREEMENT_FIELDS = (
    "meeting_frequency",
    "contact",
    "confidentiality",
    "signposting",
    "ending",
    "version",
    "mentor_confirmed_at",
    "mentee_confirmed_at",
    "updated_at",
)


def _agreements(user) -> list[dict]:
    rows = (
        MentoringAgreement.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("mentorship__programme", "mentorship__mentor", "mentorship__mentee")
        .order_by("mentorship_id")
    )
    return [
        {
            "programme": a.mentorship.programme.name,
            "mentor": a.mentorship.mentor.full_name,
            "mentee": a.mentorship.mentee.full_name,
            **fields_of(a, AGREEMENT_FIELDS),
        }
        for a in rows
    ]


def _availability(user) -> dict:
    defaults = MeetingDefaults.objects.filter(mentor=user).first()
    return {
        "default_video_link": defaults.video_link if defaults else "",
        "default_meeting_place": defaults.location if defaults else "",
        "weekly_windows": [
            {
                "weekday": w.get_weekday_display(),
                **fields_of(w, ("start_time", "end_time", "time_zone", "modes")),
            }
            for w in AvailabilityWindow.objects.filter(mentor=user)
        ],
        "one_off_slots": [
            fields_of(s, ("starts_at", "ends_at", "modes"))
            for s in AvailabilitySlot.objects.filter(mentor=user)
        ],
        "time_away": [
            fields_of(b, ("starts_on", "ends_on", "note"))
            for b in Blackout.objects.filter(mentor=user)
        ],
    }


def _calendar_feed(user) -> dict:
    # Whether a private feed exists, never its address: the token opens the calendar.
    feed = CalendarFeed.objects.filter(user=user).only("created_at").first()
    return {"has_a_calendar_feed": feed is not None, "set_up_at": feed.created_at if feed else None}


def _readable_availability(data: dict) -> dict:
    modes = dict(MeetingMode.choices)

    def words(rows: list[dict]) -> list[dict]:
        return [{**r, "modes": [modes.get(m, m) for m in r["modes"] or []]} for r in rows]

    return {
        **data,
        "weekly_windows": words(data["weekly_windows"]),
        "one_off_slots": words(data["one_off_slots"]),
    }


def _end(closure: Closure) -> None:
    # The other person hears of the closure by email; a new sequence updates calendars.
    Meeting.objects.of_member(closure.person).filter(
        starts_at__gt=closure.now,
        status__in=(Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED),
    ).update(
        status=Meeting.Status.CANCELLED,
        cancelled_by=closure.person,
        cancel_reason="",
        sequence=F("sequence") + 1,
        updated_at=closure.now,
    )


def _erase(closure: Closure) -> None:
    # Their own words go; the other person's notes and reflections stay theirs. A
    # mentor's shared summary stays, as it is the mentee's record of the meeting too.
    person = closure.person
    Reflection.objects.filter(author=person).delete()
    AgendaItem.objects.filter(author=person).delete()
    SessionNote.objects.filter(author=person).update(sections={}, private_notes=None)
    Meeting.objects.filter(cancelled_by=person).update(cancel_reason="")
    CalendarFeed.objects.filter(user=person).delete()
    MeetingDefaults.objects.filter(mentor=person).delete()
    AvailabilityWindow.objects.filter(mentor=person).delete()
    AvailabilitySlot.objects.filter(mentor=person).delete()
    Blackout.objects.filter(mentor=person).delete()


def _labels(*names: str) -> tuple[str, ...]:
    return tuple(f"mentoring_sessions.{name}" for name in names)


AVAILABILITY = _labels("MeetingDefaults", "AvailabilityWindow", "AvailabilitySlot", "Blackout")
SECTIONS = (
    ("meetings", _meetings, "Meetings", _labels("Meeting", "AgendaItem")),
    (
        "meeting_ratings",
        _meeting_ratings,
        "How you rated your meetings",
        _labels("MeetingFeedback"),
    ),
    (
        "session_notes_you_wrote",
        _session_notes_you_wrote,
        "Session notes you wrote",
        _labels("SessionNote"),
    ),
    (
        "session_notes_shared_with_you",
        _session_notes_shared_with_you,
        "Session notes shared with you",
        _labels("SessionNote"),
    ),
    ("reflections", _reflections, "Your reflections", _labels("Reflection")),
    ("action_items", _action_items, "Action items", _labels("ActionItem")),
    ("mentoring_agreements", _agreements, "Mentoring agreements", _labels("MentoringAgreement")),
    ("calendar_feed", _calendar_feed, "Your calendar feed", _labels("CalendarFeed")),
)


def register() -> None:
    for key, build, title, covers in SECTIONS:
        register_export_section(key, build, title=title, covers=covers)
    register_export_section(
        "availability",
        _availability,
        title="Your availability",
        covers=AVAILABILITY,
        readable=_readable_availability,
    )
    register_erasure_step("sessions", _end, stage="end", covers=_labels("Meeting"))
    register_erasure_step(
        "sessions",
        _erase,
        stage="erase",
        covers=(
            *_labels("Reflection", "AgendaItem", "SessionNote", "Meeting", "CalendarFeed"),
            *AVAILABILITY,
        ),
    )
