"""Creating and running a programme: settings, status, team and application questions."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from mentoring.notifications.emails import send_email

from ..errors import ProgrammeError
from ..models import ApplicationQuestion, Membership, Programme

User = get_user_model()

Status = Programme.Status

# Which status a programme may move to from each status.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.OPEN,),
    Status.OPEN: (Status.RUNNING, Status.CLOSED),
    Status.RUNNING: (Status.OPEN, Status.CLOSED),
    Status.CLOSED: (),
}

TEAM_ROLES = (Membership.Role.COORDINATOR, Membership.Role.WELFARE_LEAD)

PROGRAMME_FIELDS = (
    "name",
    "description",
    "audience",
    "starts_on",
    "ends_on",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "kind",
    "matching_route",
    "default_mentor_capacity",
    "relationship_months",
    "meeting_frequency",
    "meeting_length_minutes",
    "default_note_framework",
    "coordinators_require_mfa",
    "contact_email",
)


def _raise_from(error: ValidationError) -> None:
    """Turn a model validation error into the domain error views understand."""
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        raise ProgrammeError(messages[0], field=None if field == "__all__" else field)
    raise ProgrammeError(error.messages[0])


# Paths under /programmes/ that a programme's address must not shadow.
RESERVED_SLUGS = frozenset({"new", "applications"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:150] or "programme"
    taken = set(
        Programme.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
            "slug", flat=True
        )
    )
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _users_by_email(emails: Iterable[str]) -> list:
    """Registered people for these addresses; every unknown address is an error."""
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    if not wanted:
        return []
    query = Q()
    for email in wanted:
        query |= Q(email__iexact=email)
    found = {u.email.lower(): u for u in User.objects.filter(query, is_active=True)}
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise ProgrammeError(
            "No one is registered with "
            + ", ".join(unknown)
            + ". Ask them to sign up first, then add them.",
            field="co_coordinator_emails",
        )
    return [found[e] for e in wanted]


def _lock_for(programme: Programme, actor) -> Programme:
    """Lock the programme's row, checking the person acting coordinates it."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    is_coordinator = Membership.objects.active().filter(
        programme=locked, user=actor, role=Membership.Role.COORDINATOR
    )
    if not is_coordinator.exists():
        raise ProgrammeError("Only this programme's coordinators can change it.")
    return locked


def _notify_team_added(membership: Membership, *, added_by) -> None:
    send_email(
        "team_added",
        to=[membership.user.email],
        context={
            "person": membership.user,
            "programme": membership.programme,
            "role": membership.get_role_display().lower(),
            "is_coordinator": membership.role == Membership.Role.COORDINATOR,
            "added_by": added_by,
        },
    )


@transaction.atomic
def programme_create(
    *, creator, data: dict, co_coordinator_emails: Iterable[str] = ()
) -> Programme:
    """Create a draft programme whose first coordinator is its creator."""
    if not creator.has_perm("programmes.add_programme"):
        raise ProgrammeError("You do not have permission to create programmes.")
    co_coordinators = [u for u in _users_by_email(co_coordinator_emails) if u.pk != creator.pk]
    programme = Programme(
        **{f: data[f] for f in PROGRAMME_FIELDS if f in data},
        slug=_unique_slug(data.get("name", "")),
        status=Status.DRAFT,
        created_by=creator,
    )
    try:
        programme.full_clean()
    except ValidationError as error:
        _raise_from(error)
    programme.save()
    Membership.objects.create(programme=programme, user=creator, role=Membership.Role.COORDINATOR)
    for person in co_coordinators:
        membership = Membership.objects.create(
            programme=programme, user=person, role=Membership.Role.COORDINATOR
        )
        _notify_team_added(membership, added_by=creator)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, actor, data: dict) -> Programme:
    """Change a programme's settings; its address (slug) stays the same."""
    programme = _lock_for(programme, actor)
    for field in PROGRAMME_FIELDS:
        if field in data:
            setattr(programme, field, data[field])
    try:
        # created_by may be empty (a creator's account closed, or made by staff).
        programme.full_clean(exclude=["created_by"])
    except ValidationError as error:
        _raise_from(error)
    programme.save()
    return programme


