from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule. Each entry names its cadence; the reminders issue adds sweeps.
app.conf.beat_schedule = {
    # Every 15 minutes: expire invitations whose link has lapsed (idempotent update).
    "expire-invitations": {
        "task": "programmes.tasks.expire_invitations",
        "schedule": 15 * 60,
    },
}
