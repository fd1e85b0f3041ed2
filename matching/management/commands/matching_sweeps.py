"""Run the matching sweeps now (beat runs them on schedule; both are idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.lifecycle import mentorships_resume_due
from matching.services.requests import requests_expire


class Command(BaseCommand):
    help = "Expire unanswered mentor requests and resume paused mentorships that are due."

    def handle(self, *args, **options):
        expired = requests_expire()
        resumed = mentorships_resume_due()
        self.stdout.write(f"{expired} requests expired, {resumed} mentorships resumed.")
