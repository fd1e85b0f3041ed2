"""`manage.py seed_demo`: the demo programmes and logins `make run` prints."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mentoring.accounts.models import User
from programmes.demo import DEMO_PASSWORD, demo_data_exists, demo_seed


class Command(BaseCommand):
    help = (
        "Create two demo programmes with coordinators, 30 mentors and 80 mentees (all with "
        f"the password {DEMO_PASSWORD!r}). Refuses to run in production mode."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has any user (used on every `make run`).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            metavar="N",
            help="Create N times the mentors and mentees, for benchmarks (default 1).",
        )

    def handle(self, *args, if_empty: bool, scale: int, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo refuses to run in production mode (MENTORING_ENV=production): "
                f"it creates accounts whose password, {DEMO_PASSWORD!r}, is published."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data not added.")
            return
        if demo_data_exists():
            raise CommandError(
                "Demo data is already here (a @demo.test user or a demo programme exists). "
                "Start from an empty database to seed it again."
            )
        started = time.monotonic()
        summary = demo_seed(scale=scale)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s."))
