"""Signals programmes sends so higher layers can react without programmes importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ended a person's mentor or mentee membership, with
# `programme`, `user_id` and `role`. Receivers end what depended on that membership
# (open mentorships, waiting requests) in the same transaction.
membership_ended = Signal()

# Sent while the home page is built, with `user` and `programme_ids` (the programmes
# where the person is an approved mentor or mentee). A receiver returns a dict
# {(programme_id, role): NextStep} for the memberships it knows more about (a mentee who
# already has a mentor, a mentor with requests waiting); programmes shows those instead
# of its own generic step. Each receiver makes a fixed number of queries.
member_next_steps = Signal()

# Sent while a coordinator's weekly digest is built, with `programme`, `recipient` (the
# coordinator, for their time zone) and `now`. A receiver returns a list of
# `programmes.reminders.DigestSection`: counts with names and dates only, never note,
# check-in or support text. Each receiver makes a fixed number of queries whatever the
# programme's size (`programmes.reminders.digest_section` counts, then lists a few).
# A section's `key` places it: the digest reads in `programmes.reminders.DIGEST_SECTION_ORDER`.
coordinator_digest_sections = Signal()
