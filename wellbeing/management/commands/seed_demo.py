"""`manage.py seed_demo`: the demo programmes, their matching and wellbeing, and the
logins `make run` prints.

It lives in the top app so it can seed every layer: the foundation's people and
programmes (programmes/demo/), then matching (matching/demo/), then meetings
(sessions/demo/), then wellbeing
(wellbeing/demo/), in one transaction. The services it calls send no email: the
demo people's addresses do not exist, and the first `make run` should not fill the
terminal with messages.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from matching.demo import matching_demo_seed
from mentoring.accounts.models import User
from mentoring.notifications.emails import emails_suppressed
from programmes.demo import DEMO_PASSWORD, demo_data_exists, demo_seed
from sessions.demo import meetings_demo_seed
from wellbeing.demo import wellbeing_demo_seed


class Command(BaseCommand):
    help = (
        "Create two demo programmes with coordinators, welfare leads, 30 mentors and 80 "
        "mentees (all with the password "
        f"{DEMO_PASSWORD!r}), their mentor requests, mentorships, a published matching run "
        "and six months of wellbeing check-ins. Refuses to run in production mode."
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
        with emails_suppressed(), transaction.atomic():
            now = timezone.now()
            foundation = demo_seed(scale=scale)
            matching = matching_demo_seed(now=now)
            meetings = meetings_demo_seed(now=now)
            wellbeing = wellbeing_demo_seed(now=now)
        for line in [*foundation.lines(), *matching.lines(), *meetings.lines(), *wellbeing.lines()]:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s."))
