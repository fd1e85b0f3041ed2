"""The outbox of reminders and the in-app notifications list (one table for both).

PostgreSQL is the record, the broker only the transport: a reminder is a row here,
written in the same transaction as the change that makes it due (or by the sweep that
finds it due), and the dispatcher claims due rows with a lease before a short task
sends each one. The unique key (kind, subject, recipient, occurrence) is what makes a
re-run, a retried task or a second beat harmless.

Transactional emails (a request, a booking, a decision, an invitation, allauth's
messages) are rows here too: kind "email:<name>", due at once, carrying the message
already rendered (encrypted: it may hold a sign-in or invitation link) until it is sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentoring.fields import EncryptedTextField


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A person's own notifications that have reached them (sent, digested or muted)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, delivered_at__isnull=False)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting until due"
        LEASED = "leased", "Claimed by the dispatcher"
        SENT = "sent", "Sent"
        DIGEST = "digest", "Waiting for the weekly digest"
        DIGESTED = "digested", "Sent in a digest"
        MUTED = "muted", "Shown in the app only (email turned off)"
        CANCELLED = "cancelled", "No longer needed"
        DEAD = "dead", "Failed too many times"

    kind = models.CharField(max_length=60)
    # "<app_label>.<model>:<pk>", e.g. "mentoring_sessions.meeting:12": what it is about.
    subject_key = models.CharField(max_length=80)
    # Empty for an email to an address with no account behind it (an invitation, allauth's
    # "no account with this address", the goodbye sent to a closed account's old address).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # Which time this is, for a subject that is reminded of more than once
    # ("24h", "1h", a date, an ISO week).
    occurrence = models.CharField(max_length=40, blank=True, default="")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Filled in when it is sent (or shown in the app only): what the list shows. Never
    # confidential text: emails and titles say what happened and link to the page.
    title = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A transactional email's rendered message (JSON: addresses, subject, parts,
    # attachments), emptied once it is sent so no copy of a link outlives its delivery.
    message = EncryptedTextField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient", "occurrence"],
                name="unique_notification",
            )
        ]
        indexes = [
            # The dispatcher's two questions: what is due, and whose lease has run out.
            models.Index(
                fields=["due_at"],
                name="notification_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["lease_until"],
                name="notification_leased_until",
                condition=Q(status="leased"),
            ),
            models.Index(fields=["subject_key", "status"], name="notification_subject"),
            models.Index(fields=["recipient", "-delivered_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "status"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} -> {self.recipient_id} ({self.occurrence})"

    @classmethod
    def cut_to_fit(cls, field_name: str, value: str) -> str:
        """`value` shortened to the column's `max_length` (a title or link, shown, never parsed)."""
        return value[: cls._meta.get_field(field_name).max_length]


class NotificationPreference(models.Model):
    """How a person wants one optional kind of reminder; no row means by email as it happens."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email as it happens"
        DIGEST = "digest", "In a weekly digest email"
        OFF = "off", "No email (in the app only)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
