from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentoring.fields import EncryptedJSONField, EncryptedTextField
from mentoring.vocabulary import Framework


class ProgrammeQuerySet(models.QuerySet):
    def coordinated_by(self, user) -> ProgrammeQuerySet:
        """Programmes this person may manage."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user,
            memberships__role=Membership.Role.COORDINATOR,
            memberships__ended_at__isnull=True,
        ).distinct()

    def enrolling(self) -> ProgrammeQuerySet:
        today = timezone.localdate()
        return self.filter(status=Programme.Status.OPEN).filter(
            Q(enrolment_opens_on__isnull=True) | Q(enrolment_opens_on__lte=today),
            Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=today),
        )

    def visible_to(self, user) -> ProgrammeQuerySet:
        """Programmes a signed-in person may see: open for enrolment, or theirs."""
        if not user.is_authenticated:
            return self.none()
        mine = Membership.objects.filter(user=user, ended_at__isnull=True).values("programme_id")
        applied = Application.objects.filter(applicant=user).values("programme_id")
        return self.filter(
            Q(pk__in=self.enrolling().values("pk")) | Q(pk__in=mine) | Q(pk__in=applied)
        )


class Programme(models.Model):
    """A mentoring programme (scheme) run by one or more coordinators."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        PEER = "peer", "Peer mentoring"

    class MatchingRoute(models.TextChoices):
        MENTEE_REQUESTS = "requests", "Mentees choose and request a mentor"
        COORDINATOR = "coordinator", "Coordinators match mentees with mentors"
        BOTH = "both", "Both: mentees may choose; coordinators match the rest"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Enrolment open"
        RUNNING = "running", "Running (enrolment closed)"
        CLOSED = "closed", "Closed"

    class MeetingFrequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"
        SIX_WEEKLY = "six_weekly", "Every six weeks"
        QUARTERLY = "quarterly", "Every three months"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(help_text="What the programme offers and how it works.")
    audience = models.CharField(
        "who it is for",
        max_length=300,
        help_text="For example: consultants in their first 5 years.",
    )
    starts_on = models.DateField("programme starts")
    ends_on = models.DateField("programme ends", null=True, blank=True)
    enrolment_opens_on = models.DateField(null=True, blank=True)
    enrolment_closes_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    matching_route = models.CharField(
        "how mentees get mentors",
        max_length=20,
        choices=MatchingRoute.choices,
        default=MatchingRoute.BOTH,
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    relationship_months = models.PositiveSmallIntegerField(
        "relationship length (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    meeting_frequency = models.CharField(
        "expected meeting frequency",
        max_length=20,
        choices=MeetingFrequency.choices,
        default=MeetingFrequency.MONTHLY,
    )
    meeting_length_minutes = models.PositiveSmallIntegerField(
        "default meeting length (minutes)",
        default=50,
        validators=[MinValueValidator(15), MaxValueValidator(180)],
    )
    default_note_framework = models.CharField(
        "default framework for session notes",
        max_length=10,
        choices=[*Framework.choices, ("free", "Free-form")],
        default=Framework.GROW,
        help_text="Mentors can choose another for any note; their own frameworks are listed first.",
    )
    coordinators_require_mfa = models.BooleanField(
        "coordinators must use two-factor authentication", default=True
    )
    contact_email = models.EmailField(
        "contact address",
        blank=True,
        help_text=(
            "Replies to the programme's emails go here: an address the coordinators read. "
            "Leave empty to send replies to the site's support address."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_closes_on__isnull=True)
                | Q(enrolment_opens_on__isnull=True)
                | Q(enrolment_closes_on__gte=models.F("enrolment_opens_on")),
                name="programme_enrolment_window_ordered",
            ),
        ]
        # The weekly digest sweep reads the open and running programmes.
        indexes = [models.Index(fields=["status"], name="programme_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The programme cannot end before it starts."
        if (
            self.enrolment_opens_on
            and self.enrolment_closes_on
            and self.enrolment_closes_on < self.enrolment_opens_on
        ):
            errors["enrolment_closes_on"] = "Enrolment cannot close before it opens."
        if errors:
            raise ValidationError(errors)

    # The expected days between meetings, for quiet pairs and inactivity reminders.
    MEETING_INTERVAL_DAYS = {
        MeetingFrequency.WEEKLY: 7,
        MeetingFrequency.FORTNIGHTLY: 14,
        MeetingFrequency.MONTHLY: 30,
        MeetingFrequency.SIX_WEEKLY: 42,
        MeetingFrequency.QUARTERLY: 91,
    }

    @property
    def meeting_interval(self) -> dt.timedelta:
        return dt.timedelta(days=self.MEETING_INTERVAL_DAYS.get(self.meeting_frequency, 30))

    def enrolment_is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and (self.enrolment_opens_on is None or self.enrolment_opens_on <= today)
            and (self.enrolment_closes_on is None or today <= self.enrolment_closes_on)
        )

    @property
    def allows_mentee_requests(self) -> bool:
        return self.matching_route in (self.MatchingRoute.MENTEE_REQUESTS, self.MatchingRoute.BOTH)


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person's role in a programme. One person may hold several roles."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        WELFARE_LEAD = "welfare_lead", "Welfare lead"
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        "mentee capacity",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Mentors only: how many mentees at once.",
    )
    accepting_mentees = models.BooleanField(
        "taking new mentees",
        default=True,
        help_text="Mentors only: untick to pause new requests without changing capacity.",
    )
    joined_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="unique_active_membership",
            )
        ]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} in {self.programme}"


class ApplicationQuestion(models.Model):
    """An extra question a programme asks on its application form."""

    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        CHOICE = "choice", "Choice from a list"
        YES_NO = "yes_no", "Yes or no"

    class Audience(models.TextChoices):
        BOTH = "both", "Mentors and mentees"
        MENTOR = "mentor", "Mentors only"
        MENTEE = "mentee", "Mentees only"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField("question", max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(blank=True, help_text="For a choice question: one option per line.")
    required = models.BooleanField(default=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": "A choice question needs at least two options."})

    def applies_to(self, role: str) -> bool:
        return self.audience in (self.Audience.BOTH, role)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApplicationQuerySet:
        """An applicant sees their own; a programme's coordinators see its applications."""
        if not user.is_authenticated:
            return self.none()
        coordinated = Programme.objects.coordinated_by(user).values("pk")
        return self.filter(Q(applicant=user) | Q(programme__in=coordinated))

    def live(self) -> ApplicationQuerySet:
        return self.filter(status__in=Application.LIVE_STATUSES)


class Application(models.Model):
    """A person's application to join a programme as a mentor or a mentee."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Not accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    LIVE_STATUSES = (Status.SUBMITTED, Status.APPROVED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    goals = EncryptedTextField(
        blank=True, max_length=3000, help_text="Mentees: what you would like to work on."
    )
    motivation = EncryptedTextField(
        blank=True, max_length=3000, help_text="Why you would like to take part."
    )
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    answers = EncryptedJSONField(default=dict, blank=True)
    via_invitation = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_message = models.TextField(blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "applicant", "role"],
                condition=Q(status__in=["submitted", "approved"]),
                name="unique_live_application",
            )
        ]
        indexes = [models.Index(fields=["programme", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.applicant} as {self.get_role_display()} in {self.programme}"


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> InvitationQuerySet:
        return self.filter(programme__in=Programme.objects.coordinated_by(user).values("pk"))

    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation to join a programme in a role, by a link that works once.

    Only a hash of the link's token is stored: a database leak does not leak links.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Application.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["programme", "email"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.role} to {self.programme}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
