"""Reactions to signals sent by lower layers: each one calls a service."""

from __future__ import annotations

from django.dispatch import receiver

from programmes.models import Membership, Programme
from programmes.signals import member_next_steps, membership_ended

from .selectors_home import home_next_steps
from .services.lifecycle import mentorships_end_for_leaver


@receiver(membership_ended, sender=Membership, dispatch_uid="matching-membership-ended")
def end_mentorships_of_leaver(sender, *, programme, user_id, role, **kwargs):
    if role in (Membership.Role.MENTOR, Membership.Role.MENTEE):
        mentorships_end_for_leaver(programme=programme, user_id=user_id, role=role)


@receiver(member_next_steps, sender=Programme, dispatch_uid="matching-member-next-steps")
def mentoring_next_steps(sender, *, user, programme_ids, **kwargs):
    return home_next_steps(user=user, programme_ids=programme_ids)
