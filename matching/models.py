from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mentoring.fields import EncryptedTextField
from programmes.models import Programme

OPEN_MENTORSHIP_STATUSES = ("proposed", "active", "paused")


def _weight(verbose_name: str, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(10)]
    )


class MatchingSettings(models.Model):
    """How a programme matches: criteria weights, hard rules, request limits."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="matching_settings"
    )
    weight_specialty = _weight("same specialty", 5)
    weight_topics = _weight("topics overlap", 8)
    weight_career_stage = _weight("career-stage gap", 4)
    weight_location = _weight("same region or time zone", 2)
    weight_modes = _weight("meeting modes in common", 3)
    weight_language = _weight("a shared language", 3)
    weight_preferences = _weight("the mentee's stated preferences", 4)
    min_career_gap = models.PositiveSmallIntegerField(
        "preferred minimum career-stage gap (bands of experience)",
        default=1,
        validators=[MaxValueValidator(4)],
    )
    min_score = models.PositiveSmallIntegerField(
        "minimum score for a proposed pair (0-100)",
        default=30,
        validators=[MaxValueValidator(100)],
    )
    cross_organisation = models.BooleanField(
        "pairs must be from different organisations (employer and department)", default=False
    )
    max_pending_requests = models.PositiveSmallIntegerField(
        "requests a mentee may have pending at once",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        "days before an unanswered request expires",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    allow_multiple_mentors = models.BooleanField(
        "a mentee may have more than one mentor at once", default=False
    )
    publish_as_introductions = models.BooleanField(
        "matches are introductions both people must accept", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Matching settings of {self.programme}"


class DeclaredConflict(models.Model):
    """A mentee says a mentor is their supervisor or line manager: never pair them."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", "My supervisor"
        LINE_MANAGER = "line_manager", "My line manager"
        OTHER = "other", "Another conflict of interest"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee", "mentor"], name="unique_declared_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} declared a conflict with {self.mentor_id}"


class MentorshipQuerySet(models.QuerySet):
    def visible_to(self, user) -> MentorshipQuerySet:
        """Its two members, and the programme's coordinators (who never see notes)."""
        if not user.is_authenticated:
            return self.none()
        coordinated = Programme.objects.coordinated_by(user).values("pk")
        return self.filter(Q(mentor=user) | Q(mentee=user) | Q(programme__in=coordinated))

    def of_member(self, user) -> MentorshipQuerySet:
        return self.filter(Q(mentor=user) | Q(mentee=user))

    def open(self) -> MentorshipQuerySet:
        return self.filter(status__in=OPEN_MENTORSHIP_STATUSES)


class Mentorship(models.Model):
    """The relationship between one mentor and one mentee in a programme."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Introduced"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", "Completed"
        MENTEE_WITHDREW = "mentee_withdrew", "Mentee withdrew"
        MENTOR_WITHDREW = "mentor_withdrew", "Mentor withdrew"
        NOT_A_GOOD_FIT = "not_a_good_fit", "Not a good fit"
        OTHER = "other", "Other"

    class Origin(models.TextChoices):
        REQUEST = "request", "The mentee's request"
        MATCHING = "matching", "Matched by the coordinators"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    run = models.ForeignKey(
        "MatchingRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    planned_end_on = models.DateField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = EncryptedTextField(
        "private note", blank=True, null=True, help_text="Only you will see this."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentor", "mentee"],
                condition=Q(status__in=OPEN_MENTORSHIP_STATUSES),
                name="unique_open_mentorship_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_not_with_self"
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "mentor", "status"]),
            models.Index(fields=["programme", "mentee", "status"]),
            # The daily sweep that resumes paused mentorships reads only these.
            models.Index(
                fields=["paused_until"],
                name="mentorship_paused_until",
                condition=Q(status="paused"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.programme})"

    def other_person(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor


class ClosingReview(models.Model):
    """Each person's short review when a mentorship closes (used by evaluation)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpfulness = models.PositiveSmallIntegerField(
        "how worthwhile was the mentoring for you? (1-5)",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    supportive_environment = models.PositiveSmallIntegerField(
        "to what extent did it give you a supportive environment? (1-5)",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments = EncryptedTextField(blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="unique_closing_review")
        ]

    def __str__(self) -> str:
        return f"Closing review of {self.mentorship_id} by {self.author_id}"


class MentorRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> MentorRequestQuerySet:
        """Only the mentee who asked and the mentor asked."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentee=user) | Q(mentor=user))

    def pending(self) -> MentorRequestQuerySet:
        return self.filter(status=MentorRequest.Status.PENDING, expires_at__gt=timezone.now())


class MentorRequest(models.Model):
    """A mentee asks a mentor to mentor them."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests_made"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests_received"
    )
    message = EncryptedTextField("what you would like help with")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(
        "private reason", blank=True, null=True, help_text="Only you will see this."
    )
    reply_message = EncryptedTextField("message to the mentee", blank=True, max_length=2000)
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee", "mentor"],
                condition=Q(status="pending"),
                name="unique_pending_request",
            )
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor} ({self.get_status_display()})"


class MatchingRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> MatchingRunQuerySet:
        """Only the programme's coordinators see runs."""
        return self.filter(programme__in=Programme.objects.coordinated_by(user).values("pk"))


class MatchingRun(models.Model):
    """A coordinator's matching proposal: pairs to review, then publish."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Proposal"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settings_snapshot = models.JSONField(default=dict)
    total_score = models.FloatField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MatchingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Matching run {self.pk} for {self.programme}"


class ProposedPair(models.Model):
    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    runner_up = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    runner_up_score = models.FloatField(null=True, blank=True)
    runner_up_breakdown = models.JSONField(default=dict, blank=True)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="unique_pair_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} with {self.mentee_id} ({self.score:.0f})"


class UnmatchedMentee(models.Model):
    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="unique_unmatched_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} unmatched: {self.reason}"
