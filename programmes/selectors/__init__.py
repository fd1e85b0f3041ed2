"""Reads that depend on who is asking. Each makes a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from mentoring.accounts.models import Profile

from ..models import Application, ApplicationQuestion, Invitation, Membership, Programme
from ..signals import member_next_steps

Role = Membership.Role
HOME_SUGGESTIONS = 3


@dataclass(frozen=True)
class NextStep:
    """One thing the person can do next in a programme; `url` empty for information."""

    text: str
    url: str = ""
    action: str = ""
    icon: str = "arrow-right-circle"
    tone: str = "primary"


@dataclass
class ProgrammeCard:
    programme: Programme
    roles: list[str] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    is_coordinator: bool = False


@dataclass
class HomeOverview:
    cards: list[ProgrammeCard]
    suggestions: list[Programme]
    profile_complete: bool

    @property
    def is_new(self) -> bool:
        return not self.cards


def _profile_step() -> NextStep:
    return NextStep(
        "Complete your profile so coordinators and mentors know a little about you.",
        reverse("accounts:profile_edit"),
        "Complete your profile",
        "person-vcard",
        "warning",
    )


def _latest_applications(user) -> dict[tuple[int, str], Application]:
    """The person's most recent application per (programme, role)."""
    latest: dict[tuple[int, str], Application] = {}
    for application in (
        Application.objects.filter(applicant=user)
        .select_related("programme")
        .order_by("submitted_at", "pk")
    ):
        latest[(application.programme_id, application.role)] = application
    return latest


def _review_counts(programme_ids: list[int]) -> dict[int, int]:
    if not programme_ids:
        return {}
    rows = (
        Application.objects.filter(
            programme_id__in=programme_ids, status=Application.Status.SUBMITTED
        )
        .values("programme_id")
        .annotate(n=Count("pk"))
    )
    return {row["programme_id"]: row["n"] for row in rows}


def _coordinator_steps(programme: Programme, awaiting: int) -> list[NextStep]:
    manage = reverse("programmes:manage", kwargs={"slug": programme.slug})
    steps = []
    if programme.status == Programme.Status.DRAFT:
        steps.append(
            NextStep(
                "This programme is a draft: check its settings and questions, then open enrolment.",
                manage,
                "Manage the programme",
                "rocket-takeoff",
            )
        )
    if awaiting:
        plural = "application" if awaiting == 1 else "applications"
        steps.append(
            NextStep(
                f"{awaiting} {plural} to review.",
                reverse("programmes:review", kwargs={"slug": programme.slug}),
                "Review applications",
                "inboxes",
            )
        )
    elif programme.status != Programme.Status.DRAFT:
        steps.append(
            NextStep(
                "No applications are waiting for review.",
                manage,
                "Manage the programme",
                "speedometer2",
                "muted",
            )
        )
    return steps


def _member_step(programme: Programme, role: str, profile_complete: bool) -> NextStep:
    if not profile_complete:
        return _profile_step()
    if role == Role.MENTOR:
        return NextStep(
            "Keep your profile and capacity up to date so mentees can find you.",
            reverse("accounts:profile_edit"),
            "Update your profile",
            "person-check",
        )
    if not programme.allows_mentee_requests:
        return NextStep(
            "The coordinators will match you with a mentor; we will email you when they do.",
            programme.get_absolute_url(),
            "See the programme",
            "people",
            "muted",
        )
    return NextStep(
        "Find a mentor: look through the programme and its mentors.",
        programme.get_absolute_url(),
        "Find a mentor",
        "search-heart",
    )


def _application_step(application: Application) -> NextStep | None:
    role = application.get_role_display().lower()
    if application.status == Application.Status.SUBMITTED:
        return NextStep(
            f"Your application as a {role} is awaiting review by the coordinators.",
            reverse("programmes:my_applications"),
            "See your applications",
            "hourglass-split",
            "muted",
        )
    if application.status == Application.Status.DECLINED:
        return NextStep(
            f"Your application as a {role} was not accepted this time.",
            reverse("programmes:my_applications"),
            "See the coordinators' message",
            "envelope-open",
            "muted",
        )
    return None


