from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule, with each entry's cadence in a comment beside it.
# The reminders work adds the follow-up, meeting, milestone and inactivity sweeps.
app.conf.beat_schedule = {}
