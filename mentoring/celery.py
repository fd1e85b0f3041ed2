from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule, with each entry's cadence in a comment beside it.
# The reminders work adds the follow-up, meeting, milestone and inactivity sweeps.
app.conf.beat_schedule = {
    # Hourly: expire mentor requests left unanswered past the programme's limit.
    "matching-expire-requests": {
        "task": "matching.tasks.expire_requests",
        "schedule": crontab(minute=5),
    },
    # Daily at 06:10: resume paused mentorships whose resume date has come.
    "matching-resume-paused-mentorships": {
        "task": "matching.tasks.resume_paused_mentorships",
        "schedule": crontab(hour=6, minute=10),
    },
}
