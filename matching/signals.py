"""Signals matching sends so higher layers can react without matching importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that started a mentorship (a request accepted, a matching
# run published, an introduction accepted by both), with `mentorship` (active, with
# `started_on` and `planned_end_on` set). Receivers write the rows of the reminders
# that depend on it (no meeting booked yet, a quiet pair...), so the reminders exist
# exactly when the mentorship does. Sent again by the demo after it moves a
# mentorship's dates back: receivers must be safe to run twice.
mentorship_started = Signal()