@transaction.atomic
def programme_status_change(*, programme: Programme, actor, status: str) -> Programme:
    """Move a programme through draft -> open <-> running -> closed."""
    programme = _lock_for(programme, actor)
    if status not in STATUS_TRANSITIONS.get(programme.status, ()):
        current = programme.get_status_display().lower()
        target = dict(Status.choices).get(status, status).lower()
        raise ProgrammeError(f"A programme that is {current} cannot be moved to {target}.")
    today = timezone.localdate()
    if (
        status == Status.OPEN
        and programme.enrolment_closes_on
        and programme.enrolment_closes_on < today
    ):
        raise ProgrammeError(
            "The enrolment window closed on "
            f"{date_format(programme.enrolment_closes_on, 'j F Y')}. Change the enrolment dates "
            "in the "
            "settings before opening enrolment."
        )
    programme.status = status
    programme.save(update_fields=["status", "updated_at"])
    return programme


@transaction.atomic
def team_member_add(*, programme: Programme, actor, email: str, role: str) -> Membership:
    """Add a registered person as a co-coordinator or a welfare lead, and tell them."""
    if role not in TEAM_ROLES:
        raise ProgrammeError("Choose co-coordinator or welfare lead.", field="role")
    programme = _lock_for(programme, actor)
    try:
        (person,) = _users_by_email([email])
    except ProgrammeError as error:
        raise ProgrammeError(error.message, field="email") from None
    except ValueError:
        raise ProgrammeError("Enter an email address.", field="email") from None
    role_label = Membership.Role(role).label.lower()
    if Membership.objects.active().filter(programme=programme, user=person, role=role).exists():
        raise ProgrammeError(
            f"{person} is already a {role_label} of this programme.", field="email"
        )
    membership = Membership.objects.create(programme=programme, user=person, role=role)
    _notify_team_added(membership, added_by=actor)
    return membership


@transaction.atomic
def team_member_remove(*, membership: Membership, actor) -> Membership:
    """End a coordinator's or welfare lead's membership; one coordinator always stays."""
    _lock_for(membership.programme, actor)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role not in TEAM_ROLES or membership.ended_at is not None:
        raise ProgrammeError("This person is not on the programme's team.")
    if membership.role == Membership.Role.COORDINATOR:
        others = Membership.objects.active().filter(
            programme_id=membership.programme_id, role=Membership.Role.COORDINATOR
        )
        if not others.exclude(pk=membership.pk).exists():
            raise ProgrammeError(
                "A programme needs at least one coordinator. Add another coordinator first."
            )
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    return membership


def _question_save(question: ApplicationQuestion, data: dict) -> ApplicationQuestion:
    for field in ("text", "help_text", "kind", "choices", "required", "audience", "position"):
        if field in data:
            setattr(question, field, data[field])
    if question.kind != ApplicationQuestion.Kind.CHOICE:
        question.choices = ""
    else:
        question.choices = "\n".join(question.choice_list)
    try:
        question.full_clean()
    except ValidationError as error:
        _raise_from(error)
    question.save()
    return question


@transaction.atomic
def question_create(*, programme: Programme, actor, data: dict) -> ApplicationQuestion:
    """Add an application question; without a position it goes last."""
    programme = _lock_for(programme, actor)
    data = dict(data)
    if data.get("position") is None:
        last = programme.questions.aggregate(last=Max("position"))["last"]
        data["position"] = 1 if last is None else last + 1
    return _question_save(ApplicationQuestion(programme=programme), data)


@transaction.atomic
def question_update(*, question: ApplicationQuestion, actor, data: dict) -> ApplicationQuestion:
    _lock_for(question.programme, actor)
    question = ApplicationQuestion.objects.select_for_update().get(pk=question.pk)
    data = dict(data)
    if data.get("position") is None:
        data.pop("position", None)
    return _question_save(question, data)


@transaction.atomic
def question_delete(*, question: ApplicationQuestion, actor) -> None:
    _lock_for(question.programme, actor)
    ApplicationQuestion.objects.filter(pk=question.pk).delete()
