"""Signals programmes sends so higher layers can react without programmes importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ended a person's mentor or mentee membership, with
# `programme`, `user_id` and `role`. Receivers end what depended on that membership
# (open mentorships, waiting requests) in the same transaction.
membership_ended = Signal()