def _card_for(
    programme: Programme,
    roles: set[str],
    applications: list[Application],
    *,
    awaiting: int,
    profile_complete: bool,
    overrides: dict[tuple[int, str], NextStep],
) -> ProgrammeCard:
    card = ProgrammeCard(programme=programme, is_coordinator=Role.COORDINATOR in roles)
    card.roles = [label for value, label in Role.choices if value in roles]
    if programme.status == Programme.Status.CLOSED and not card.is_coordinator:
        card.steps.append(NextStep("This programme has closed.", tone="muted", icon="archive"))
        return card
    if card.is_coordinator:
        card.steps += _coordinator_steps(programme, awaiting)
    if Role.WELFARE_LEAD in roles:
        card.steps.append(
            NextStep(
                "As welfare lead you will be emailed if someone asks for support.",
                tone="muted",
                icon="heart-pulse",
            )
        )
    for role in (Role.MENTOR, Role.MENTEE):
        if role in roles:
            override = overrides.get((programme.pk, role)) if profile_complete else None
            card.steps.append(override or _member_step(programme, role, profile_complete))
    pending = [a for a in applications if a.status == Application.Status.SUBMITTED]
    if pending and not profile_complete and _profile_step() not in card.steps:
        card.steps.append(_profile_step())
    for application in applications:
        step = _application_step(application)
        if step:
            card.roles.append(f"{application.get_role_display()} applicant")
            card.steps.append(step)
    return card


def _member_overrides(user, roles: dict[int, set[str]]) -> dict[tuple[int, str], NextStep]:
    """Next steps that higher layers (matching, meetings) know better than we do."""
    member_of = sorted(pid for pid, r in roles.items() if r & {Role.MENTOR, Role.MENTEE})
    if not member_of:
        return {}
    overrides: dict[tuple[int, str], NextStep] = {}
    for _receiver, steps in member_next_steps.send(
        sender=Programme, user=user, programme_ids=member_of
    ):
        overrides.update(steps or {})
    return overrides


def home_programmes_for(*, user) -> HomeOverview:
    """The person's programmes, each with their roles and next steps, and a few to join."""
    memberships = list(Membership.objects.active().filter(user=user).select_related("programme"))
    applications = _latest_applications(user)
    profile = Profile.objects.filter(user=user).first()
    profile_complete = bool(profile and profile.is_complete)

    programmes: dict[int, Programme] = {}
    roles: dict[int, set[str]] = {}
    for m in memberships:
        programmes[m.programme_id] = m.programme
        roles.setdefault(m.programme_id, set()).add(m.role)
    by_programme: dict[int, list[Application]] = {}
    for (programme_id, role), application in applications.items():
        if application.status == Application.Status.WITHDRAWN:
            continue
        mine = roles.setdefault(programme_id, set())
        programmes[programme_id] = application.programme
        if application.status == Application.Status.APPROVED:
            mine.add(role)  # normally also a membership; the application is enough
        elif role not in mine:
            by_programme.setdefault(programme_id, []).append(application)

    coordinated = [pid for pid, r in roles.items() if Role.COORDINATOR in r]
    awaiting = _review_counts(coordinated)
    overrides = _member_overrides(user, roles)
    cards = [
        _card_for(
            programmes[pid],
            roles.get(pid, set()),
            sorted(by_programme.get(pid, []), key=lambda a: a.role),
            awaiting=awaiting.get(pid, 0),
            profile_complete=profile_complete,
            overrides=overrides,
        )
        for pid in sorted(programmes, key=lambda pid: programmes[pid].name.lower())
    ]
    joined = {pid for (pid, _role) in applications} | set(programmes)
    suggestions = list(
        Programme.objects.enrolling().exclude(pk__in=joined).order_by("name")[:HOME_SUGGESTIONS]
    )
    return HomeOverview(cards=cards, suggestions=suggestions, profile_complete=profile_complete)


