from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule, with each entry's cadence in a comment beside it.
app.conf.beat_schedule = {
    # Every minute (NOTIFICATIONS_DISPATCH_EVERY seconds): claim due reminders and hand
    # each to a short delivery task. Two beats at once are harmless: claims skip locked rows.
    "notifications-dispatch": {
        "task": "mentoring.notifications.tasks.dispatch",
        "schedule": float(settings.NOTIFICATIONS_DISPATCH_EVERY),
    },
    # Every 15 minutes: the sweeps that find reminders due (check-in invitations, weekly
    # digests for coordinators...), each selecting only due rows through an index.
    "notifications-sweeps": {
        "task": "mentoring.notifications.tasks.run_sweeps",
        "schedule": crontab(minute="*/15"),
    },
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
