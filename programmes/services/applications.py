"""Applying to a programme, withdrawing, and the coordinators' decisions."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.accounts.models import User
from mentoring.accounts.services import profile_update
from mentoring.notifications.emails import (
    Event,
    Outgoing,
    build_email,
    emails_queue,
    events_record,
    send_email,
)

from ..errors import ProgrammeError
from ..models import Application, ApplicationQuestion, Membership, Programme
from ..signals import membership_ended

# Profile fields an application may update; everything else in `data` is ignored.
PROFILE_FIELDS = (
    "job_role",
    "grade",
    "specialty",
    "years_in_practice",
    "employer",
    "region",
    "topics_seeking",
    "topics_offering",
    "meeting_modes",
)
ROLE_NOUN = {Application.Role.MENTOR: "a mentor", Application.Role.MENTEE: "a mentee"}


def _site_url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "Please check the application."


def _check_answers(*, programme: Programme, role: str, answers: dict) -> None:
    """Required questions answered, choices from the list: a guard for every caller."""
    for question in programme.questions.all():
        if not question.applies_to(role):
            continue
        answer = (answers.get(str(question.pk)) or "").strip()
        field = f"question_{question.pk}"
        if question.required and not answer:
            raise ProgrammeError(f"Please answer: {question.text}", field=field)
        options = {
            ApplicationQuestion.Kind.CHOICE: question.choice_list,
            ApplicationQuestion.Kind.YES_NO: ["Yes", "No"],
        }.get(question.kind)
        if answer and options is not None and answer not in options:
            raise ProgrammeError(f"Please choose an option for: {question.text}", field=field)


def _check_can_apply(*, applicant: User, programme: Programme, role: str) -> None:
    noun = ROLE_NOUN[role]
    if not programme.enrolment_is_open():
        raise ProgrammeError(
            f"Enrolment for {programme.name} is closed, so it cannot take applications."
        )
    live = Application.objects.live().filter(programme=programme, applicant=applicant, role=role)
    if live.exists():
        raise ProgrammeError(
            f"You have already applied to {programme.name} as {noun}. "
            "You can follow your application under My applications."
        )
    member = Membership.objects.active().filter(programme=programme, user=applicant, role=role)
    if member.exists():
        raise ProgrammeError(f"You are already {noun} in {programme.name}.")


@transaction.atomic
def application_submit(
    *,
    applicant: User,
    programme: Programme,
    role: str,
    data: dict,
    answers: dict[str, str],
) -> Application:
    """Apply to `programme` in `role`, saving the profile details given on the form.

    `data` holds profile fields (see PROFILE_FIELDS) and the application's goals,
    motivation and (mentors) capacity; `answers` is keyed by str(question id).
    """
    if role not in ROLE_NOUN:
        raise ProgrammeError("Choose whether you are applying as a mentor or a mentee.")
    # Updating the profile first locks its row, so two submissions by one person queue up.
    profile_fields = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    try:
        profile_update(user=applicant, data=profile_fields)
    except ValidationError as exc:
        raise ProgrammeError(_first_message(exc)) from exc
    _check_can_apply(applicant=applicant, programme=programme, role=role)
    _check_answers(programme=programme, role=role, answers=answers)
    goals = (data.get("goals") or "").strip()
    if role == Application.Role.MENTEE and not goals:
        raise ProgrammeError("Please tell us what you would like to work on.", field="goals")
    application = Application(
        programme=programme,
        applicant=applicant,
        role=role,
        goals=goals,
        motivation=(data.get("motivation") or "").strip(),
        capacity=(
            data.get("capacity") or programme.default_mentor_capacity
            if role == Application.Role.MENTOR
            else None
        ),
        answers={str(k): v for k, v in answers.items() if v},
    )
    try:
        application.full_clean()
        with transaction.atomic():
            application.save()
    except ValidationError as exc:
        raise ProgrammeError(_first_message(exc)) from exc
    except IntegrityError as exc:  # a second tab submitted at the same moment
        raise ProgrammeError(
            f"You have already applied to {programme.name} as {ROLE_NOUN[role]}."
        ) from exc
    _email_submitted(application)
    return application


def _email_submitted(application: Application) -> None:
    programme = application.programme
    context = {
        "application": application,
        "programme": programme,
        "applicant": application.applicant,
        "role_noun": ROLE_NOUN[application.role],
    }
    send_email(
        "application_received",
        to=[application.applicant.email],
        context={**context, "url": _site_url("programmes:my_applications")},
    )
    review_url = _site_url("programmes:application_detail", slug=programme.slug, pk=application.pk)
    coordinators = User.objects.filter(
        is_active=True,
        memberships__programme=programme,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__ended_at__isnull=True,
    ).distinct()
    for coordinator in coordinators:
        send_email(
            "application_submitted",
            to=[coordinator.email],
            context={**context, "coordinator": coordinator, "url": review_url},
            in_app_for=coordinator,
        )


@transaction.atomic
def application_withdraw(*, application: Application, by: User) -> Application:
    """The applicant withdraws; an approved applicant leaves the programme in that role."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.applicant_id != by.pk:
        raise ProgrammeError("Only the person who applied can withdraw an application.")
    if locked.status not in Application.LIVE_STATUSES:
        raise ProgrammeError(
            f"This application is already {locked.get_status_display().lower()}, "
            "so there is nothing to withdraw."
        )
    now = timezone.now()
    was_approved = locked.status == Application.Status.APPROVED
    locked.status = Application.Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.save(update_fields=["status", "withdrawn_at"])
    if was_approved:
        memberships = Membership.objects.select_for_update().filter(
            programme_id=locked.programme_id,
            user_id=locked.applicant_id,
            role=locked.role,
            ended_at__isnull=True,
        )
        if memberships.update(ended_at=now):
            membership_ended.send(
                sender=Membership,
                programme=locked.programme,
                user_id=locked.applicant_id,
                role=locked.role,
            )
    return locked