def programmes_for_list(*, user, search: str = "") -> QuerySet[Programme]:
    """Programmes open for enrolment and the person's own, with their roles attached."""
    programmes = Programme.objects.visible_to(user)
    if search:
        programmes = programmes.filter(name__icontains=search)
    return programmes.order_by("name", "pk").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.active().filter(user=user),
            to_attr="my_memberships",
        ),
        Prefetch(
            "applications",
            queryset=Application.objects.live().filter(applicant=user),
            to_attr="my_applications",
        ),
    )


@dataclass
class ProgrammeForPerson:
    """What the programme page needs to know about the person looking at it."""

    roles: list[str]
    applications: list[Application]
    can_apply: dict[str, bool]
    is_coordinator: bool
    coordinators: list


def programme_for_person(*, programme: Programme, user) -> ProgrammeForPerson:
    memberships = list(
        Membership.objects.active()
        .filter(programme=programme)
        .filter(Q(user=user) | Q(role=Role.COORDINATOR))
        .select_related("user")
        .order_by("user__full_name")
    )
    roles = {m.role for m in memberships if m.user_id == user.pk}
    latest: dict[str, Application] = {}
    for application in (
        Application.objects.visible_to(user)
        .filter(programme=programme, applicant=user)
        .order_by("submitted_at", "pk")
    ):
        latest[application.role] = application
    open_now = programme.enrolment_is_open()
    can_apply = {
        role: open_now
        and role not in roles
        and not (role in latest and latest[role].status in Application.LIVE_STATUSES)
        for role in (Application.Role.MENTOR, Application.Role.MENTEE)
    }
    return ProgrammeForPerson(
        roles=[label for value, label in Role.choices if value in roles],
        applications=sorted(latest.values(), key=lambda a: a.role),
        can_apply=can_apply,
        is_coordinator=Role.COORDINATOR in roles,
        coordinators=[m.user for m in memberships if m.role == Role.COORDINATOR],
    )


@dataclass
class Dashboard:
    awaiting_mentors: int
    awaiting_mentees: int
    mentors: int
    mentor_capacity: int
    mentees: int
    pending_invitations: int
    questions: int
    team: int

    @property
    def awaiting(self) -> int:
        return self.awaiting_mentors + self.awaiting_mentees


def programme_dashboard(*, programme: Programme) -> Dashboard:
    """The counts on a programme's management overview."""
    awaiting = dict(
        Application.objects.filter(programme=programme, status=Application.Status.SUBMITTED)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    members = Membership.objects.active().filter(programme=programme)
    default_capacity = Value(programme.default_mentor_capacity, output_field=IntegerField())
    counts = members.aggregate(
        mentors=Count("pk", filter=Q(role=Role.MENTOR)),
        capacity=Sum(Coalesce("capacity", default_capacity), filter=Q(role=Role.MENTOR)),
        mentees=Count("pk", filter=Q(role=Role.MENTEE)),
        team=Count("pk", filter=Q(role__in=[Role.COORDINATOR, Role.WELFARE_LEAD])),
    )
    return Dashboard(
        awaiting_mentors=awaiting.get(Application.Role.MENTOR, 0),
        awaiting_mentees=awaiting.get(Application.Role.MENTEE, 0),
        mentors=counts["mentors"],
        mentor_capacity=counts["capacity"] or 0,
        mentees=counts["mentees"],
        pending_invitations=Invitation.objects.filter(programme=programme).pending().count(),
        questions=ApplicationQuestion.objects.filter(programme=programme).count(),
        team=counts["team"],
    )


def team_for(*, programme: Programme) -> QuerySet[Membership]:
    """The programme's coordinators and welfare leads."""
    return (
        Membership.objects.active()
        .filter(programme=programme, role__in=[Role.COORDINATOR, Role.WELFARE_LEAD])
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def holds_privileged_role(user) -> bool:
    """Coordinates or is a welfare lead in any programme: such sessions time out sooner."""
    return (
        Membership.objects.active()
        .filter(user=user, role__in=[Role.COORDINATOR, Role.WELFARE_LEAD])
        .exists()
    )
