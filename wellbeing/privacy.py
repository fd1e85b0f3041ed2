"""Wellbeing's part of the privacy rights: check-ins, support requests, referrals, access log."""

from __future__ import annotations

from mentoring.privacy import (
    FORMER_MEMBER,
    Closure,
    fields_of,
    register_erasure_step,
    register_export_section,
)

from .instruments import INSTRUMENTS
from .models import AccessLog, CheckIn, Referral, SupportRequest


def _checkins(user) -> list[dict]:
    rows = CheckIn.objects.filter(user=user).select_related("programme").order_by("created_at")
    return [
        {
            "created_at": c.created_at,
            "programme": c.programme.name if c.programme else None,
            "role": c.get_role_display() if c.role else "",
            **fields_of(c, ("instrument", "answers", "raw_score", "score", "band")),
            **fields_of(c, ("anything_on_mind", "what_would_help")),
            "shared_with_mentor": c.share_with_mentor,
        }
        for c in rows
    ]


def _readable_checkin(row: dict) -> dict:
    """The instrument's name, the band's label and each answer in the form's words."""
    instrument = INSTRUMENTS.get(row["instrument"])
    if instrument is None:
        return row
    band = instrument.band_named(row["band"])
    options = dict(instrument.options)
    return {
        **row,
        "instrument": instrument.name,
        "answers": [
            f"{item}: {options.get(answer, answer)}"
            for item, answer in zip(instrument.items, row["answers"], strict=False)
        ],
        "band": band.label if band else row["band"],
    }


def _readable_checkins(rows: list[dict]) -> list[dict]:
    return [_readable_checkin(row) for row in rows]


def _support_requests(user) -> list[dict]:
    rows = (
        SupportRequest.objects.filter(user=user)
        .select_related("programme", "handled_by")
        .order_by("created_at")
    )
    return [
        {
            "programme": s.programme.name,
            "contact_method": s.get_contact_method_display(),
            **fields_of(s, ("contact_details", "preferred_times", "message")),
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


def _referrals_about_you(user) -> list[dict]:
    rows = Referral.objects.filter(mentorship__mentee=user).select_related(
        "mentorship__programme", "mentorship__mentor", "service"
    )
    return [_referral(r, suggested_by=r.mentorship.mentor.full_name) for r in rows.order_by("pk")]


def _referrals_you_suggested(user) -> list[dict]:
    # The suggestion and its status, as the mentor saw it; never the mentee's request.
    rows = Referral.objects.filter(mentorship__mentor=user).select_related(
        "mentorship__programme", "mentorship__mentee", "service"
    )
    return [_referral(r, for_mentee=r.mentorship.mentee.full_name) for r in rows.order_by("pk")]


def _access_log(user) -> list[dict]:
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


def _erase(closure: Closure) -> None:
    person = closure.person
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


def register() -> None:
    register_export_section(
        "checkins",
        _checkins,
        title="Wellbeing check-ins",
        covers=("wellbeing.CheckIn",),
        readable=_readable_checkins,
    )
    register_export_section(
        "support_requests",
        _support_requests,
        title="Support requests",
        covers=("wellbeing.SupportRequest",),
    )
    register_export_section(
        "referrals_about_you", _referrals_about_you, title="Referrals suggested for you"
    )
    register_export_section(
        "referrals_you_suggested", _referrals_you_suggested, title="Referrals you suggested"
    )
    register_export_section(
        "access_log",
        _access_log,
        title="Who has read your records",
        covers=("wellbeing.AccessLog",),
    )
    register_erasure_step(
        "wellbeing",
        _erase,
        stage="erase",
        covers=("wellbeing.CheckIn", "wellbeing.SupportRequest"),
    )