def _require_coordinator(*, programme: Programme, by: User) -> None:
    if not Programme.objects.coordinated_by(by).filter(pk=programme.pk).exists():
        raise ProgrammeError("Only the programme's coordinators can decide on applications.")


def _lock_submitted(application: Application, *, by: User) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "applicant")
        .get(pk=application.pk)
    )
    _require_coordinator(programme=locked.programme, by=by)
    if locked.status != Application.Status.SUBMITTED:
        raise ProgrammeError(
            f"This application has already been decided "
            f"({locked.get_status_display().lower()}), so it cannot be changed now."
        )
    return locked


def _membership_for(application: Application, programme: Programme) -> Membership:
    capacity = None
    if application.role == Application.Role.MENTOR:
        capacity = application.capacity or programme.default_mentor_capacity
    return Membership(
        programme=programme,
        user_id=application.applicant_id,
        role=application.role,
        capacity=capacity,
    )


def _decide(application: Application, *, status: str, by: User, message: str) -> None:
    application.status = status
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_message = message.strip()
    try:
        application.full_clean()
    except ValidationError as exc:
        raise ProgrammeError(_first_message(exc), field="message") from exc
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_message"])


def _decision_email(
    application: Application, programme: Programme, by: User
) -> tuple[Outgoing, Event]:
    """The decision's email for the outbox, and its entry in the applicant's list."""
    approved = application.status == Application.Status.APPROVED
    name = "application_approved" if approved else "application_declined"
    url = _site_url("programmes:detail", slug=programme.slug)
    msg = build_email(
        name,
        to=[application.applicant.email],
        context={
            "application": application,
            "programme": programme,
            "applicant": application.applicant,
            "role_noun": ROLE_NOUN[application.role],
            "message": application.decision_message,
            "coordinator": by,
            "url": url,
            "programmes_url": _site_url("programmes:list"),
        },
    )
    return Outgoing(msg, name, application.applicant), Event(
        name, application.applicant, msg.subject, url
    )


def _email_decisions(applications: Iterable[Application], programme: Programme, by: User) -> None:
    """One statement for the emails and one for the notifications, however many there are."""
    pairs = [_decision_email(a, programme, by) for a in applications]
    emails_queue(outgoing for outgoing, _ in pairs)
    events_record(event for _, event in pairs)


@transaction.atomic
def application_approve(*, application: Application, by: User, message: str = "") -> Application:
    """Approve a submitted application: the applicant joins the programme in that role."""
    locked = _lock_submitted(application, by=by)
    _decide(locked, status=Application.Status.APPROVED, by=by, message=message)
    already = Membership.objects.active().filter(
        programme=locked.programme, user_id=locked.applicant_id, role=locked.role
    )
    if not already.exists():  # an invitation may have made them a member meanwhile
        _membership_for(locked, locked.programme).save()
    _email_decisions([locked], locked.programme, by)
    return locked


@transaction.atomic
def application_decline(*, application: Application, by: User, message: str = "") -> Application:
    """Decline a submitted application, kindly, with an optional message."""
    locked = _lock_submitted(application, by=by)
    _decide(locked, status=Application.Status.DECLINED, by=by, message=message)
    _email_decisions([locked], locked.programme, by)
    return locked


@transaction.atomic
def applications_approve_bulk(
    *,
    programme: Programme,
    application_ids: Iterable[int],
    by: User,
    message: str = "",
) -> int:
    """Approve the programme's submitted applications among `application_ids`.

    Others (another programme's, already decided) are left alone. Returns how many
    were approved. A fixed number of queries, however many are selected.
    """
    _require_coordinator(programme=programme, by=by)
    message = message.strip()
    if len(message) > 2000:
        raise ProgrammeError("The message is too long: keep it under 2,000 characters.")
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant")
        .filter(
            programme=programme,
            status=Application.Status.SUBMITTED,
            pk__in=list(application_ids),
        )
        .order_by("pk")
    )
    if not applications:
        return 0
    existing = set(
        Membership.objects.active()
        .filter(programme=programme, user_id__in=[a.applicant_id for a in applications])
        .values_list("user_id", "role")
    )
    Membership.objects.bulk_create(
        _membership_for(a, programme)
        for a in applications
        if (a.applicant_id, a.role) not in existing
    )
    now = timezone.now()
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=Application.Status.APPROVED, decided_at=now, decided_by=by, decision_message=message
    )
    for application in applications:
        application.status = Application.Status.APPROVED
        application.decided_at, application.decided_by = now, by
        application.decision_message = message
    _email_decisions(applications, programme, by)
    return len(applications)
