"""The mentoring agreement (contracting): draft, revise, confirm."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentoring.notifications.emails import send_email

from ..errors import MeetingError
from ..models import MentoringAgreement

FIELDS = ("meeting_frequency", "contact", "confidentiality", "signposting", "ending")
MAX_CHARS = 4_000


def agreement_defaults(*, mentorship: Mentorship) -> dict[str, str]:
    """Sensible starting wording, from the programme's meeting frequency and length."""
    programme = mentorship.programme
    frequency = programme.get_meeting_frequency_display().lower()
    minutes = programme.meeting_length_minutes
    return {
        "meeting_frequency": (
            f"We aim to meet {frequency} for about {minutes} minutes, for the length of the "
            "programme. We book the next meeting before the end of each one, and either of us "
            "can ask to meet sooner or move a meeting with a few days' notice."
        ),
        "contact": (
            "Between meetings we keep in touch through the platform's messages or email, "
            "and reply within a few working days. We do not expect replies out of hours or "
            "on leave."
        ),
        "confidentiality": (
            "What we discuss stays between us. The mentor keeps brief notes; the shared "
            "summary and action points are visible to both of us. The limit: if either of "
            "us believes someone is at risk of serious harm, or a patient-safety or legal "
            "duty applies, we may need to share information, and will talk about it first "
            "wherever we can."
        ),
        "signposting": (
            "Mentoring is not counselling, supervision or occupational health. If something "
            "needs other help (health, wellbeing, a formal concern, career or educational "
            "support), the mentor will suggest where to go, and help make the contact if "
            "asked."
        ),
        "ending": (
            "Either of us can pause or end the mentoring at any time, without giving a "
            "reason. When we finish, we will hold a closing conversation to look back on "
            "what has changed and what comes next."
        ),
    }


def _member_or_error(mentorship: Mentorship, user) -> str:
    if user.pk == mentorship.mentor_id:
        return "mentor"
    if user.pk == mentorship.mentee_id:
        return "mentee"
    raise MeetingError("Only the two members of a mentorship make its agreement.")


def _notify(*, mentorship: Mentorship, actor, name: str, agreement: MentoringAgreement) -> None:
    other = mentorship.mentee if actor.pk == mentorship.mentor_id else mentorship.mentor
    if not other.email:
        return
    send_email(
        name,
        to=[other.email],
        context={
            "recipient": other,
            "actor": actor,
            "mentorship": mentorship,
            "programme": mentorship.programme,
            "version": agreement.version,
            "url": settings.SITE_URL
            + reverse("meetings:agreement_edit", kwargs={"mentorship_pk": mentorship.pk}),
        },
        in_app_for=other,
    )


@transaction.atomic
def agreement_save(*, mentorship: Mentorship, author, data: dict) -> MentoringAgreement:
    """Draft the agreement, or revise it: a revision bumps the version and clears both
    confirmations (the author confirms their own wording again when they are ready)."""
    mentorship = (
        Mentorship.objects.select_for_update()
        .select_related("programme", "mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    _member_or_error(mentorship, author)
    if mentorship.status == Mentorship.Status.CLOSED:
        raise MeetingError("This mentorship has closed; its agreement can no longer change.")
    values = {}
    for field in FIELDS:
        text = (data.get(field) or "").strip()
        if not text:
            raise MeetingError("Please fill in every part of the agreement.", field=field)
        if len(text) > MAX_CHARS:
            raise MeetingError("Each part can hold up to 4,000 characters.", field=field)
        values[field] = text
    agreement = MentoringAgreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None:
        agreement = MentoringAgreement(mentorship=mentorship, **values)
    else:
        if all(getattr(agreement, f) == v for f, v in values.items()):
            raise MeetingError("Nothing has changed in the agreement.")
        for field, value in values.items():
            setattr(agreement, field, value)
        agreement.version += 1
    agreement.mentor_confirmed_at = None
    agreement.mentee_confirmed_at = None
    agreement.updated_by = author
    agreement.save()
    _notify(mentorship=mentorship, actor=author, name="agreement_revised", agreement=agreement)
    return agreement


@transaction.atomic
def agreement_confirm(*, mentorship: Mentorship, user, version: int) -> MentoringAgreement:
    """A member confirms the version they read; a stale version is refused."""
    mentorship = (
        Mentorship.objects.select_for_update()
        .select_related("programme", "mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    role = _member_or_error(mentorship, user)
    agreement = MentoringAgreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None:
        raise MeetingError("There is no agreement to confirm yet.")
    if agreement.version != version:
        raise MeetingError(
            "The agreement was revised while you were reading it. Please read it again."
        )
    field = f"{role}_confirmed_at"
    if getattr(agreement, field):
        raise MeetingError("You have already confirmed this version.")
    setattr(agreement, field, timezone.now())
    agreement.save(update_fields=[field, "updated_at"])
    _notify(mentorship=mentorship, actor=user, name="agreement_confirmed", agreement=agreement)
    return agreement
