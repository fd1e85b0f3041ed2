"""Write the reminders of meetings and mentorships that existed before reminders did.

    manage.py reminders_backfill

Run once after upgrading an existing installation. Safe to run again: a reminder that
already exists is left as it is. New meetings and mentorships get theirs as they are made.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from matching.models import Mentorship
from matching.services.mentorships import mentorship_started_hooks
from sessions.services.reminders import meeting_reminders_backfill


class Command(BaseCommand):
    help = "Write reminders for meetings and mentorships made before reminders existed."

    def handle(self, *args, **options):
        meetings = meeting_reminders_backfill()
        started = Mentorship.objects.filter(
            status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED],
            started_on__isnull=False,
        ).order_by("pk")
        count = 0
        for mentorship in started.iterator(chunk_size=500):
            with transaction.atomic():
                mentorship_started_hooks(mentorship)
            count += 1
        self.stdout.write(
            f"reminders written for {meetings} meeting reminder(s) and {count} mentorship(s)"
        )
