"""People's privacy rights: download everything held about them, and close their account.

The download is a ZIP of `data.json` and a readable `summary.html`, built from a list
of sections (`SECTIONS`), each a function of the person that makes a fixed number of
queries. It holds the person's own data and correspondence only: never another
person's check-ins, private notes or support requests, and never the other side's
private words (a mentor's private decline reason goes only to that mentor).

Closing an account erases the person's confidential records, replaces their identity
in shared records by "Former member", and keeps the anonymised figures that
programme aggregates count (a check-in's score and band, a closing review's ratings).
The other party of a mentorship keeps their own notes and records.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import ClosingReview, DeclaredConflict, MentorRequest, Mentorship
from mentoring.accounts.models import MatchingPreferences, Profile, User
from mentoring.notifications.emails import send_email
from mentoring.notifications.models import Notification, NotificationPreference
from programmes.errors import ProgrammeError
from programmes.models import Application, ApplicationQuestion, Invitation, Membership, Programme
from sessions.models import (
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

from ..models import AccessLog, CheckIn, Referral, SupportRequest

FORMER_MEMBER = "Former member"
# MentorRequest.message cannot be empty: what the person wrote is replaced by this.
REMOVED_TEXT = "(Removed when the member closed their account.)"


def former_member_email(user_id: int) -> str:
    """Unique and never deliverable (.invalid is reserved for exactly this)."""
    return f"former-member-{user_id}@account-closed.invalid"


# Download my data --------------------------------------------------------------------


def _fields(obj, names) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _all_fields(obj, *, skip=("id", "user")) -> dict[str, Any]:
    return {
        f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip
    }


def _account(user: User) -> dict:
    return {
        **_fields(
            user,
            ("email", "full_name", "preferred_name", "pronouns", "time_zone", "date_joined"),
        ),
        "last_login": user.last_login,
        "email_addresses": [
            _fields(address, ("email", "verified", "primary"))
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # Which methods are set up, never their secrets.
        "two_factor_methods": [
            {
                "type": a.get_type_display(),
                "created_at": a.created_at,
                "last_used_at": a.last_used_at,
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile(user: User) -> dict | None:
    profile = Profile.objects.filter(user=user).first()
    return _all_fields(profile) if profile else None


def _matching_preferences(user: User) -> dict | None:
    prefs = MatchingPreferences.objects.filter(user=user).first()
    return _all_fields(prefs) if prefs else None


def _memberships(user: User) -> list[dict]:
    rows = Membership.objects.filter(user=user).select_related("programme").order_by("joined_at")
    return [
        {
            "programme": m.programme.name,
            "role": m.get_role_display(),
            **_fields(m, ("capacity", "accepting_mentees", "joined_at", "ended_at")),
        }
        for m in rows
    ]


def _applications(user: User) -> list[dict]:
    applications = list(
        Application.objects.filter(applicant=user).select_related("programme").order_by("pk")
    )
    ids = {int(k) for a in applications for k in a.answers if str(k).isdigit()}
    questions = dict(ApplicationQuestion.objects.filter(pk__in=ids).values_list("pk", "text"))
    return [
        {
            "programme": a.programme.name,
            "role": a.get_role_display(),
            "status": a.get_status_display(),
            **_fields(a, ("goals", "motivation", "capacity", "via_invitation")),
            "answers": {
                questions.get(int(k), f"Question {k}") if str(k).isdigit() else k: v
                for k, v in a.answers.items()
            },
            **_fields(a, ("submitted_at", "decided_at", "decision_message", "withdrawn_at")),
        }
        for a in applications
    ]


def _invitations(user: User) -> list[dict]:
    rows = (
        Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))
        .select_related("programme")
        .order_by("created_at")
    )
    return [
        {
            "programme": i.programme.name,
            "role": i.get_role_display(),
            **_fields(i, ("email", "full_name", "created_at", "expires_at", "accepted_at")),
            "revoked_at": i.revoked_at,
        }
        for i in rows
    ]


def _mentor_requests(user: User) -> list[dict]:
    rows = (
        MentorRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("programme", "mentee", "mentor")
        .order_by("created_at")
    )
    out = []
    for r in rows:
        is_mentor = r.mentor_id == user.pk
        row = {
            "direction": "received (you were asked to mentor)" if is_mentor else "made by you",
            "programme": r.programme.name,
            "mentee": r.mentee.full_name,
            "mentor": r.mentor.full_name,
            "status": r.get_status_display(),
            **_fields(r, ("message", "created_at", "expires_at", "responded_at", "reply_message")),
        }
        if is_mentor:  # the mentor's private reason is theirs alone
            row["your_private_decline_reason"] = r.decline_reason
        out.append(row)
    return out


def _review(review: ClosingReview | None) -> dict | None:
    if review is None:
        return None
    return _fields(review, ("helpfulness", "supportive_environment", "comments", "created_at"))


def _mentorships(user: User) -> list[dict]:
    rows = (
        Mentorship.objects.of_member(user)
        .select_related("programme", "mentor", "mentee")
        .order_by("created_at")
    )
    reviews = {r.mentorship_id: r for r in ClosingReview.objects.filter(author=user)}
    out = []
    for m in rows:
        row = {
            "programme": m.programme.name,
            "your_role": "mentor" if m.mentor_id == user.pk else "mentee",
            "mentor": m.mentor.full_name,
            "mentee": m.mentee.full_name,
            "status": m.get_status_display(),
            "origin": m.get_origin_display(),
            **_fields(m, ("created_at", "started_on", "planned_end_on", "paused_until")),
            "closed_at": m.closed_at,
            "close_reason": m.get_close_reason_display() if m.close_reason else "",
            "closed_by_you": m.closed_by_id == user.pk,
            "your_closing_review": _review(reviews.get(m.pk)),
        }
        if m.closed_by_id == user.pk:  # a close note is private to whoever closed
            row["your_private_close_note"] = m.close_note
        out.append(row)
    return out


def _declared_conflicts(user: User) -> list[dict]:
    rows = DeclaredConflict.objects.filter(mentee=user).select_related("programme", "mentor")
    return [
        {
            "programme": c.programme.name,
            "mentor": c.mentor.full_name,
            "kind": c.get_kind_display(),
            "created_at": c.created_at,
        }
        for c in rows.order_by("created_at")
    ]


def _checkins(user: User) -> list[dict]:
    rows = CheckIn.objects.filter(user=user).select_related("programme").order_by("created_at")
    return [
        {
            "created_at": c.created_at,
            "programme": c.programme.name if c.programme else None,
            "role": c.get_role_display() if c.role else "",
            **_fields(c, ("instrument", "answers", "raw_score", "score", "band")),
            **_fields(c, ("anything_on_mind", "what_would_help")),
            "shared_with_mentor": c.share_with_mentor,
        }
        for c in rows
    ]


def _support_requests(user: User) -> list[dict]:
    rows = (
        SupportRequest.objects.filter(user=user)
        .select_related("programme", "handled_by")
        .order_by("created_at")
    )
    return [
        {
            "programme": s.programme.name,
            "contact_method": s.get_contact_method_display(),
            **_fields(s, ("contact_details", "preferred_times", "message")),
            "status": s.get_status_display(),
            "from_a_referral": s.referral_id is not None,
            "created_at": s.created_at,
            "handled_by": s.handled_by.full_name if s.handled_by else None,
            "handled_at": s.handled_at,
        }
        for s in rows
    ]


def _referral(r: Referral, **who) -> dict:
    return {
        "programme": r.mentorship.programme.name,
        **who,
        "service": r.service.name if r.service else None,
        "note": r.note,
        "status": r.get_status_display(),
        "created_at": r.created_at,
        "decided_at": r.decided_at,
    }


def _referrals_about_you(user: User) -> list[dict]:
    rows = Referral.objects.filter(mentorship__mentee=user).select_related(
        "mentorship__programme", "mentorship__mentor", "service"
    )
    return [_referral(r, suggested_by=r.mentorship.mentor.full_name) for r in rows.order_by("pk")]


def _referrals_you_suggested(user: User) -> list[dict]:
    # The suggestion and its status, as the mentor saw it; never the mentee's request.
    rows = Referral.objects.filter(mentorship__mentor=user).select_related(
        "mentorship__programme", "mentorship__mentee", "service"
    )
    return [_referral(r, for_mentee=r.mentorship.mentee.full_name) for r in rows.order_by("pk")]


def _access_log(user: User) -> list[dict]:
    rows = AccessLog.objects.filter(subject=user).select_related("actor").order_by("at")
    return [
        {
            "who": e.actor.full_name if e.actor else FORMER_MEMBER,
            "record_type": e.record_type,
            "record_id": e.record_id,
            "action": e.action,
            "at": e.at,
        }
        for e in rows
    ]


def _notifications(user: User) -> list[dict]:
    rows = Notification.objects.filter(recipient=user).order_by("created_at")
    return [
        _fields(n, ("kind", "occurrence", "status", "title", "due_at", "sent_at", "read_at"))
        for n in rows
    ] + [
        _fields(p, ("kind", "channel", "updated_at"))
        for p in NotificationPreference.objects.filter(user=user).order_by("kind")
    ]


def _with_whom(meeting: Meeting, user: User) -> dict[str, Any]:
    is_mentor = meeting.mentor_id == user.pk
    return {
        "programme": meeting.mentorship.programme.name,
        "your_role": "mentor" if is_mentor else "mentee",
        "with": (meeting.mentee if is_mentor else meeting.mentor).full_name,
        "starts_at": meeting.starts_at,
    }


def _meeting_ratings(user: User) -> list[dict]:
    rows = (
        MeetingFeedback.objects.filter(mentee=user)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {"meeting_on": f.meeting.starts_at, "rating": f.rating, "given_at": f.updated_at}
        for f in rows
    ]


def _meetings(user: User) -> list[dict]:
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
            **_fields(m, ("ends_at", "video_link", "location", "created_at")),
            "mode": m.get_mode_display(),
            "status": m.get_status_display(),
            "cancelled_by_you": m.cancelled_by_id == user.pk,
            "your_agenda_items": [{"text": a.text, "added_at": a.created_at} for a in m.own_agenda],
        }
        if m.cancelled_by_id == user.pk:
            row["your_cancellation_reason"] = m.cancel_reason
        out.append(row)
    return out


def _session_notes_you_wrote(user: User) -> list[dict]:
    # The author's whole note, private parts included: they are the author's own.
    rows = (
        SessionNote.objects.filter(author=user)
        .select_related("meeting__mentorship__programme", "meeting__mentor", "meeting__mentee")
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
            **_fields(n, ("created_at", "updated_at")),
        }
        for n in rows
    ]


def _session_notes_shared_with_you(user: User) -> list[dict]:
    # Only the part the author shared with the person; never their private sections.
    rows = (
        SessionNote.objects.filter(meeting__mentee=user)
        .exclude(author=user)
        .select_related("meeting__mentorship__programme", "meeting__mentor", "meeting__mentee")
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


def _reflections(user: User) -> list[dict]:
    rows = (
        Reflection.objects.filter(author=user)
        .select_related("meeting__mentorship__programme", "meeting__mentor", "meeting__mentee")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        {**_with_whom(r.meeting, user), "text": r.text, "updated_at": r.updated_at} for r in rows
    ]


def _action_items(user: User) -> list[dict]:
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
            **_fields(a, ("due_on", "done_at", "created_at")),
            "added_by_you": a.created_by_id == user.pk,
        }
        for a in rows
    ]


def _agreements(user: User) -> list[dict]:
    rows = (
        MentoringAgreement.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("mentorship__programme", "mentorship__mentor", "mentorship__mentee")
        .order_by("mentorship_id")
    )
    out = []
    for a in rows:
        mentorship = a.mentorship
        out.append(
            {
                "programme": mentorship.programme.name,
                "mentor": mentorship.mentor.full_name,
                "mentee": mentorship.mentee.full_name,
                **_fields(
                    a,
                    (
                        "meeting_frequency",
                        "contact",
                        "confidentiality",
                        "signposting",
                        "ending",
                        "version",
                        "mentor_confirmed_at",
                        "mentee_confirmed_at",
                        "updated_at",
                    ),
                ),
            }
        )
    return out


def _availability(user: User) -> dict:
    defaults = MeetingDefaults.objects.filter(mentor=user).first()
    return {
        "default_video_link": defaults.video_link if defaults else "",
        "default_meeting_place": defaults.location if defaults else "",
        "weekly_windows": [
            {
                "weekday": w.get_weekday_display(),
                **_fields(w, ("start_time", "end_time", "time_zone", "modes")),
            }
            for w in AvailabilityWindow.objects.filter(mentor=user)
        ],
        "one_off_slots": [
            _fields(s, ("starts_at", "ends_at", "modes"))
            for s in AvailabilitySlot.objects.filter(mentor=user)
        ],
        "time_away": [
            _fields(b, ("starts_on", "ends_on", "note"))
            for b in Blackout.objects.filter(mentor=user)
        ],
    }


def _calendar_feed(user: User) -> dict:
    # Whether a private feed exists, never its address: the token opens the calendar.
    feed = CalendarFeed.objects.filter(user=user).only("created_at").first()
    return {"has_a_calendar_feed": feed is not None, "set_up_at": feed.created_at if feed else None}


@dataclass(frozen=True)
class Section:
    key: str  # the key in data.json
    title: str  # the heading in summary.html
    build: Callable[[User], Any]  # a fixed number of queries, whatever the data size


# data.json and summary.html pick up a new section here with no other change.
SECTIONS: list[Section] = [
    Section("account", "Your account", _account),
    Section("profile", "Your profile", _profile),
    Section("matching_preferences", "Your private matching preferences", _matching_preferences),
    Section("memberships", "Programmes you belong to", _memberships),
    Section("applications", "Your applications", _applications),
    Section("invitations", "Invitations sent to you", _invitations),
    Section("mentor_requests", "Mentor requests", _mentor_requests),
    Section("mentorships", "Mentorships", _mentorships),
    Section("declared_conflicts", "Conflicts of interest you declared", _declared_conflicts),
    Section("checkins", "Wellbeing check-ins", _checkins),
    Section("support_requests", "Support requests", _support_requests),
    Section("referrals_about_you", "Referrals suggested for you", _referrals_about_you),
    Section("referrals_you_suggested", "Referrals you suggested", _referrals_you_suggested),
    Section("access_log", "Who has read your records", _access_log),
    Section("notifications", "Reminders and your choices about them", _notifications),
    Section("meetings", "Meetings", _meetings),
    Section("meeting_ratings", "How you rated your meetings", _meeting_ratings),
    Section("session_notes_you_wrote", "Session notes you wrote", _session_notes_you_wrote),
    Section(
        "session_notes_shared_with_you",
        "Session notes shared with you",
        _session_notes_shared_with_you,
    ),
    Section("reflections", "Your reflections", _reflections),
    Section("action_items", "Action items", _action_items),
    Section("mentoring_agreements", "Mentoring agreements", _agreements),
    Section("availability", "Your availability", _availability),
    Section("calendar_feed", "Your calendar feed", _calendar_feed),
]


def export_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, section by section."""
    with transaction.atomic():  # one consistent snapshot
        return {section.key: section.build(user) for section in SECTIONS}


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return " | ".join(_text(v) for v in value)
    return str(value)


