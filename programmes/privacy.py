"""Programmes' part of the privacy rights: memberships, applications and invitations."""

from __future__ import annotations

from django.db.models import Q

from mentoring.privacy import (
    Closure,
    fields_of,
    former_member_email,
    register_closure_check,
    register_erasure_step,
    register_export_section,
    register_kept,
)

from .errors import ProgrammeError
from .models import Application, ApplicationQuestion, Invitation, Membership, Programme


def _memberships(user) -> list[dict]:
    rows = Membership.objects.filter(user=user).select_related("programme").order_by("joined_at")
    return [
        {
            "programme": m.programme.name,
            "role": m.get_role_display(),
            **fields_of(m, ("capacity", "accepting_mentees", "joined_at", "ended_at")),
        }
        for m in rows
    ]


def _applications(user) -> list[dict]:
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
            **fields_of(a, ("goals", "motivation", "capacity", "via_invitation")),
            "answers": {
                questions.get(int(k), f"Question {k}") if str(k).isdigit() else k: v
                for k, v in a.answers.items()
            },
            **fields_of(a, ("submitted_at", "decided_at", "decision_message", "withdrawn_at")),
        }
        for a in applications
    ]


def _invitations(user) -> list[dict]:
    rows = (
        Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))
        .select_related("programme")
        .order_by("created_at")
    )
    return [
        {
            "programme": i.programme.name,
            "role": i.get_role_display(),
            **fields_of(i, ("email", "full_name", "created_at", "expires_at", "accepted_at")),
            "revoked_at": i.revoked_at,
        }
        for i in rows
    ]


def _check_programmes_keep_a_coordinator(person) -> None:
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


def _end(closure: Closure) -> None:
    person, now = closure.person, closure.now
    Membership.objects.active().filter(user=person).update(ended_at=now)
    Application.objects.filter(applicant=person, status=Application.Status.SUBMITTED).update(
        status=Application.Status.WITHDRAWN, withdrawn_at=now
    )
    Invitation.objects.pending().filter(email__iexact=closure.old_email).update(revoked_at=now)


def _erase(closure: Closure) -> None:
    Application.objects.filter(applicant=closure.person).update(goals="", motivation="", answers={})


def _anonymise(closure: Closure) -> None:
    Invitation.objects.filter(
        Q(email__iexact=closure.old_email) | Q(accepted_by=closure.person)
    ).update(email=former_member_email(closure.person.pk), full_name="")


def register() -> None:
    register_export_section(
        "memberships",
        _memberships,
        title="Programmes you belong to",
        covers=("programmes.Membership",),
    )
    register_export_section(
        "applications",
        _applications,
        title="Your applications",
        covers=("programmes.Application",),
    )
    register_export_section(
        "invitations",
        _invitations,
        title="Invitations sent to you",
        covers=("programmes.Invitation",),
    )
    register_closure_check("programmes-keep-a-coordinator", _check_programmes_keep_a_coordinator)
    register_erasure_step(
        "programmes",
        _end,
        stage="end",
        covers=("programmes.Membership", "programmes.Application", "programmes.Invitation"),
    )
    register_erasure_step("programmes", _erase, stage="erase", covers=("programmes.Application",))
    register_erasure_step(
        "programmes", _anonymise, stage="anonymise", covers=("programmes.Invitation",)
    )
    register_kept(
        "programmes.Programme",
        because="the programme belongs to its organisation; who created it then reads "
        "as the anonymised account",
    )
