from __future__ import annotations

from django.conf import settings
from django.db import models


class Delivery(models.Model):
    """One message of one kind, about one object, to one person, in one period.

    Created *before* the message is sent: the unique constraint is the claim that
    makes a sweep safe to re-run, retry or run twice at once.
    """

    kind = models.CharField(max_length=60)
    object_key = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    period = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "period"], name="unique_delivery"
            )
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} -> {self.recipient_id} ({self.period})"
