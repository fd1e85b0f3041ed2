"""Celery tasks for notifications: thin wrappers over the services.

`dispatch` runs every minute from beat; it claims due reminders and hands each to
`deliver`, a short task that re-checks the row and sends it. Tasks carry ids and a
lease token, never model instances, and nothing waits in the broker with a long ETA:
the due time lives in PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings

from . import services

PONG = "pong"


@shared_task
def ping(reply_path: str = "") -> str:
    """Show that a worker is consuming the queue.

    Returns "pong"; with `reply_path`, also writes it to that file, so a process
    with no result backend (the worker round-trip test) can see the task ran.
    """
    if reply_path:
        Path(reply_path).write_text(PONG)
    return PONG


@shared_task(acks_late=True)
def dispatch() -> int:
    """Claim the due reminders and hand each to `deliver`."""
    return services.notifications_dispatch()


@shared_task(acks_late=True)
def send_now(notification_ids: list[int]) -> int:
    """Claim the emails a change has just written and hand each to `deliver`.

    Published once the change commits; rows it cannot claim (already taken by the
    dispatcher, or sent) are left alone, so a duplicate publish sends nothing twice.
    """
    return services.notifications_dispatch(ids=notification_ids)


@shared_task(acks_late=True)
def run_sweeps() -> dict[str, int]:
    """Write rows for the reminders the periodic sweeps find due, then dispatch them."""
    done = services.sweeps_run()
    services.notifications_dispatch()
    return done


# acks_late + reject_on_worker_lost: a worker killed mid-send leaves the message to be
# redelivered; the row's attempt count is the redelivery cap, the lease token makes a
# stale copy harmless, and the hard time limit stays well inside the lease.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.NOTIFICATIONS_TASK_SOFT_LIMIT,
    time_limit=settings.NOTIFICATIONS_TASK_SOFT_LIMIT + 15,
)
def deliver(notification_id: int, token: str) -> str:
    return services.notification_deliver(notification_id=notification_id, token=token)
