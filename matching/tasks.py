"""Celery tasks for matching: thin wrappers over the sweeps in the services.

Both are safe to run twice at once: each row is claimed with a conditional update.
"""

from __future__ import annotations

from celery import shared_task

from .services.lifecycle import mentorships_resume_due
from .services.requests import requests_expire


@shared_task(acks_late=True)
def expire_requests() -> int:
    """Expire unanswered requests past their date and tell each mentee once."""
    return requests_expire()


@shared_task(acks_late=True)
def resume_paused_mentorships() -> int:
    """Resume paused mentorships whose resume date has come."""
    return mentorships_resume_due()
