"""Confidential wellbeing check-ins, the support directory and support requests.

Who may read what is set out in design.md's confidentiality table and enforced by
each model's `visible_to(user)`: a coordinator never reads a check-in or a request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from matching.models import Mentorship
from mentoring.fields import EncryptedTextField
from programmes.models import Membership, Programme


class WellbeingSettings(models.Model):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="wellbeing_settings"
    )
    checkin_cadence_days = models.PositiveSmallIntegerField(
        "invite a check-in every (days)",
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
    )
    # Set once the default UK services have been added to the programme's directory, so a
    # coordinator who deletes them all is not given them back.
    directory_seeded_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Wellbeing settings of {self.programme}"


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, user) -> CheckInQuerySet:
        """The owner; and the current mentor, for check-ins the owner chose to share.

        "Current" means the mentorship is active or paused and both people are still in
        the programme in those roles: a mentor (or mentee) who has left the programme
        ends the sharing even if nobody closed the mentorship.
        """
        if not user.is_authenticated:
            return self.none()
        active = Membership.objects.active()
        still_mentor = active.filter(
            user=user,
            role=Membership.Role.MENTOR,
            programme=OuterRef("shared_mentorship__programme"),
        )
        still_mentee = active.filter(
            user=OuterRef("user"),
            role=Membership.Role.MENTEE,
            programme=OuterRef("shared_mentorship__programme"),
        )
        return self.filter(
            Q(user=user)
            | Q(
                Exists(still_mentor),
                Exists(still_mentee),
                share_with_mentor=True,
                shared_mentorship__mentor=user,
                shared_mentorship__status__in=(
                    Mentorship.Status.ACTIVE,
                    Mentorship.Status.PAUSED,
                ),
            )
        )


class CheckIn(models.Model):
    """One WHO-5 check-in (or another licensed instrument a programme adds)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(
        max_length=20, choices=Membership.Role.choices, blank=True
    )  # the person's role in the programme then, for aggregates by role
    instrument = models.CharField(max_length=20, default="who5")
    answers = models.JSONField()  # one integer per item
    raw_score = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()  # 0-100
    band = models.CharField(max_length=20)
    anything_on_mind = EncryptedTextField(blank=True, null=True)
    what_would_help = EncryptedTextField(blank=True, null=True)
    share_with_mentor = models.BooleanField(default=False)
    shared_mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["programme", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


class SupportServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> SupportServiceQuerySet:
        """Members see their programmes' directories."""
        if not user.is_authenticated:
            return self.none()
        mine = Membership.objects.active().filter(user=user).values("programme_id")
        return self.filter(programme__in=mine)


class SupportService(models.Model):
    """An entry in a programme's directory of support services."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="support_services"
    )
    name = models.CharField(max_length=150)
    purpose = models.CharField("what it is for", max_length=400)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField("text message", max_length=80, blank=True)
    url = models.URLField("web address", blank=True)
    hours = models.CharField(max_length=150, blank=True)
    urgent = models.BooleanField(
        "for urgent help", default=False, help_text="Shown first to anyone in crisis."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = SupportServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "position", "name"]

    def __str__(self) -> str:
        return self.name


class SupportRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> SupportRequestQuerySet:
        """The person who asked, and the programme's welfare leads. Never coordinators."""
        if not user.is_authenticated:
            return self.none()
        led = (
            Membership.objects.active()
            .filter(user=user, role=Membership.Role.WELFARE_LEAD)
            .values("programme_id")
        )
        return self.filter(Q(user=user) | Q(programme__in=led))


class SupportRequest(models.Model):
    """A person asks for someone from the programme's welfare team to contact them."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for contact"
        CONTACTED = "contacted", "Contacted"
        CLOSED = "closed", "Closed"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices)
    contact_details = EncryptedTextField(help_text="The number or address to use.")
    preferred_times = EncryptedTextField(blank=True, null=True)
    message = EncryptedTextField(blank=True, null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    referral = models.OneToOneField(
        "Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Support request {self.pk}"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReferralQuerySet:
        """The mentor who proposed it and the mentee it is for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))


class Referral(models.Model):
    """A mentor proposes a referral; it goes nowhere until the mentee confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the mentee"
        CONFIRMED = "confirmed", "Confirmed by the mentee"
        DECLINED = "declined", "Declined by the mentee"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        SupportService, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField("why this could help", blank=True, null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccessLogQuerySet:
        """A person sees who has read their records."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(subject=user)


class AccessLog(models.Model):
    """Who read another person's confidential record, and when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    record_type = models.CharField(max_length=40)  # "check-in", "support request"
    record_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20, default="viewed")
    at = models.DateTimeField(auto_now_add=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.record_type} {self.record_id}"
