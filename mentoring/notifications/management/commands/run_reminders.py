"""Run the reminder sweeps and send what is due, now, without waiting for beat.

    manage.py run_reminders                 # every sweep, then deliver every due reminder
    manage.py run_reminders --kind meeting_upcoming
    manage.py run_reminders --enqueue       # hand deliveries to the Celery worker instead

Safe to run while beat and workers are running: sweeps only add rows that do not exist
yet, and each due reminder is claimed with a lease before it is sent.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from mentoring.notifications import registry, services


class Command(BaseCommand):
    help = "Run the reminder sweeps and deliver every reminder that is due."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", help="only this kind of reminder (see --list)")
        parser.add_argument("--list", action="store_true", help="list the kinds and stop")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand deliveries to the worker via the broker"
        )
        parser.add_argument(
            "--sweeps-only", action="store_true", help="write due rows but send nothing"
        )

    def handle(self, *args, kind=None, list=False, enqueue=False, sweeps_only=False, **options):
        if list:
            for k in sorted(registry.kinds(), key=lambda k: k.name):
                flag = "optional" if k.optional else "always sent"
                self.stdout.write(f"{k.name:32} {flag:12} {k.label}")
            return
        if kind is not None and registry.kind(kind) is None:
            names = ", ".join(sorted(k.name for k in registry.kinds()))
            raise CommandError(f"unknown kind {kind!r}; the kinds are: {names}")
        for name, count in services.sweeps_run(kind=kind).items():
            self.stdout.write(f"sweep {name}: {count} reminder(s) written")
        if sweeps_only:
            return
        kinds = [kind] if kind else None
        if enqueue:
            handed = services.notifications_dispatch(kinds=kinds)
            self.stdout.write(f"handed {handed} reminder(s) to the worker")
            return
        outcomes: Counter[str] = Counter()

        def deliver(pk: int, token: str) -> None:
            outcomes[services.notification_deliver(notification_id=pk, token=token)] += 1

        services.notifications_dispatch(kinds=kinds, enqueue=deliver)
        summary = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"reminders: {summary}")
