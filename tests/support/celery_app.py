"""The project's Celery app plus the test reminder kind: `celery -A tests.support.celery_app`."""

from __future__ import annotations

from mentoring.celery import app

from . import reminders

reminders.register()

__all__ = ["app"]