def _records(data: Any) -> list[list[tuple[str, str]]]:
    """A section's data as records of (label, text) rows for the summary."""
    if data is None:
        return []
    items = data if isinstance(data, list) else [data]
    return [[(_label(k), _text(v)) for k, v in item.items()] for item in items]


def export_summary_html(*, user: User, data: dict[str, Any], generated_at: dt.datetime) -> str:
    sections = [
        {"title": s.title, "key": s.key, "records": _records(data.get(s.key))} for s in SECTIONS
    ]
    return render_to_string(
        "wellbeing/export_summary.html",
        {
            "person": user,
            "sections": sections,
            "generated_at": generated_at,
            "SITE_NAME": settings.SITE_NAME,
        },
    )


def data_export_build(*, user: User) -> bytes:
    """The ZIP a person downloads: data.json and summary.html, built in memory."""
    now = timezone.now()
    data = export_data(user=user)
    document = {"generated_at": now, "about": user.email, **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr(
            "summary.html", export_summary_html(user=user, data=data, generated_at=now)
        )
    return buffer.getvalue()


# Close my account ----------------------------------------------------------------------


def _check_programmes_keep_a_coordinator(person: User) -> None:
    mine = Membership.objects.active().filter(user=person, role=Membership.Role.COORDINATOR)
    for membership in mine.select_related("programme"):
        programme = membership.programme
        if programme.status == Programme.Status.CLOSED:
            continue
        others = (
            Membership.objects.active()
            .filter(programme=programme, role=Membership.Role.COORDINATOR)
            .exclude(user=person)
        )
        if not others.exists():
            raise ProgrammeError(
                f"You are the only coordinator of {programme.name}. Add another coordinator "
                "on its team page, or close the programme, before closing your account."
            )


def _close_mentorships(person: User, now: dt.datetime) -> None:
    open_ones = (
        Mentorship.objects.select_for_update(of=("self",))
        .of_member(person)
        .open()
        .select_related("programme", "mentor", "mentee")
    )
    for mentorship in open_ones:
        is_mentor = mentorship.mentor_id == person.pk
        mentorship.status = Mentorship.Status.CLOSED
        mentorship.close_reason = (
            Mentorship.CloseReason.MENTOR_WITHDREW
            if is_mentor
            else Mentorship.CloseReason.MENTEE_WITHDREW
        )
        mentorship.closed_at = now
        mentorship.closed_by = person
        mentorship.paused_until = None
        mentorship.save(
            update_fields=["status", "close_reason", "closed_at", "closed_by", "paused_until"]
        )
        other = mentorship.other_person(person)
        # Rendered now, while the person's name is still theirs; sent on commit.
        send_email(
            "account_closed_partner",
            to=[other.email],
            context={
                "recipient": other,
                "person": person,
                "programme": mentorship.programme,
                "was_mentor": is_mentor,
            },
        )


def _end_relationships(person: User, old_email: str, now: dt.datetime) -> None:
    _close_mentorships(person, now)
    MentorRequest.objects.filter(
        Q(mentee=person) | Q(mentor=person), status=MentorRequest.Status.PENDING
    ).update(status=MentorRequest.Status.WITHDRAWN, responded_at=now)
    Membership.objects.active().filter(user=person).update(ended_at=now)
    Application.objects.filter(applicant=person, status=Application.Status.SUBMITTED).update(
        status=Application.Status.WITHDRAWN, withdrawn_at=now
    )
    Invitation.objects.pending().filter(email__iexact=old_email).update(revoked_at=now)
    _cancel_future_meetings(person, now)


def _cancel_future_meetings(person: User, now: dt.datetime) -> None:
    # The other person hears of the closure by email; a new sequence updates calendars.
    Meeting.objects.of_member(person).filter(
        starts_at__gt=now, status__in=(Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED)
    ).update(
        status=Meeting.Status.CANCELLED,
        cancelled_by=person,
        cancel_reason="",
        sequence=F("sequence") + 1,
        updated_at=now,
    )


def _erase_confidential(person: User) -> None:
    # Check-ins keep only what the programme's figures count: when, where, role, score, band.
    CheckIn.objects.filter(user=person).update(
        answers=[],
        anything_on_mind=None,
        what_would_help=None,
        share_with_mentor=False,
        shared_mentorship=None,
    )
    SupportRequest.objects.filter(user=person).delete()
    Referral.objects.filter(mentorship__mentee=person).delete()
    # Ratings stay for the programme's evaluation; the words go.
    ClosingReview.objects.filter(author=person).update(comments=None)
    Mentorship.objects.filter(closed_by=person).update(close_note=None)
    MatchingPreferences.objects.filter(user=person).delete()
    DeclaredConflict.objects.filter(mentee=person).delete()
    MentorRequest.objects.filter(mentee=person).update(message=REMOVED_TEXT)
    MentorRequest.objects.filter(mentor=person).update(decline_reason=None, reply_message="")
    Application.objects.filter(applicant=person).update(goals="", motivation="", answers={})
    # Their notifications list (titles name other people) and waiting reminders.
    Notification.objects.filter(recipient=person).delete()
    NotificationPreference.objects.filter(user=person).delete()
    _erase_session_records(person)


def _erase_session_records(person: User) -> None:
    # Their own words go; the other person's notes and reflections stay theirs. A
    # mentor's shared summary stays, as it is the mentee's record of the meeting too.
    Reflection.objects.filter(author=person).delete()
    AgendaItem.objects.filter(author=person).delete()
    SessionNote.objects.filter(author=person).update(sections={}, private_notes=None)
    Meeting.objects.filter(cancelled_by=person).update(cancel_reason="")
    CalendarFeed.objects.filter(user=person).delete()
    MeetingDefaults.objects.filter(mentor=person).delete()
    AvailabilityWindow.objects.filter(mentor=person).delete()
    AvailabilitySlot.objects.filter(mentor=person).delete()
    Blackout.objects.filter(mentor=person).delete()


def _blank_profile(person: User) -> None:
    profile = Profile.objects.filter(user=person).first()
    if profile is None:
        return
    for field in Profile._meta.concrete_fields:
        if field.name in ("id", "user", "updated_at"):
            continue
        setattr(profile, field.attname, field.get_default())
    profile.languages = ""
    profile.save()


def _anonymise_identity(person: User, old_email: str) -> None:
    new_email = former_member_email(person.pk)
    Invitation.objects.filter(Q(email__iexact=old_email) | Q(accepted_by=person)).update(
        email=new_email, full_name=""
    )
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    _blank_profile(person)
    person.full_name = FORMER_MEMBER
    person.preferred_name = ""
    person.pronouns = ""
    person.email = new_email
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    # A new password hash also ends every other signed-in session of the person.
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()


@transaction.atomic
def account_close(*, user: User) -> User:
    """Close the person's account: end, erase and anonymise, all or nothing.

    The confirmation goes to their address as it was, rendered before anything
    changes and sent once the transaction commits.
    """
    person = User.objects.select_for_update().get(pk=user.pk)
    if not person.is_active:
        raise ProgrammeError("This account is already closed.")
    _check_programmes_keep_a_coordinator(person)
    old_email = person.email
    send_email("account_closed", to=[old_email], context={"recipient": person})
    now = timezone.now()
    _end_relationships(person, old_email, now)
    _erase_confidential(person)
    _anonymise_identity(person, old_email)
    return person
