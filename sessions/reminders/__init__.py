"""Reminders about meetings and mentorships that need the meetings data.

Each module registers its kinds (and sweeps) with mentoring.notifications.registry.
"""

from __future__ import annotations


def register() -> None:
    from . import digest, meetings, milestones

    meetings.register()
    milestones.register()
    digest.register()
