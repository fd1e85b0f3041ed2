"""Reactions to signals sent by lower layers: each one calls a service."""

from __future__ import annotations

from django.dispatch import receiver

from programmes.models import Membership
from programmes.signals import membership_ended

from .services.lifecycle import mentorships_end_for_leaver


@receiver(membership_ended, sender=Membership, dispatch_uid="matching-membership-ended")
def end_mentorships_of_leaver(sender, *, programme, user_id, role, **kwargs):
    if role in (Membership.Role.MENTOR, Membership.Role.MENTEE):
        mentorships_end_for_leaver(programme=programme, user_id=user_id, role=role)
