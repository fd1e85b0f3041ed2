"""Availability, meetings, session notes, reflections, action items and agreements.

Confidentiality (design.md): a note's shared part is read by the mentorship's two
members; its private part by its author only; a mentee's reflection by its author
only; coordinators see only that meetings happened. Free text is encrypted at rest.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from matching.models import Mentorship
from mentoring.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from mentoring.vocabulary import MeetingMode
from programmes.models import Programme


class MeetingDefaults(models.Model):
    """A mentor's default video link and meeting place."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_defaults"
    )
    video_link = models.URLField("default video link", blank=True)
    location = EncryptedCharField("default meeting place", max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Meeting defaults of {self.mentor_id}"


class AvailabilityWindow(models.Model):
    """A weekly recurring window, in the mentor's own time zone."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (i, d)
            for i, d in enumerate(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            )
        ]
    )
    start_time = models.TimeField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    modes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time}-{self.end_time}"


class AvailabilitySlot(models.Model):
    """A one-off slot a mentor offers."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    modes = models.JSONField(default=list)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Slot {self.starts_at:%Y-%m-%d %H:%M}"


class Blackout(models.Model):
    """Dates a mentor is not available (leave, nights, rota), inclusive."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blackouts"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = EncryptedCharField(max_length=120, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="blackout_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Away {self.starts_on}-{self.ends_on}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """The two members; the programme's coordinators (who see no text at all)."""
        if not user.is_authenticated:
            return self.none()
        coordinated = Programme.objects.coordinated_by(user).values("pk")
        return self.filter(
            Q(mentor=user) | Q(mentee=user) | Q(mentorship__programme__in=coordinated)
        )

    def of_member(self, user) -> MeetingQuerySet:
        return self.filter(Q(mentor=user) | Q(mentee=user))

    def live(self) -> MeetingQuerySet:
        return self.exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    """A meeting of a mentorship's two members.

    `mentor` and `mentee` repeat the mentorship's so the database can refuse
    overlapping meetings for either person (an exclusion constraint on PostgreSQL,
    added in a migration; the booking service guards on every database).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Booked"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=MeetingMode.choices)
    video_link = models.URLField(blank=True)
    location = EncryptedCharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = EncryptedCharField(max_length=300, blank=True)
    # Calendar invitations: a stable UID, and a SEQUENCE that grows on every change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["mentor", "starts_at"]),
            models.Index(fields=["mentee", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class SessionNote(models.Model):
    """The mentor's note of a meeting: a shared part and a private part."""

    class Framework(models.TextChoices):
        EGAN = "egan", "Egan's Skilled Helper"
        GROW = "grow", "GROW"
        CLEAR = "clear", "CLEAR"
        OSKAR = "oskar", "OSKAR"
        FREE = "free", "Free-form"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    framework = models.CharField(max_length=10, choices=Framework.choices)
    # Shared with the mentee.
    shared_summary = EncryptedTextField(blank=True, null=True)
    # Private to the author: the framework's sections (section key -> text) and notes.
    sections = EncryptedJSONField(default=dict, blank=True)
    private_notes = EncryptedTextField(blank=True, null=True)
    # Issues discussed (domain.md's list); only ever counted in aggregate elsewhere.
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Note of meeting {self.meeting_id}"


class Reflection(models.Model):
    """A mentee's own private reflections on a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="unique_reflection")
        ]

    def __str__(self) -> str:
        return f"Reflection on meeting {self.meeting_id}"


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionItemQuerySet:
        """The mentorship's two members only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))


class ActionItem(models.Model):
    class Owner(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    text = EncryptedTextField()
    owner = models.CharField(max_length=10, choices=Owner.choices)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["mentorship", "done_at"])]

    def __str__(self) -> str:
        return f"Action item {self.pk}"


class MeetingFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingFeedbackQuerySet:
        """The mentee's own ratings only: the mentor and coordinators see averages elsewhere."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(mentee=user)


class MeetingFeedback(models.Model):
    """A mentee's one-click "how did it go?" (1-5) after a meeting, for programme evaluation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        "how did it go? (1-5)", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingFeedbackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "mentee"], name="unique_meeting_feedback"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="meeting_feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on meeting {self.meeting_id}: {self.rating}"


class MentoringAgreement(models.Model):
    """The ground rules both people agree at the start (contracting)."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    meeting_frequency = EncryptedTextField("how often and how long we meet")
    contact = EncryptedTextField("how we get in touch between meetings")
    confidentiality = EncryptedTextField("what stays confidential, and its limits")
    signposting = EncryptedTextField("when the mentor would signpost or refer")
    ending = EncryptedTextField("how the relationship ends")
    version = models.PositiveIntegerField(default=1)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agreement of mentorship {self.mentorship_id} (v{self.version})"


class CalendarFeedQuerySet(models.QuerySet):
    def for_token(self, token: str) -> CalendarFeedQuerySet:
        return self.filter(token_hash=CalendarFeed.hash_token(token)) if token else self.none()


class CalendarFeed(models.Model):
    """A person's private calendar feed; revoking replaces the token.

    Only a SHA-256 hash of the token is stored (the token is random, so no salt is
    needed): a database leak does not leak anyone's calendar address. The token is
    shown once, when it is made.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    objects = CalendarFeedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
